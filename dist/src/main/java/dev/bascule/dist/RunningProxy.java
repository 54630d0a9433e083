package dev.bascule.dist;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Source;
import dev.bascule.core.Runtime;
import dev.bascule.core.StartupException;
import dev.bascule.core.Transport;
import dev.bascule.core.handoff.InheritedSockets;
import dev.bascule.stats.StatsApplets;
import dev.bascule.stats.StatsSocket;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The proxy as the launcher and the demo run it: the runtime with its applets, its stats sockets, and (where
 * sockets can be passed) the handoff socket a process replacing this one takes the listeners from.
 */
final class RunningProxy implements AutoCloseable {
    private final Runtime runtime;
    private final List<StatsSocket> sockets;
    private final EventLoopGroup statsLoops;

    private RunningProxy(Runtime runtime, List<StatsSocket> sockets, EventLoopGroup statsLoops) {
        this.runtime = runtime;
        this.sockets = sockets;
        this.statsLoops = statsLoops;
    }

    static RunningProxy start(Config config, Transport transport) throws StartupException {
        return start(config, transport, InheritedSockets.none(), false, null);
    }

    /**
     * Starts everything the config asks for; nothing stays open if a part fails.
     *
     * @param inherited the listening sockets of the process being replaced; closed here once this one listens
     * @param handoff   whether to serve this process's listening sockets to the one that will replace it
     * @param masterCli where a worker serves its runtime API to its master's CLI, or null
     */
    static RunningProxy start(Config config, Transport transport, InheritedSockets inherited, boolean handoff,
                              Path masterCli) throws StartupException {
        List<StatsSocket> sockets = new ArrayList<>();
        Transport stats = transport.statsSockets();
        boolean handoffSocket = handoff && stats.passesSockets();
        EventLoopGroup statsLoops = config.global().statsSockets().isEmpty() && !handoffSocket && masterCli == null
                ? null : stats.newEventLoops(1, "stats");
        Runtime runtime;
        try (inherited) {
            // The sockets open before the proxies listen: a script that sees a proxy's port finds its socket too.
            runtime = Runtime.start(config, transport, new StatsApplets(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), inherited, r -> {
                        long timeout = config.global().statsTimeout();
                        int maxconn = config.global().statsMaxconn();
                        for (var s : config.global().statsSockets()) {
                            sockets.add(StatsSocket.start(s, r, stats, statsLoops, timeout, maxconn));
                        }
                        if (masterCli != null) {
                            sockets.add(StatsSocket.start(new dev.bascule.config.model.StatsSocket(
                                    new Source("master CLI", 0), Address.unix(masterCli.toString()), "admin", "600",
                                    false), r, stats, statsLoops, timeout, maxconn));
                        }
                        if (handoffSocket) {
                            try {
                                sockets.add(StatsSocket.handoff(Handoff.socketPath(ProcessHandle.current().pid()), r,
                                        stats, statsLoops));
                            } catch (StartupException e) {
                                // Another user's file left at this pid's path (a pid reused after a kill): the
                                // process serves; a next one (-sf) binds its listeners anew beside it.
                                org.slf4j.LoggerFactory.getLogger(RunningProxy.class).warn("Cannot hand the "
                                        + "listening sockets over at a reload ({}); a next process binds them anew.",
                                        e.getMessage());
                            }
                        }
                    });
        } catch (StartupException | RuntimeException e) {
            sockets.forEach(StatsSocket::close);
            if (statsLoops != null) {
                statsLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            throw e;
        }
        return new RunningProxy(runtime, sockets, statsLoops);
    }

    Runtime runtime() {
        return runtime;
    }

    /**
     * Stops accepting, on the proxies and the stats sockets (HAProxy's soft stop closes its CLI too); the
     * connections in flight go on until {@link #close}.
     */
    void softStop() {
        runtime.softStop();
        sockets.forEach(StatsSocket::close);
        sockets.clear();
    }

    @Override
    public void close() {
        sockets.forEach(StatsSocket::close);
        if (statsLoops != null) {
            statsLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        runtime.close();
    }
}
