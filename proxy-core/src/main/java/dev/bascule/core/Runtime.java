package dev.bascule.core;

import dev.bascule.config.ParseResult;
import dev.bascule.config.diff.ConfigDiff;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.LogTarget;
import dev.bascule.core.dns.DnsDiscovery;
import dev.bascule.core.handoff.InheritedSockets;
import dev.bascule.core.log.LogSinks;
import dev.bascule.core.log.LogTargets;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.sample.VarEdit;
import dev.bascule.core.sample.Vars;
import dev.bascule.core.state.ServerStateFiles;
import dev.bascule.core.stream.Stream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The running proxy. What lives for the process (the engine: event loops, transport, the global connection
 * limit, the meter registry, the listening sockets) holds the current {@link Generation}, what one config
 * builds (frontends, backends, servers, checkers), and swaps it on {@link #reload}.
 */
public final class Runtime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Runtime.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final EventLoopGroup loops;
    private final Transport transport;
    private final Applets applets;
    /** By frontend name and bind address: a reload keeps the sockets whose address stays. */
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private final long startedNanos = System.nanoTime();
    private final int threads;
    /** The {@code global} section in force: a reload changes what the engine can change at run time. */
    private volatile Global global;
    private final ConnectionLimiter globalLimiter;
    /** Connections accepted by the whole process (show info's ConnRate and SessRate). */
    private final RateCounter connectionRate = new RateCounter();
    /**
     * The process's variables ({@code proc.}): the engine's, so a reload in place keeps them, as a process keeps its
     * own (HAProxy's last until the process ends).
     */
    private final Vars procVars = Vars.shared();
    private final AtomicReference<Consumer<Stream>> streamEnded = new AtomicReference<>();
    private final MeterRegistry registry;
    /** Where the traffic logs write: kept across reloads with their sockets. */
    private final LogSinks logSinks;
    /** The resolvers sections' sockets and the servers they resolve: kept across reloads by section. */
    private final DnsDiscovery dns;
    /** The {@code global} section's log targets, for messages of no proxy; null without any. */
    private volatile LogTargets globalLog;
    private volatile Generation current;
    /** Set once by {@link #softStop}: the listeners are closed and the process waits for its connections. */
    private volatile boolean stopping;
    /** Re-reads the configuration and reloads (the launcher's), for the runtime API's {@code reload}. */
    private volatile Supplier<String> reloader = () -> ReloadPlan.NOT_AVAILABLE;
    /** Reads configuration files as the launcher does (its environment, its build's features), for reload plans. */
    private volatile Function<List<Path>, ParseResult> configReader;
    /** How long the last applied reload took in {@link #reload}, from its start to the swap. */
    private volatile long lastReloadNanos;
    /**
     * The CPU time of that reload's thread over the same span: on a busy machine the wall time also counts the
     * time the thread waited for a core.
     */
    private volatile long lastReloadCpuNanos;
    /** Set by {@link #close}: a reload after it (a signal during the shutdown) would bind the listeners again. */
    private boolean closed;
    /** Counts the generations: 1 for the one started with, one more per applied reload. */
    private volatile int generationNumber;

    private Runtime(EventLoopGroup loops, int threads, Global global, MeterRegistry registry, Transport transport,
                    Applets applets) {
        this.loops = loops;
        this.threads = threads;
        this.global = global;
        this.registry = registry;
        this.transport = transport;
        this.applets = applets;
        this.globalLimiter = new ConnectionLimiter(global.maxconn(), null);
        this.logSinks = new LogSinks(transport, loops);
        this.dns = new DnsDiscovery(loops, transport);
    }

    /** The registry of the runtime's own meters (the session timers). */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    public int threads() {
        return threads;
    }

    /** The global {@code maxconn}, 0 when not set. */
    public int maxconn() {
        return global.maxconn();
    }

    /**
     * The {@code global} section in force. A reload applies {@code maxconn}, {@code spread-checks}, {@code node}
     * and {@code description}; what {@link ConfigDiff#NOT_RELOADABLE} names stays as started.
     */
    public Global global() {
        return global;
    }

    Vars procVars() {
        return procVars;
    }

    /** The global section's {@code set-var} and {@code set-var-fmt} lines, in order. */
    private void setProcVars(Global g) {
        SampleContext c = SampleContext.ofProcess(procVars);
        g.procVars().forEach(a -> VarEdit.of(a).apply(c));
    }

    public RateCounter connectionRate() {
        return connectionRate;
    }

    EventLoopGroup loops() {
        return loops;
    }

    Transport transport() {
        return transport;
    }

    Applets applets() {
        return applets;
    }

    LogSinks logSinks() {
        return logSinks;
    }

    /** Log lines dropped because their target could not take them at once ({@code show info}'s DroppedLogs). */
    public long droppedLogs() {
        return logSinks.dropped();
    }

    ConnectionLimiter globalLimiter() {
        return globalLimiter;
    }

    AtomicReference<Consumer<Stream>> streamEndedListener() {
        return streamEnded;
    }

    /** Builds the servers, binds every listener and starts serving; nothing stays open if it fails. */
    public static Runtime start(Config config, Transport transport) throws StartupException {
        return start(config, transport, null);
    }

    /** @param applets answers some frontends locally (stats page, Prometheus), or null */
    public static Runtime start(Config config, Transport transport, Applets applets) throws StartupException {
        return start(config, transport, applets, new SimpleMeterRegistry());
    }

    /** @param registry where the session timers go (the stats module exposes it to Prometheus) */
    public static Runtime start(Config config, Transport transport, Applets applets, MeterRegistry registry)
            throws StartupException {
        return start(config, transport, applets, registry, InheritedSockets.none(), r -> {
        });
    }

    /** What must be up before any proxy accepts a connection (the stats sockets), given the runtime. */
    public interface BeforeListening {
        void start(Runtime runtime) throws StartupException;
    }

    /**
     * @param inherited       the listening sockets of the process this one replaces: those whose address the
     *                        config binds are adopted, the others closed once every listener is up
     * @param beforeListening runs once every proxy and server exists, before the first listener binds, so that
     *                        whoever sees a proxy's port open also finds what it started
     */
    public static Runtime start(Config config, Transport transport, Applets applets, MeterRegistry registry,
                                InheritedSockets inherited, BeforeListening beforeListening)
            throws StartupException {
        int threads = config.global().nbthread() > 0 ? config.global().nbthread()
                : java.lang.Runtime.getRuntime().availableProcessors();
        Runtime runtime = new Runtime(transport.newEventLoops(threads, "bascule"), threads, config.global(),
                registry, transport, applets);
        try {
            runtime.globalLog = LogTargets.global(config.global(), runtime.logSinks);
            // Before any connection, as HAProxy sets them while it reads the file; a reload leaves them (and the
            // global section) as they are.
            runtime.setProcVars(config.global());
            Generation first = Generation.build(config, runtime, null);
            // A new process takes the servers' states its predecessor saved; a reload keeps its own.
            ServerStateFiles.apply(config.global(), List.copyOf(first.backends.values()));
            runtime.current = first;
            runtime.generationNumber = 1;
            beforeListening.start(runtime);
            for (FrontendSetup f : first.frontends.values()) {
                for (Bind bind : f.state.config().binds()) {
                    runtime.listeners.put(listenerKey(f, bind), Listener.bind(f, bind, runtime.loops, transport,
                            inherited, config.global().reusePort()));
                }
                log.info("Proxy {} started.", f.state.name());
            }
            first.startChecks();
            runtime.dns.apply(config.resolvers(), first.backends.values());
        } catch (StartupException | RuntimeException e) {
            // Released, not closed: a Unix socket taken over from the old process is still the old one's to
            // serve, its file with it.
            runtime.listeners.values().forEach(l -> l.release().awaitUninterruptibly());
            runtime.listeners.clear();
            runtime.close();
            throw e;
        }
        return runtime;
    }

    private static String listenerKey(FrontendSetup f, Bind bind) {
        return f.state.name() + " " + bind.address();
    }

    /**
     * Applies {@code config} in place: the next generation is built beside the current one (a config that cannot
     * be built changes nothing), new listeners are bound, then new connections take the new generation while
     * those in flight finish on theirs; listeners no longer in the config are closed (their connections go on),
     * and the checkers of servers that left stop.
     *
     * @return the reload's log line ({@code Reload: +server web/s3, -listener 127.0.0.1:8080, ...}); what the
     *         {@code global} section changes is not applied, and the line says so
     * @throws StartupException when the new config cannot be applied; the old one still serves, untouched
     */
    public synchronized String reload(Config config) throws StartupException {
        if (closed || stopping) {
            throw new StartupException("the process is stopping");
        }
        long start = System.nanoTime();
        long startCpu = THREADS.getCurrentThreadCpuTime();
        LogTargets nextGlobalLog = LogTargets.global(config.global(), logSinks);
        Generation old = current;
        Generation next = Generation.build(config, this, old);
        Map<String, Listener> added = new LinkedHashMap<>();
        Map<String, FrontendSetup> keys = new LinkedHashMap<>();
        for (FrontendSetup f : next.frontends.values()) {
            for (Bind bind : f.state.config().binds()) {
                keys.put(listenerKey(f, bind), f);
            }
        }
        try {
            for (Map.Entry<String, FrontendSetup> k : keys.entrySet()) {
                if (!listeners.containsKey(k.getKey())) {
                    Bind bind = k.getValue().state.config().binds().stream()
                            .filter(b -> listenerKey(k.getValue(), b).equals(k.getKey())).findFirst().orElseThrow();
                    added.put(k.getKey(), Listener.bind(k.getValue(), bind, loops, transport,
                            InheritedSockets.none(), global.reusePort()));
                }
            }
        } catch (StartupException | RuntimeException e) {
            added.values().forEach(Listener::close);
            next.abandon(old);
            throw e;
        }
        for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
            var l = it.next();
            FrontendSetup f = keys.get(l.getKey());
            if (f == null) {
                l.getValue().close();
                it.remove();
            } else {
                l.getValue().setup(f);
            }
        }
        listeners.putAll(added);
        globalLimiter.max(config.global().maxconn());
        global = config.global();
        globalLog = nextGlobalLog;
        current = next;
        generationNumber++;
        next.takeOver(old);
        next.startChecks();
        dns.apply(config.resolvers(), next.backends.values());
        String line = ConfigDiff.between(old.config, config).summary();
        lastReloadNanos = System.nanoTime() - start;
        lastReloadCpuNanos = THREADS.getCurrentThreadCpuTime() - startCpu;
        return line;
    }

    /** What the runtime API's {@code reload} runs: re-reading the files the process was started with. */
    public void reloader(Supplier<String> r) {
        reloader = r;
    }

    /** How {@link #planReload} reads configuration files: the launcher's parser. */
    public void configReader(Function<List<Path>, ParseResult> reader) {
        configReader = reader;
    }

    /**
     * What a reload with {@code files} would do, in the words its line would have, applying nothing: the files
     * are parsed here (with this process's environment) and compared with the running configuration.
     */
    public ReloadPlan planReload(List<Path> files) {
        Function<List<Path>, ParseResult> reader = configReader;
        if (reader == null) {
            return new ReloadPlan(List.of(), ReloadPlan.NOT_AVAILABLE);
        }
        ParseResult parsed = reader.apply(files);
        return new ReloadPlan(parsed.diagnostics(), parsed.valid()
                ? ConfigDiff.between(current.config, parsed.config()).summary() : ReloadPlan.ERRORS);
    }

    /** How long the last reload applied took, in microseconds (0 before the first). */
    public long lastReloadMicros() {
        return lastReloadNanos / 1000;
    }

    /** The CPU time the last reload applied took on its thread, in microseconds (0 before the first). */
    public long lastReloadCpuMicros() {
        return lastReloadCpuNanos / 1000;
    }

    /** Re-reads the configuration and applies it, as SIGHUP does; returns what was logged. */
    public String requestReload() {
        return reloader.get();
    }

    /** 1 for the config started with, one more for each reload applied. */
    public int generation() {
        return generationNumber;
    }

    /**
     * Who is told of each stream that ends, on the stream's event loop: it must not block. One at a time; null
     * for nobody. It stays across reloads.
     */
    public void onStreamEnd(Consumer<Stream> listener) {
        streamEnded.set(listener);
    }

    public BackendState backend(String name) {
        return current.backends.get(name);
    }

    /** Frontends and backends in configuration order, for the stats and the runtime API. */
    public List<FrontendState> frontends() {
        return current.frontends.values().stream().map(f -> f.state).toList();
    }

    public List<BackendState> backends() {
        return List.copyOf(current.backends.values());
    }

    /**
     * HAProxy's soft stop (SIGUSR1, as a new process started with {@code -sf} sends it): stops accepting (a Unix
     * socket's file stays, for the new process listens there), lets the streams in flight finish, and asks HTTP
     * clients to close at their next response ({@code Connection: close}). Idempotent.
     */
    public synchronized void softStop() {
        if (stopping) {
            return;
        }
        stopping = true;
        for (FrontendSetup f : current.frontends.values()) {
            f.state.stopping();
        }
        for (Listener l : listeners.values()) {
            l.release().awaitUninterruptibly();
        }
        listeners.clear();
        stopped(current);
    }

    /**
     * HAProxy's line for each proxy whose listeners are released, a {@code listen} section's once, at level warning to
     * its targets too: {@code Proxy www stopped (cumulated conns: FE: 12, BE: 0).}
     */
    private void stopped(Generation g) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (FrontendSetup f : g.frontends.values()) {
            BackendState same = g.backends.get(f.state.name());
            lines.put(f.state.name(), stoppedLine(f.state.name(), f.state.sessionsTotal(),
                    same == null ? 0 : same.sessionsTotal()));
        }
        for (BackendState b : g.backends.values()) {
            lines.putIfAbsent(b.name(), stoppedLine(b.name(), 0, b.sessionsTotal()));
        }
        lines.values().forEach(log::warn);
        // Sinks are written from the event loops (a datagram sink has a channel per loop).
        loops.next().execute(() -> {
            for (FrontendSetup f : g.frontends.values()) {
                if (f.state.log() != null) {
                    f.state.log().targets().message(LogTarget.WARNING, lines.get(f.state.name()));
                }
            }
            for (BackendState b : g.backends.values()) {
                if (!g.frontends.containsKey(b.name())) {
                    b.message(LogTarget.WARNING, lines.get(b.name()));
                }
            }
        });
    }

    private static String stoppedLine(String proxy, long frontendConnections, long backendConnections) {
        return "Proxy " + proxy + " stopped (cumulated conns: FE: " + frontendConnections + ", BE: "
                + backendConnections + ").";
    }

    /**
     * {@code hard-stop-after} ran out during a soft stop: HAProxy's warnings, the process's to the global targets,
     * then one per frontend that still has connections to its own targets. They are handed to the sinks before
     * this returns, so that closing the runtime next does not lose them.
     */
    public void hardStop() {
        String line = "soft-stop running for too long, performing a hard-stop.";
        log.warn(line);
        List<Map.Entry<LogTargets, String>> sends = new java.util.ArrayList<>();
        if (globalLog != null) {
            sends.add(Map.entry(globalLog, line));
        }
        for (FrontendSetup f : current.frontends.values()) {
            int left = f.state.sessionsCurrent();
            if (left > 0) {
                String m = "Proxy " + f.state.name() + " hard-stopped (" + left + " remaining conns will be closed).";
                log.warn(m);
                if (f.state.log() != null) {
                    sends.add(Map.entry(f.state.log().targets(), m));
                }
            }
        }
        loops.next().submit(() -> sends.forEach(e -> e.getKey().message(LogTarget.WARNING, e.getValue())))
                .awaitUninterruptibly(1, TimeUnit.SECONDS);
    }

    public boolean stopping() {
        return stopping;
    }

    /** Connections open on every frontend (the global {@code maxconn}'s count): a soft stop ends at 0. */
    public int connections() {
        return globalLimiter.current();
    }

    /**
     * Pauses or resumes accepting on every listener (SIGTTOU, SIGTTIN); the sockets stay bound. HAProxy 2.6's
     * lines, at level warning, to each proxy's targets too: {@code Paused frontend www.}, {@code Resumed proxy li.}
     * (a {@code listen} section is a proxy).
     */
    public synchronized void accepting(boolean on) {
        listeners.values().forEach(l -> l.accepting(on));
        Generation g = current;
        Map<FrontendState, String> lines = new LinkedHashMap<>();
        for (FrontendSetup f : g.frontends.values()) {
            String kind = g.backends.containsKey(f.state.name()) ? "proxy " : "frontend ";
            String line = (on ? "Resumed " : "Paused ") + kind + f.state.name() + ".";
            log.warn(line);
            lines.put(f.state, line);
        }
        loops.next().execute(() -> lines.forEach((f, line) -> {
            if (f.log() != null) {
                f.log().targets().message(LogTarget.WARNING, line);
            }
        }));
    }

    /** The listening sockets' file descriptors, for a new process that takes them over ({@code _getsocks}). */
    public synchronized List<Integer> listeningFds() {
        return listeners.values().stream().map(Listener::fd).filter(fd -> fd >= 0).toList();
    }

    /** The bound listeners ({@code show info}'s Listeners). */
    public synchronized int listenerCount() {
        return listeners.size();
    }

    public long uptimeMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** Stops accepting first, then ends every session and the event loops. */
    @Override
    public synchronized void close() {
        closed = true;
        Generation g = current;
        if (g != null) {
            g.checkers.forEach(c -> c.stop());
        }
        dns.close();
        for (Listener l : listeners.values()) {
            l.close().awaitUninterruptibly();
        }
        listeners.clear();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        logSinks.close();
    }
}
