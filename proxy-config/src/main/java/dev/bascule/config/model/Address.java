package dev.bascule.config.model;

/**
 * A socket address as HAProxy writes it (doc section 11): a host and port ({@code INET}, with or without
 * {@code ipv4@}/{@code ipv6@}), a Unix socket path ({@code unix@PATH} or a plain {@code /path}), a Linux
 * abstract-namespace socket ({@code abns@NAME}) or an inherited, already listening file descriptor
 * ({@code fd@N}), or one end of a socketpair over which connections arrive as descriptors ({@code sockpair@N}).
 * {@code host} is null for a wildcard bind; {@code port} is {@link Server#SAME_PORT} for a
 * server without port.
 */
public record Address(Family family, String host, int port, String path, int fd) {
    public enum Family {
        INET, UNIX, ABNS, FD, SOCKPAIR;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Address inet(String host, int port) {
        return new Address(Family.INET, host, port, null, -1);
    }

    public static Address unix(String path) {
        return new Address(Family.UNIX, null, -1, path, -1);
    }

    /** The host when the address names one rather than an IP literal (HAProxy's server hostname), else null. */
    public String hostname() {
        if (family != Family.INET || host == null || host.isEmpty() || host.indexOf(':') >= 0
                || host.matches("[0-9.]+")) {
            return null;
        }
        return host;
    }

    @Override
    public String toString() {
        return switch (family) {
            case INET -> {
                String h = host == null ? "*" : host.indexOf(':') >= 0 ? "[" + host + "]" : host;
                yield port == Server.SAME_PORT ? h : h + ":" + port;
            }
            case UNIX -> "unix@" + path;
            case ABNS -> "abns@" + path;
            case FD -> "fd@" + fd;
            case SOCKPAIR -> "sockpair@" + fd;
        };
    }
}
