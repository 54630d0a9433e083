package dev.bascule.core.balance;

import dev.bascule.core.ServerState;
import io.netty.handler.codec.http.HttpRequest;

import java.net.SocketAddress;
import java.util.List;

/**
 * {@code balance static-rr}: HAProxy's precomputed weight map ({@link WeightMap}) walked slot by slot, O(1)
 * per pick: weights 3:2:1 serve a a b a b c. The map is rebuilt when a server's state or weight changes.
 */
public final class StaticRoundRobin extends GroupBalancer {
    private WeightMap map;
    private final MapCursor cursor = new MapCursor();

    public StaticRoundRobin(ServerPool pool, boolean allBackups) {
        super(pool, allBackups);
    }

    @Override
    public synchronized ServerState pick(ServerState avoid, SocketAddress client, HttpRequest request) {
        refresh();
        if (map == null || map.size() == 0) {
            return null;
        }
        return cursor.next(map, group, avoid);
    }

    @Override
    void rebuild() {
        map = weightMap(pool, group);
        cursor.resized(map);
    }

    /**
     * The map over {@code group}, with weights divided by the common divisor of every server's weight, as
     * HAProxy does; slot values index {@code group}.
     */
    static WeightMap weightMap(ServerPool pool, List<ServerState> group) {
        List<ServerState> all = pool.servers();
        int[] weights = new int[group.size() + all.size()];
        boolean[] usable = new boolean[weights.length];
        for (int i = 0; i < group.size(); i++) {
            weights[i] = group.get(i).weight();
            usable[i] = true;
        }
        // The others only count for the divisor.
        for (int i = 0; i < all.size(); i++) {
            weights[group.size() + i] = all.get(i).weight();
        }
        return WeightMap.of(weights, usable);
    }
}
