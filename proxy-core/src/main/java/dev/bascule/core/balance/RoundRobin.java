package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.util.List;

/**
 * {@code balance roundrobin} as smooth weighted round robin: each pick adds every server's weight to its
 * credit, takes the server with the most credit and charges it the total weight. Weights 3:2:1 give
 * a b a c b a: proportional, and interleaved rather than in bursts. A server of weight 0 is never picked.
 */
public final class RoundRobin implements Balancer {
    private final ServerState[] servers;
    private final int[] credit;

    public RoundRobin(List<ServerState> servers) {
        this.servers = servers.toArray(new ServerState[0]);
        this.credit = new int[this.servers.length];
    }

    @Override
    public synchronized ServerState pick(ServerState avoid) {
        int best = -1;
        int total = 0;
        for (int i = 0; i < servers.length; i++) {
            int w = servers[i].weight();
            if (w == 0 || servers[i] == avoid) {
                continue;
            }
            credit[i] += w;
            total += w;
            if (best < 0 || credit[i] > credit[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return avoid != null && avoid.weight() > 0 ? avoid : null;
        }
        credit[best] -= total;
        return servers[best];
    }
}
