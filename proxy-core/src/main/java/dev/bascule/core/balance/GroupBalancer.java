package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.util.List;

/**
 * A balancer over its pool's current group (the usable active servers, or else the backups), which it
 * looks at again only when the pool's generation moves; subclasses derive their structures in
 * {@link #rebuild()}. Callers of {@link #refresh()} hold the balancer's lock.
 */
abstract class GroupBalancer implements Balancer {
    final ServerPool pool;
    private final boolean allBackups;
    private long seenGeneration = -1;
    List<ServerState> group = List.of();

    GroupBalancer(ServerPool pool, boolean allBackups) {
        this.pool = pool;
        this.allBackups = allBackups;
    }

    final void refresh() {
        long g = pool.generation();
        if (g != seenGeneration) {
            seenGeneration = g;
            group = pool.group(allBackups);
            rebuild();
        }
    }

    /** The group changed: recompute what is derived from it. */
    void rebuild() {
    }
}
