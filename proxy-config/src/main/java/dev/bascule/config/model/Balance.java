package dev.bascule.config.model;

import java.util.List;

/**
 * A backend's {@code balance} algorithm and its arguments as written, with its {@code hash-type}:
 * {@code map-based} (the default) or {@code consistent}, a hash function ({@code sdbm} by default) and
 * whether {@code avalanche} applies.
 */
public record Balance(String algorithm, List<String> arguments, String hashType, String hashFunction,
                      boolean avalanche) {
    public static final Balance ROUNDROBIN = new Balance("roundrobin", List.of(), "map-based", "sdbm", false);

    public Balance {
        arguments = List.copyOf(arguments);
    }

    public Balance withHashType(String type, String function, boolean avalanche) {
        return new Balance(algorithm, arguments, type, function, avalanche);
    }

    public boolean consistent() {
        return hashType.equals("consistent");
    }
}
