package dev.bascule.core;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Balance;
import dev.bascule.config.model.CheckSettings;
import dev.bascule.config.model.HttpSettings;
import dev.bascule.config.model.LoadServerState;
import dev.bascule.config.model.LogSettings;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.ServerRules;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.StatsSettings;
import dev.bascule.config.model.Timeouts;
import dev.bascule.core.balance.RoundRobin;
import dev.bascule.core.balance.ServerPool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.List;

/** A TCP backend balancing round robin over given servers, without log targets: for tests of its live side. */
public final class TestBackends {
    private TestBackends() {
    }

    public static BackendState roundRobin(String name, ServerState... servers) {
        Backend config = new Backend(name, new Source("t.cfg", 1), 1, false, Mode.TCP, Balance.ROUNDROBIN, List.of(),
                Timeouts.NONE, 3, 0, null, Backend.DEFAULT_RETRY_ON, CheckSettings.DEFAULT, HttpSettings.NONE,
                StatsSettings.NONE, LoadServerState.NONE, name, LogSettings.NONE, ServerRules.NONE, List.of(), List.of());
        ServerPool pool = new ServerPool(List.of(servers));
        return new BackendState(config, pool, new RoundRobin(pool, false),
                new Timings(new SimpleMeterRegistry(), name), null);
    }
}
