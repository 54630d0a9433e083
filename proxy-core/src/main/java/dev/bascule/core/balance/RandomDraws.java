package dev.bascule.core.balance;

import dev.bascule.core.ServerState;
import io.netty.handler.codec.http.HttpRequest;

import java.net.SocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code balance random[(draws)]}: draw {@code draws} servers at random (2 by default, "the power of two
 * choices"), weighted as HAProxy does by drawing points on the consistent ring, and keep the least loaded.
 */
public final class RandomDraws extends GroupBalancer {
    private final int draws;
    private ConsistentHashRing<ServerState> ring;

    public RandomDraws(ServerPool pool, boolean allBackups, int draws) {
        super(pool, allBackups);
        this.draws = Math.max(1, draws);
    }

    @Override
    void rebuild() {
        ring = ConsistentHashRing.of(group, s -> s.config().id(), ServerState::weight);
    }

    @Override
    public synchronized ServerState pick(ServerState avoid, SocketAddress client, HttpRequest request) {
        refresh();
        if (group.isEmpty()) {
            return null;
        }
        ServerState best = null;
        for (int i = 0; i < draws * 2 && (best == null || i < draws); i++) {
            ServerState s = ring.get(ThreadLocalRandom.current().nextInt());
            if (s == avoid && group.size() > 1 || !s.hasSlot()) {
                continue;
            }
            if (best == null || s.served() * (long) best.weight() < best.served() * (long) s.weight()) {
                best = s;
            }
        }
        return best != null ? best : avoid != null && avoid.hasSlot() ? avoid : null;
    }
}
