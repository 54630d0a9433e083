package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.ServerDns;
import dev.bascule.core.balance.Balancers;
import dev.bascule.core.balance.ServerPool;
import dev.bascule.core.check.HealthChecker;
import dev.bascule.core.http.HttpProxy;
import dev.bascule.core.log.LogTargets;
import dev.bascule.core.log.TrafficLog;
import dev.bascule.core.log.UniqueId;
import dev.bascule.core.auth.Userlists;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.tls.TlsOrigin;
import dev.bascule.core.tls.TlsTerminator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one config builds, apart from what lives for the process ({@link Runtime}): frontends, backends and
 * their servers, the HTTP setups, the health checkers. A reload builds the next generation from the new config
 * and the current one: a backend whose config did not change is kept whole (servers, balancer, queue,
 * checkers); in a changed one, each server whose line did not change is kept with its health, counters,
 * connections and queue, and a changed server takes over what was set at run time. Frontends keep their
 * counters and connection limit by name. Streams in flight keep the objects they started with.
 */
final class Generation {
    private static final Logger log = LoggerFactory.getLogger(Generation.class);

    final Config config;
    final Map<String, BackendState> backends = new LinkedHashMap<>();
    final Map<String, FrontendSetup> frontends = new LinkedHashMap<>();
    /** Every checker of this generation's servers; those kept from the previous one are among them. */
    final List<HealthChecker> checkers = new ArrayList<>();
    /** The checkers this generation started itself (the others were running already). */
    private final List<HealthChecker> started = new ArrayList<>();

    private Generation(Config config) {
        this.config = config;
    }

    /**
     * @param previous the generation being replaced, or null at startup
     * @throws StartupException when a server's address needs epoll and this process runs without it; nothing is
     *                          running then
     */
    static Generation build(Config config, Runtime engine, Generation previous) throws StartupException {
        Generation g = new Generation(config);
        for (Backend b : config.backends()) {
            BackendState old = previous == null ? null : previous.backends.get(b.name());
            if (old != null && old.config().equals(b)) {
                g.backends.put(b.name(), old);
                previous.checkers.stream().filter(c -> c.backend() == old).forEach(g.checkers::add);
            } else {
                g.backends.put(b.name(), g.backendState(b, engine, old));
            }
        }
        Userlists userlists = new Userlists(config.userlists());
        for (Frontend f : config.frontends()) {
            FrontendSetup old = previous == null ? null : previous.frontends.get(f.name());
            TrafficLog log = TrafficLog.of(f, config.global(), engine.logSinks(), engine::connections);
            UniqueId ids = UniqueId.of(f.log().uniqueIdFormat(), config.global().logHostname(), engine::connections,
                    log == null ? () -> 0 : log::linesLogged);
            FrontendState state = old != null ? new FrontendState(f, old.state, log, ids, userlists)
                    : new FrontendState(f, new ConnectionLimiter(f.maxconn(), engine.globalLimiter()),
                    engine.connectionRate(), engine.streamEndedListener(), log, ids, engine.procVars(), userlists);
            g.frontends.put(f.name(), g.setup(state, engine, old));
        }
        return g;
    }

    /** @param old the frontend's setup in the previous generation, whose unchanged TLS binds are kept, or null */
    private FrontendSetup setup(FrontendState state, Runtime engine, FrontendSetup old) throws StartupException {
        Frontend f = state.config();
        Map<Address, TlsTerminator> tls = new LinkedHashMap<>();
        for (Bind b : f.binds()) {
            if (b.tls() == null) {
                continue;
            }
            TlsTerminator kept = old == null ? null : old.tls.get(b.address());
            try {
                tls.put(b.address(), kept != null && kept.serves(b.tls()) ? kept
                        : TlsTerminator.of(b, f.name(), f.mode(), config.global().ssl()));
            } catch (javax.net.ssl.SSLException e) {
                throw new StartupException("Proxy '" + f.name() + "': bind '" + b.address() + "' at [" + b.source()
                        + "]: cannot set up TLS: " + e.getMessage());
            }
        }
        BackendState backend = f.defaultBackend() == null ? null : backends.get(f.defaultBackend());
        Switching switching = Switching.of(f.switching(), backend, backends);
        Applets applets = engine.applets();
        boolean local = applets != null && applets.serves(f, backend);
        if (!local && f.mode() == Mode.TCP && (f.stats().enabled() || f.prometheus() != null)) {
            log.warn("Proxy {}: the stats page and the Prometheus exporter need 'mode http'; here "
                    + "connections go to the servers", f.name());
        }
        Function<SampleContext, ChannelHandler[]> claim = applets == null || local || f.mode() != Mode.HTTP ? null
                : request -> applets.claim(state, backend, request, engine);
        Consumer<Channel> applet = local ? ch -> applets.install(ch, state, engine) : null;
        HttpProxy http = f.mode() == Mode.HTTP && !local
                ? new HttpProxy(state, switching, engine.transport(), claim) : null;
        return new FrontendSetup(state, switching, engine.transport(), http, applet, tls);
    }

    private BackendState backendState(Backend backend, Runtime engine, BackendState old) throws StartupException {
        Transport transport = engine.transport();
        List<ServerState> servers = new ArrayList<>();
        for (Server s : backend.servers()) {
            ServerState previous = old == null ? null : old.server(s.name());
            Address a = s.address();
            InetAddress host = a.family() == Address.Family.INET ? initialAddress(s) : null;
            // A server without address (server s1 :) connects where the client came: ServerState.socketAddress.
            SocketAddress fixed = a.family() == Address.Family.INET && (a.port() == Server.SAME_PORT || host == null
                    || host.isAnyLocalAddress()) ? null : transport.socketAddress(a, host);
            if (previous != null && previous.config().equals(s)) {
                servers.add(previous);
            } else {
                ServerState state = new ServerState(backend.name(), s, host, fixed, transport.connector(a));
                try {
                    state.tls(TlsOrigin.of(s, backend.mode()));
                } catch (javax.net.ssl.SSLException e) {
                    throw new StartupException("'server " + backend.name() + "/" + s.name() + "' at [" + s.source()
                            + "]: cannot set up TLS: " + e.getMessage());
                }
                if (previous != null) {
                    state.carryOver(previous);
                }
                servers.add(state);
            }
        }
        ServerPool pool = new ServerPool(servers);
        BackendState state = new BackendState(backend, pool, Balancers.of(backend, pool),
                new Timings(engine.meterRegistry(), backend.name()),
                LogTargets.of(backend.log(), config.global(), engine.logSinks()));
        for (ServerState server : servers) {
            Supplier<SocketAddress> target = server.config().check().enabled() ? checkTarget(backend, server) : null;
            if (target != null) {
                HealthChecker checker = new HealthChecker(state, server, engine.loops().next(), transport,
                        target, config.global().spreadChecks(), false);
                server.checker(checker);
                add(checker);
            }
            ServerCheck.Agent agent = server.config().check().agent();
            if (agent != null) {
                // The parser refuses an agent on a Unix socket server without agent-addr.
                SocketAddress agentAt = agent.addr() == null ? null
                        : new InetSocketAddress(config.hosts().address(agent.addr()), agent.port());
                add(new HealthChecker(state, server, engine.loops().next(), transport,
                        agentAt != null ? () -> agentAt : () -> server.checkAddress(agent.port(), null),
                        config.global().spreadChecks(), true));
            }
        }
        return state;
    }

    /**
     * A TCP server's address at startup by its init-addr methods, from what the parser resolved; null when it starts
     * without one (in resolution maintenance, until its resolvers answer).
     */
    private InetAddress initialAddress(Server s) {
        ServerDns.Init init = s.dns().initial(s.address().host(), config.hosts()::find);
        return init.outcome() == ServerDns.InitOutcome.ADDRESS ? init.address() : null;
    }

    /**
     * A checker of a server in a rebuilt backend (a kept server's too: its checker reports to the backend object
     * that balances it, and its health, kept in the server, goes on).
     */
    private void add(HealthChecker checker) {
        checkers.add(checker);
        started.add(checker);
    }

    /** Spreads the first checks over the check interval, as HAProxy does, so they do not all fire at once. */
    void startChecks() {
        for (int i = 0; i < started.size(); i++) {
            HealthChecker c = started.get(i);
            c.start(c.interMs() * i / started.size());
        }
    }

    /**
     * Takes over from {@code previous} once this generation is the current one: its replaced backends' waiters
     * move to the backends of the same name, and the checkers it does not keep stop.
     */
    void takeOver(Generation previous) {
        for (Map.Entry<String, BackendState> b : backends.entrySet()) {
            BackendState old = previous.backends.get(b.getKey());
            if (old != null && old != b.getValue()) {
                b.getValue().adoptQueue(old);
            }
        }
        stopReplacedChecks(previous);
    }

    /**
     * A reload that built this generation failed before it took over: the servers it shares with {@code previous}
     * are given back to the previous generation's backends.
     */
    void abandon(Generation previous) {
        previous.backends.values().forEach(BackendState::attach);
    }

    /** Stops the checkers of {@code previous} that this generation does not keep. */
    private void stopReplacedChecks(Generation previous) {
        Set<HealthChecker> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(checkers);
        previous.checkers.stream().filter(c -> !kept.contains(c)).forEach(HealthChecker::stop);
    }

    /**
     * Where a server's checks connect: its {@code addr} and {@code port} (or a leading {@code tcp-check connect port})
     * over its own address, which DNS may change. Null, with a warning, when no port is known (an SRV record gives
     * its port to a server of a template).
     */
    private Supplier<SocketAddress> checkTarget(Backend backend, ServerState server) {
        Server s = server.config();
        SocketAddress unix = s.address().family() == Address.Family.INET ? null : server.socketAddress(null);
        int port = backend.checkPort(s);
        if (port == Server.SAME_PORT && unix == null && !ServerDns.isSrvLabel(s.address().host())) {
            log.warn("parsing [{}] : 'server {}/{}' has no port and no check port: its checks are disabled; add "
                    + "'port <port>'", s.source(), backend.name(), s.name());
            return null;
        }
        if (s.check().addr() != null && unix == null && port != Server.SAME_PORT) {
            SocketAddress at = new InetSocketAddress(config.hosts().address(s.check().addr()), port);
            return () -> at;
        }
        return () -> server.checkAddress(port, unix);
    }
}
