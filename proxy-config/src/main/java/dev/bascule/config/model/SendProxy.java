package dev.bascule.config.model;

import java.util.Set;

/**
 * The PROXY protocol header a server's connections begin with (doc section 5.2: {@code send-proxy},
 * {@code send-proxy-v2}, {@code send-proxy-v2-ssl}, {@code send-proxy-v2-ssl-cn}, {@code proxy-v2-options}).
 * {@code version} is 1 (text) or 2 (binary); {@code options} are the TLVs a version 2 header carries, by their
 * {@code proxy-v2-options} names ({@code ssl}, {@code cert-cn}, {@code ssl-cipher}, {@code authority},
 * {@code crc32c}, {@code unique-id}).
 */
public record SendProxy(int version, Set<String> options) {
    /** The {@code proxy-v2-options} Bascule knows, all of which it sends except the certificate's algorithms. */
    public static final Set<String> OPTIONS = Set.of("ssl", "cert-cn", "ssl-cipher", "cert-sig", "cert-key",
            "authority", "crc32c", "unique-id");
    /** Those it accepts but cannot fill yet: the client certificate's signature and key algorithms. */
    public static final Set<String> NOT_SENT = Set.of("cert-sig", "cert-key");

    public SendProxy {
        options = Set.copyOf(options);
    }

    public boolean has(String option) {
        return options.contains(option);
    }
}
