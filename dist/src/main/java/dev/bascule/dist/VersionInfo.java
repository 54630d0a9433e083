package dev.bascule.dist;

import dev.bascule.config.Version;
import dev.bascule.core.Transport;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What {@code -v} and {@code -vv} print, in the shape of HAProxy 2.6's output, which scripts and monitoring parse:
 * the first line matches {@code HA-?Proxy version ([0-9.]+)} with the version of the configuration language Bascule
 * implements, and {@code -vv} has a {@code Feature list : +A -B} line where {@code +} means that the feature works
 * (docs/operations.md, "Version output", is the promise).
 */
final class VersionInfo {
    /** The HAProxy release whose configuration language and command line Bascule implements. */
    static final String HAPROXY_RELEASE = Version.HAPROXY_COMPAT + ".0";
    /** The first line's address: the manual of the configuration language Bascule implements. */
    static final String URL = "https://docs.haproxy.org/" + Version.HAPROXY_COMPAT + "/configuration.html";

    private VersionInfo() {
    }

    /**
     * HAProxy 2.6's feature list, in its order, each with whether Bascule has it. A {@code +} is a promise: a
     * feature is listed {@code +} only when what it stands for works here (PCRE* wait for a PCRE engine: regular
     * expressions are Java's).
     */
    private static Map<String, Boolean> featureList(Transport transport) {
        // io_uring needs Netty's native library as epoll does, and its process keeps epoll for the stats sockets.
        boolean epoll = transport.poller() != Transport.Poller.NIO && Transport.epollUnavailability() == null;
        Map<String, Boolean> f = new LinkedHashMap<>();
        f.put("51DEGREES", false);
        f.put("ACCEPT4", epoll);          // Netty's native accept is accept4()
        f.put("BACKTRACE", false);
        f.put("CLOSEFROM", false);
        f.put("CPU_AFFINITY", false);     // cpu-map is not applied
        f.put("CRYPT_H", false);
        f.put("DEVICEATLAS", false);
        f.put("DL", false);
        f.put("ENGINE", false);
        f.put("EPOLL", epoll);
        f.put("EVPORTS", false);
        f.put("GETADDRINFO", true);       // server names resolve through the system's resolver at startup
        f.put("KQUEUE", false);
        f.put("LIBCRYPT", false);
        f.put("LINUX_SPLICE", false);
        f.put("LINUX_TPROXY", false);
        f.put("LUA", false);
        f.put("MEMORY_PROFILING", false);
        f.put("NETFILTER", false);
        f.put("NS", false);
        f.put("OBSOLETE_LINKER", false);
        f.put("OPENSSL", true);          // TLS on binds and servers (docs/tls.md)
        f.put("OT", false);
        f.put("PCRE", false);
        f.put("PCRE2", false);
        f.put("PCRE2_JIT", false);
        f.put("PCRE_JIT", false);
        f.put("POLL", false);
        f.put("PRCTL", false);
        f.put("PROCCTL", false);
        f.put("PROMEX", true);            // http-request use-service prometheus-exporter
        f.put("QUIC", false);
        f.put("RT", false);
        f.put("SLZ", false);
        f.put("STATIC_PCRE", false);
        f.put("STATIC_PCRE2", false);
        f.put("SYSTEMD", true);           // -Ws with sd_notify
        f.put("TFO", false);
        f.put("THREAD", true);            // nbthread: one event loop per thread
        f.put("THREAD_DUMP", false);
        f.put("TPROXY", false);
        f.put("WURFL", false);
        f.put("ZLIB", false);
        return f;
    }

    /** The features that work here, for {@code feature()} conditions: the {@code +} of the list. */
    static Set<String> features(Transport transport) {
        Set<String> on = new LinkedHashSet<>();
        featureList(transport).forEach((name, has) -> {
            if (has) {
                on.add(name);
            }
        });
        return on;
    }

    static String text(boolean buildOptions, Transport selected) {
        StringBuilder out = new StringBuilder();
        out.append("HAProxy version ").append(HAPROXY_RELEASE).append("-bascule-").append(Version.BASCULE)
                .append(' ').append(Version.BUILD_DATE).append(" - ").append(URL).append('\n');
        out.append("Status: Bascule ").append(Version.BASCULE).append(", a Java implementation of HAProxy ")
                .append(Version.HAPROXY_COMPAT).append("'s configuration language and command line.\n");
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
        out.append("Build options :\n")
                .append("  TARGET  = java").append(Runtime.version().feature()).append('\n')
                .append("  NETTY   = ").append(nettyVersion).append('\n')
                .append("  OPTIONS = USE_EPOLL=1 USE_PROMEX=1 USE_SYSTEMD=1 USE_THREAD=1\n\n");
        out.append("Feature list :");
        featureList(selected).forEach((name, has) -> out.append(' ').append(has ? '+' : '-').append(name));
        out.append("\n\nDefault settings :\n  bufsize = 16384, maxrewrite = 1024, maxpollevents = 200\n\n");
        out.append("Built with multi-threading support (default=")
                .append(java.lang.Runtime.getRuntime().availableProcessors()).append(").\n");
        out.append("Built with the Prometheus exporter as a service\n");
        out.append("Regular expressions are Java's (java.util.regex), not PCRE.\n\n");
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
