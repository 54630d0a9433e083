package dev.bascule.config.model;

import java.util.List;

/**
 * The options of a {@code bind} line (HAProxy's doc section 5.1) other than its address. {@code tls} is its TLS
 * termination, or null for a plain listener. {@code backlog} and {@code maxconn} are 0 when not set; {@code id} is 0
 * for an automatic one; {@code mss} is 0 when not set; {@code name}, {@code interfaceName}, {@code process} and
 * {@code thread} are null when not set. {@code unimplemented} holds the options Bascule parses but does not act upon
 * yet, as written ({@code "tfo"}, {@code "mss 1400"}).
 */
public record BindOptions(BindTls tls, String name, int id, int maxconn, int backlog, boolean acceptProxy,
                          boolean deferAccept, boolean transparent, boolean v4v6, boolean v6only, boolean tfo, int mss,
                          String interfaceName, String process, String thread, List<String> unimplemented) {
    public static final BindOptions NONE = new BindOptions(null, null, 0, 0, 0, false, false, false, false, false,
            false, 0, null, null, null, List.of());

    public BindOptions {
        unimplemented = List.copyOf(unimplemented);
    }
}
