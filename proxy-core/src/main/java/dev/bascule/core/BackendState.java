package dev.bascule.core;

import dev.bascule.config.model.Backend;
import dev.bascule.core.balance.Balancer;

import java.util.List;

/** A backend's live side: its servers and the balancer that picks among them. */
public record BackendState(Backend config, List<ServerState> servers, Balancer balancer) {
    public BackendState {
        servers = List.copyOf(servers);
    }

    public String name() {
        return config.name();
    }
}
