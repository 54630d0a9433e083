package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.net.SocketAddress;
import java.util.List;

/**
 * {@code balance leastconn}: the server with the fewest sessions per unit of weight, as HAProxy's
 * {@code lb_fwlc.c} ranks them ((sessions + 1) / weight); ties go round robin, so equal servers share new
 * long-lived connections evenly. Servers at their {@code maxconn} are skipped.
 */
public final class LeastConn implements Balancer {
    private final ServerPool pool;
    private final boolean allBackups;
    private int start;

    public LeastConn(ServerPool pool, boolean allBackups) {
        this.pool = pool;
        this.allBackups = allBackups;
    }

    @Override
    public synchronized ServerState pick(ServerState avoid, SocketAddress client) {
        List<ServerState> group = pool.group(allBackups);
        int n = group.size();
        ServerState best = null;
        long bestLoad = Long.MAX_VALUE;
        int bestIndex = 0;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            ServerState s = group.get(i);
            if (s == avoid && n > 1 || !s.hasSlot()) {
                continue;
            }
            long load = (s.served() + 1L) * 256 * 16 / Math.max(1, s.weight());
            if (load < bestLoad) {
                best = s;
                bestLoad = load;
                bestIndex = i;
            }
        }
        if (best != null) {
            start = (bestIndex + 1) % n;
        }
        return best;
    }
}
