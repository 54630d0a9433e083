package dev.bascule.dist;

import dev.bascule.config.Version;
import dev.bascule.core.Transport;

import java.util.LinkedHashSet;
import java.util.Set;

/** What {@code -v} and {@code -vv} print, in the shape of HAProxy's output. */
final class VersionInfo {
    private VersionInfo() {
    }

    /** Build features for {@code feature()} conditions and the "Feature list" line. */
    static Set<String> features(Transport transport) {
        Set<String> features = new LinkedHashSet<>();
        // io_uring needs Netty's native library as epoll does, and its process keeps epoll for the stats sockets.
        if (transport.poller() != Transport.Poller.NIO && Transport.epollUnavailability() == null) {
            features.add("EPOLL");
        }
        features.add("THREAD");
        features.add("TPROXY");
        return features;
    }

    static String text(boolean buildOptions, Transport selected) {
        StringBuilder out = new StringBuilder();
        out.append("Bascule version ").append(Version.BASCULE).append(' ').append(Version.BUILD_DATE)
                .append(" - HAProxy ").append(Version.HAPROXY_COMPAT).append(" configuration language\n");
        out.append("Running on: ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch"))
                .append(", Java ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append(")\n");
        if (!buildOptions) {
            return out.toString();
        }
        String nettyVersion = io.netty.util.Version.identify().values().stream()
                .filter(v -> v.artifactId().equals("netty-common")).map(io.netty.util.Version::artifactVersion)
                .findFirst().orElse("unknown");
        Set<String> features = features(selected);
        out.append("Build options :\n")
                .append("  TARGET  = java").append(Runtime.version().feature()).append('\n')
                .append("  NETTY   = ").append(nettyVersion).append("\n\n");
        out.append("Feature list :");
        for (String f : new String[] {"EPOLL", "THREAD", "TPROXY", "OPENSSL", "LUA", "PROMEX", "ZLIB"}) {
            out.append(' ').append(features.contains(f) ? '+' : '-').append(f);
        }
        out.append("\n\nDefault settings :\n  bufsize = 16384, maxrewrite = 1024, maxpollevents = 200\n\n");
        out.append("Available polling systems :\n");
        int usable = 0;
        int pref = 100 * (Transport.Poller.values().length + 1);
        for (Transport.Poller p : Transport.Poller.values()) {
            String problem = p.unavailability();
            usable += problem == null ? 1 : 0;
            out.append(String.format("%11s : pref=%d,  test result %s%n", p.word(), pref,
                    problem == null ? "OK" : "FAILED (" + problem + ")"));
            pref -= 100;
        }
        out.append("Total: ").append(Transport.Poller.values().length).append(" (").append(usable)
                .append(" usable), will use ").append(selected.name()).append(".\n");
        return out.toString();
    }
}
