package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.core.balance.Balancers;
import dev.bascule.core.balance.ServerPool;
import dev.bascule.core.check.HealthChecker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The running proxy built from one {@link Config}: event loops, listeners, backends and their servers. */
public final class Runtime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Runtime.class);

    private final EventLoopGroup loops;
    private final List<Listener> listeners = new ArrayList<>();
    private final Map<String, BackendState> backends = new LinkedHashMap<>();
    private final List<FrontendState> frontends = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    private final List<HealthChecker> checkers = new ArrayList<>();

    private final int threads;
    private final Global global;
    /** Connections accepted by the whole process (show info's ConnRate and SessRate). */
    private final RateCounter connectionRate = new RateCounter();

    private final MeterRegistry registry;

    private Runtime(EventLoopGroup loops, int threads, Global global, MeterRegistry registry) {
        this.loops = loops;
        this.threads = threads;
        this.global = global;
        this.registry = registry;
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

    /** The {@code global} section the process runs with. */
    public Global global() {
        return global;
    }

    public RateCounter connectionRate() {
        return connectionRate;
    }

    /** Resolves servers, binds every listener and starts serving; nothing stays open if it fails. */
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
        return start(config, transport, applets, registry, r -> {
        });
    }

    /** A proxy ready to bind its listeners. */
    private record Pending(FrontendState state, BackendState backend,
                           java.util.function.Consumer<io.netty.channel.Channel> applet,
                           java.util.function.Function<String, io.netty.channel.ChannelHandler[]> claim) {
    }

    /** What must be up before any proxy accepts a connection (the stats sockets), given the runtime. */
    public interface BeforeListening {
        void start(Runtime runtime) throws StartupException;
    }

    /**
     * @param beforeListening runs once every proxy and server exists, before the first listener binds, so that
     *                        whoever sees a proxy's port open also finds what it started
     */
    public static Runtime start(Config config, Transport transport, Applets applets, MeterRegistry registry,
                                BeforeListening beforeListening) throws StartupException {
        int threads = config.global().nbthread() > 0 ? config.global().nbthread()
                : java.lang.Runtime.getRuntime().availableProcessors();
        Runtime runtime = new Runtime(transport.newEventLoops(threads, "bascule"), threads, config.global(),
                registry);
        try {
            for (Backend b : config.backends()) {
                runtime.backends.put(b.name(), runtime.backendState(b, transport, config.global().spreadChecks()));
            }
            ConnectionLimiter global = new ConnectionLimiter(config.global().maxconn(), null);
            List<Pending> pending = new ArrayList<>();
            for (Frontend f : config.frontends()) {
                FrontendState state = new FrontendState(f, new ConnectionLimiter(f.maxconn(), global),
                        runtime.connectionRate);
                runtime.frontends.add(state);
                BackendState backend = f.defaultBackend() == null ? null : runtime.backends.get(f.defaultBackend());
                boolean local = applets != null && applets.serves(f, backend);
                if (!local && f.mode() == Mode.TCP && (f.stats().enabled() || f.prometheus() != null)) {
                    log.warn("Proxy {}: the stats page and the Prometheus exporter need 'mode http'; here "
                            + "connections go to the servers", f.name());
                }
                java.util.function.Function<String, io.netty.channel.ChannelHandler[]> claim =
                        applets == null || local || f.mode() != Mode.HTTP ? null
                                : uri -> applets.claim(state, backend, uri, runtime);
                java.util.function.Consumer<io.netty.channel.Channel> applet = local
                        ? ch -> applets.install(ch, state, runtime) : null;
                pending.add(new Pending(state, backend, applet, claim));
            }
            beforeListening.start(runtime);
            for (Pending p : pending) {
                for (Bind bind : p.state().config().binds()) {
                    runtime.listeners.add(Listener.bind(p.state(), bind, p.backend(), runtime.loops, transport,
                            p.applet(), p.claim()));
                }
                log.info("Proxy {} started.", p.state().name());
            }
            runtime.startChecks();
        } catch (StartupException | RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    private BackendState backendState(Backend backend, Transport transport, int spreadChecks)
            throws StartupException {
        List<ServerState> servers = new ArrayList<>();
        List<SocketAddress> checkTargets = new ArrayList<>();
        for (Server s : backend.servers()) {
            Address a = s.address();
            InetAddress host = a.family() == Address.Family.INET ? resolve(backend, s, a.host()) : null;
            SocketAddress fixed = a.family() == Address.Family.INET && a.port() == Server.SAME_PORT ? null
                    : transport.socketAddress(a, host);
            servers.add(new ServerState(backend.name(), s, host, fixed, transport.connector(a)));
            checkTargets.add(s.check().enabled() ? checkTarget(backend, s, host, fixed) : null);
        }
        ServerPool pool = new ServerPool(servers);
        BackendState state = new BackendState(backend, pool, Balancers.of(backend, pool),
                new Timings(registry, backend.name()));
        for (int i = 0; i < servers.size(); i++) {
            ServerState server = servers.get(i);
            if (checkTargets.get(i) != null) {
                HealthChecker checker = new HealthChecker(state, server, loops.next(), transport,
                        checkTargets.get(i), spreadChecks, false);
                server.checker(checker);
                checkers.add(checker);
            }
            ServerCheck.Agent agent = server.config().check().agent();
            if (agent != null) {
                InetAddress agentHost = agent.addr() != null ? resolve(backend, server.config(), agent.addr())
                        : hostOf(server.config(), backend);
                checkers.add(new HealthChecker(state, server, loops.next(), transport,
                        new InetSocketAddress(agentHost, agent.port()), spreadChecks, true));
            }
        }
        return state;
    }

    /**
     * Where a server's checks connect: its {@code addr} and {@code port} (or a leading
     * {@code tcp-check connect port}) over its own address. Null, with a warning, when no port is known.
     */
    private static SocketAddress checkTarget(Backend backend, Server s, InetAddress host, SocketAddress fixed)
            throws StartupException {
        if (s.address().family() != Address.Family.INET) {
            return fixed;
        }
        var rules = backend.checks().tcpRules();
        int port = !rules.isEmpty() && rules.get(0).action().equals("connect") && rules.get(0).port() > 0
                ? rules.get(0).port() : s.check().port() > 0 ? s.check().port() : s.address().port();
        if (port == Server.SAME_PORT) {
            log.warn("parsing [{}] : 'server {}/{}' has no port and no check port: its checks are disabled; add "
                    + "'port <port>'", s.source(), backend.name(), s.name());
            return null;
        }
        InetAddress checkHost = s.check().addr() != null ? resolve(backend, s, s.check().addr()) : host;
        return new InetSocketAddress(checkHost, port);
    }

    /** The host an agent of a server without {@code agent-addr} listens on: the server's own. */
    private static InetAddress hostOf(Server s, Backend backend) throws StartupException {
        if (s.address().family() != Address.Family.INET) {
            throw new StartupException("parsing [" + s.source() + "] : 'server " + backend.name() + "/" + s.name()
                    + "' : 'agent-check' on a Unix socket server needs 'agent-addr'");
        }
        return resolve(backend, s, s.address().host());
    }

    private static InetAddress resolve(Backend backend, Server s, String name) throws StartupException {
        try {
            return InetAddress.getByName(name);
        } catch (UnknownHostException e) {
            throw new StartupException("parsing [" + s.source() + "] : 'server " + backend.name() + "/" + s.name()
                    + "' : could not resolve address '" + name + "'.");
        }
    }

    /** Spreads the first checks over the check interval, as HAProxy does, so they do not all fire at once. */
    private void startChecks() {
        for (int i = 0; i < checkers.size(); i++) {
            HealthChecker c = checkers.get(i);
            c.start(c.interMs() * i / checkers.size());
        }
    }

    /**
     * Who is told of each stream that ends, on the stream's event loop: it must not block. One at a time; null
     * for nobody.
     */
    public void onStreamEnd(java.util.function.Consumer<dev.bascule.core.stream.Stream> listener) {
        frontends.forEach(f -> f.onStreamEnd(listener));
    }

    public BackendState backend(String name) {
        return backends.get(name);
    }

    /** Frontends and backends in configuration order, for the stats and the runtime API. */
    public List<FrontendState> frontends() {
        return List.copyOf(frontends);
    }

    public List<BackendState> backends() {
        return List.copyOf(backends.values());
    }

    public long uptimeMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** Stops accepting first, then ends every session and the event loops. */
    @Override
    public void close() {
        checkers.forEach(HealthChecker::stop);
        for (Listener l : listeners) {
            l.close().awaitUninterruptibly();
        }
        listeners.clear();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
