package dev.bascule.core.balance;

import dev.bascule.core.ServerState;
import io.netty.handler.codec.http.HttpRequest;

import java.net.SocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The hashing algorithms ({@code source}, {@code uri}, {@code url_param}, {@code hdr}, {@code hash}): the
 * {@link HashKey} chooses the server, the same one for as long as the set of usable servers stays the same.
 * {@code hash-type map-based} (the default) takes slot {@code hash mod total weight} of the weight map
 * ({@code lb_map.c}); {@code hash-type consistent} the nearest point on the ring ({@code lb_chash.c}), walking on
 * past a server to avoid or, with {@code hash-balance-factor}, past a server loaded above its share. A request
 * without the key is balanced round robin over the map, as HAProxy falls back.
 */
public final class HashBalancer extends GroupBalancer {
    private final HashKey key;
    private final boolean consistent;
    /** {@code hash-balance-factor}: a server may take at most this percentage of its fair share; 0 = no bound. */
    private final int balanceFactor;
    private WeightMap map;
    private ConsistentHashRing<ServerState> ring;
    /** Each server's weight summed over the servers before it in the group, for the bounded-load shares. */
    private final Map<ServerState, Integer> cumulativeWeight = new IdentityHashMap<>();
    private int totalWeight;
    private final MapCursor cursor = new MapCursor();

    public HashBalancer(ServerPool pool, boolean allBackups, HashKey key, boolean consistent, int balanceFactor) {
        super(pool, allBackups);
        this.key = key;
        this.consistent = consistent;
        this.balanceFactor = consistent ? balanceFactor : 0;
    }

    @Override
    public synchronized ServerState pick(ServerState avoid, SocketAddress client, HttpRequest request) {
        refresh();
        if (group.isEmpty() || map.size() == 0) {
            return null;
        }
        long h = key.hash(client, request);
        if (h == HashKey.NONE) {
            return cursor.next(map, group, avoid);
        }
        ServerState s;
        if (consistent) {
            int served = balanceFactor == 0 ? 0 : group.stream().mapToInt(ServerState::served).sum();
            s = ring.get((int) h, c -> c != avoid && (balanceFactor == 0 || eligible(c, served)));
        } else {
            s = group.get(map.lookup((int) h));
            if (s == avoid && group.size() > 1) {
                // A redispatch: the next server in declaration order, as good as any other.
                s = group.get((group.indexOf(s) + 1) % group.size());
            }
        }
        // Even full: the request is tied to it and waits in its queue (see BackendState.take).
        return s;
    }

    /**
     * HAProxy's bounded-load rule: the backend's load plus this request, times the factor, shared out by
     * weight in whole slots (the remainder spread by cumulative weight); a server is eligible below its share.
     */
    private boolean eligible(ServerState s, int backendServed) {
        long slots = ((backendServed + 1L) * balanceFactor + 99) / 100;
        long perWeight = slots / totalWeight;
        long remainder = slots % totalWeight;
        int w = s.weight();
        int cumulative = cumulativeWeight.get(s);
        long share = perWeight * w + (cumulative + w) * remainder / totalWeight - cumulative * remainder / totalWeight;
        return s.served() < Math.max(1, share);
    }

    @Override
    void rebuild() {
        map = StaticRoundRobin.weightMap(pool, group);
        cursor.resized(map);
        if (consistent) {
            ring = ConsistentHashRing.of(group, s -> s.config().id(), ServerState::weight);
            cumulativeWeight.clear();
            totalWeight = 0;
            for (ServerState s : group) {
                cumulativeWeight.put(s, totalWeight);
                totalWeight += s.weight();
            }
        }
    }
}
