package dev.bascule.dist;

import dev.bascule.config.model.Config;
import dev.bascule.core.Runtime;
import dev.bascule.core.StartupException;
import dev.bascule.core.Transport;
import dev.bascule.stats.StatsApplets;
import dev.bascule.stats.StatsSocket;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The proxy as the launcher and the demo run it: the runtime with its applets, and its stats sockets. */
final class RunningProxy implements AutoCloseable {
    private final Runtime runtime;
    private final List<StatsSocket> sockets;
    private final EventLoopGroup statsLoops;

    private RunningProxy(Runtime runtime, List<StatsSocket> sockets, EventLoopGroup statsLoops) {
        this.runtime = runtime;
        this.sockets = sockets;
        this.statsLoops = statsLoops;
    }

    /** Starts everything the config asks for; nothing stays open if a part fails. */
    static RunningProxy start(Config config, Transport transport) throws StartupException {
        List<StatsSocket> sockets = new ArrayList<>();
        EventLoopGroup statsLoops = config.global().statsSockets().isEmpty() ? null
                : transport.newEventLoops(1, "stats");
        Runtime runtime;
        try {
            // The sockets open before the proxies listen: a script that sees a proxy's port finds its socket too.
            runtime = Runtime.start(config, transport, new StatsApplets(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), r -> {
                        for (var s : config.global().statsSockets()) {
                            sockets.add(StatsSocket.start(s, r, transport, statsLoops));
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

    @Override
    public void close() {
        sockets.forEach(StatsSocket::close);
        if (statsLoops != null) {
            statsLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        runtime.close();
    }
}
