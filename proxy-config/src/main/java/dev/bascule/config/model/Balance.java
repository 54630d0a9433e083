package dev.bascule.config.model;

import java.util.List;

/** A backend's {@code balance} algorithm and its arguments, as written. */
public record Balance(String algorithm, List<String> arguments) {
    public static final Balance ROUNDROBIN = new Balance("roundrobin", List.of());

    public Balance {
        arguments = List.copyOf(arguments);
    }
}
