package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.net.SocketAddress;

/**
 * {@code balance leastconn}: the server with the fewest sessions per unit of weight, as HAProxy's
 * {@code lb_fwlc.c} ranks them ((sessions + 1) / weight); ties go round robin, so equal servers share new
 * long-lived connections evenly. Servers at their {@code maxconn} are skipped. A pick scans the servers:
 * O(n), unlike HAProxy's tree (see docs/performance.md for what it costs at 10,000 servers).
 */
public final class LeastConn extends GroupBalancer {
    private int start;

    public LeastConn(ServerPool pool, boolean allBackups) {
        super(pool, allBackups);
    }

    @Override
    public synchronized ServerState pick(ServerState avoid, SocketAddress client) {
        refresh();
        int n = group.size();
        ServerState best = null;
        long bestServed = 0;
        long bestWeight = 1;
        int bestIndex = 0;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            ServerState s = group.get(i);
            if (s == avoid && n > 1 || !s.hasSlot()) {
                continue;
            }
            long served = s.served() + 1L;
            long weight = Math.max(1, s.weight());
            // served/weight < bestServed/bestWeight, without dividing
            if (best == null || served * bestWeight < bestServed * weight) {
                best = s;
                bestServed = served;
                bestWeight = weight;
                bestIndex = i;
            }
        }
        if (best != null) {
            start = (bestIndex + 1) % n;
        }
        return best;
    }
}
