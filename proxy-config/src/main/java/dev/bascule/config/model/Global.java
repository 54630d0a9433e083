package dev.bascule.config.model;

import java.util.List;

/**
 * The {@code global} section. {@code maxconn} and {@code nbthread} are 0 when not set ("no limit" and
 * "one thread per core"); {@code pidfile} is null when not set; {@code noepoll} asks for Java NIO;
 * {@code spreadChecks} is {@code spread-checks} in percent (0 when not set); {@code node} and
 * {@code description} name the process on the stats page and in {@code show info} (null when not set: the host
 * name, no description). {@code serverStateBase} and {@code serverStateFile} are the directory relative state
 * file names are read from and the file {@code load-server-state-from-file global} reads (null when not set);
 * {@code hardStopAfter} is how long a soft-stopping process may take to finish its connections, in milliseconds
 * (0: as long as they last); {@code reusePort} is false with {@code noreuseport}; {@code masterWorker} is
 * {@code master-worker} (the {@code -W} command-line flag's equivalent). {@code logs} are the {@code log} lines
 * ({@code log global} in a proxy sends there), {@code logTag} is {@code log-tag} (null: {@link #DEFAULT_LOG_TAG}),
 * {@code logHostname} the host name {@code log-send-hostname} puts in each line's header (null: none).
 * {@code statsTimeout} and {@code statsMaxconn} are the stats sockets' {@code stats timeout} (milliseconds) and
 * {@code stats maxconn}; {@code identity} is {@code user}/{@code uid}/{@code group}/{@code gid}; {@code ulimitN} is
 * {@code ulimit-n} (0 when not set). {@code ssl} holds the {@code tune.ssl.*} settings (the {@code ssl-default-*}
 * ones are applied to each bind and server).
 */
public record Global(int maxconn, int nbthread, boolean daemon, String pidfile, boolean noepoll,
                     int spreadChecks, String node, String description, String serverStateBase,
                     String serverStateFile, List<StatsSocket> statsSockets, long statsTimeout, int statsMaxconn,
                     long hardStopAfter, boolean reusePort, boolean masterWorker, Identity identity, int ulimitN,
                     List<LogTarget> logs, String logTag, String logHostname, SslTuning ssl,
                     List<Directive> unimplemented, List<VarAction> procVars) {
    /** HAProxy's tag is its program's name: log parsers and filters match on "haproxy", so Bascule writes it too. */
    public static final String DEFAULT_LOG_TAG = "haproxy";
    /** HAProxy's {@code stats timeout} and {@code stats maxconn} when not set. */
    public static final long DEFAULT_STATS_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_STATS_MAXCONN = 10;

    /**
     * {@code tune.ssl.cachesize} (sessions kept for resumption, HAProxy's default 20000), {@code tune.ssl.lifetime}
     * (how long one stays resumable, 300 s) and {@code tune.ssl.default-dh-param} (0 when not set).
     */
    public record SslTuning(int cacheSize, long lifetimeMs, int defaultDhParam) {
        public static final SslTuning DEFAULT = new SslTuning(20000, 300_000, 0);
    }

    public Global {
        statsSockets = List.copyOf(statsSockets);
        logs = List.copyOf(logs);
        unimplemented = List.copyOf(unimplemented);
        procVars = List.copyOf(procVars);
    }

    /**
     * Where a server state file named {@code name} is: as written when it starts with '/' or without
     * {@code server-state-base} (then from the current directory), else in that directory, as HAProxy joins them.
     */
    public String serverStatePath(String name) {
        if (name.startsWith("/") || serverStateBase == null) {
            return name;
        }
        return serverStateBase.endsWith("/") ? serverStateBase + name : serverStateBase + "/" + name;
    }
}
