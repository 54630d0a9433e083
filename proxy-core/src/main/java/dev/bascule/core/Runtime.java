package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Server;
import dev.bascule.core.balance.RoundRobin;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The running proxy built from one {@link Config}: event loops, listeners, backends and their servers. */
public final class Runtime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Runtime.class);

    private final EventLoopGroup loops;
    private final List<Listener> listeners = new ArrayList<>();
    private final Map<String, BackendState> backends = new HashMap<>();

    private Runtime(EventLoopGroup loops) {
        this.loops = loops;
    }

    /** Resolves servers, binds every listener and starts serving; nothing stays open if it fails. */
    public static Runtime start(Config config, Transport transport) throws StartupException {
        int threads = config.global().nbthread() > 0 ? config.global().nbthread()
                : java.lang.Runtime.getRuntime().availableProcessors();
        Runtime runtime = new Runtime(transport.newEventLoops(threads, "bascule"));
        try {
            for (Backend b : config.backends()) {
                runtime.backends.put(b.name(), backendState(b, transport));
            }
            ConnectionLimiter global = new ConnectionLimiter(config.global().maxconn(), null);
            for (Frontend f : config.frontends()) {
                ConnectionLimiter limiter = new ConnectionLimiter(f.maxconn(), global);
                BackendState backend = f.defaultBackend() == null ? null : runtime.backends.get(f.defaultBackend());
                for (Bind bind : f.binds()) {
                    runtime.listeners.add(Listener.bind(f, bind, backend, limiter, runtime.loops, transport));
                }
                log.info("Proxy {} started.", f.name());
            }
        } catch (StartupException | RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    private static BackendState backendState(Backend backend, Transport transport) throws StartupException {
        List<ServerState> servers = new ArrayList<>();
        for (Server s : backend.servers()) {
            Address a = s.address();
            InetAddress host = null;
            if (a.family() == Address.Family.INET) {
                try {
                    host = InetAddress.getByName(a.host());
                } catch (UnknownHostException e) {
                    throw new StartupException("parsing [" + s.source() + "] : 'server " + backend.name() + "/"
                            + s.name() + "' : could not resolve address '" + a.host() + "'.");
                }
            }
            SocketAddress fixed = a.family() == Address.Family.INET && a.port() == Server.SAME_PORT ? null
                    : transport.socketAddress(a, host);
            servers.add(new ServerState(backend.name(), s, host, fixed, transport.connector(a)));
        }
        return new BackendState(backend, servers, new RoundRobin(servers));
    }

    public BackendState backend(String name) {
        return backends.get(name);
    }

    /** Stops accepting first, then ends every session and the event loops. */
    @Override
    public void close() {
        for (Listener l : listeners) {
            l.close().awaitUninterruptibly();
        }
        listeners.clear();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
