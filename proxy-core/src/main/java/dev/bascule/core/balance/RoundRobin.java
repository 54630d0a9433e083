package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.util.List;

/**
 * {@code balance roundrobin} as smooth weighted round robin: each pick adds every usable server's weight to
 * its credit, takes the server with the most credit and charges it the total weight. Weights 3:2:1 give
 * a b a c b a: proportional, and interleaved rather than in bursts. Only servers that can take traffic (UP,
 * READY, weight above 0) count; when no active server can, the first usable backup takes it all, or every
 * usable backup in turn with {@code option allbackups}. Weights are read at each pick, so slowstart and
 * run-time weight changes apply at once.
 */
public final class RoundRobin implements Balancer {
    private final ServerState[] servers;
    private final int[] credit;
    private final boolean allBackups;

    public RoundRobin(boolean allBackups, List<ServerState> servers) {
        this.servers = servers.toArray(new ServerState[0]);
        this.credit = new int[this.servers.length];
        this.allBackups = allBackups;
    }

    @Override
    public synchronized ServerState pick(ServerState avoid) {
        ServerState s = pick(false, avoid);
        if (s == null) {
            s = allBackups ? pick(true, avoid) : firstBackup(avoid);
        }
        if (s == null && avoid != null && avoid.usable()) {
            return avoid;
        }
        return s;
    }

    private ServerState pick(boolean backups, ServerState avoid) {
        int best = -1;
        int total = 0;
        for (int i = 0; i < servers.length; i++) {
            ServerState s = servers[i];
            if (s.backup() != backups || s == avoid || !s.usable()) {
                continue;
            }
            int w = s.weight();
            credit[i] += w;
            total += w;
            if (best < 0 || credit[i] > credit[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        credit[best] -= total;
        return servers[best];
    }

    private ServerState firstBackup(ServerState avoid) {
        for (ServerState s : servers) {
            if (s.backup() && s != avoid && s.usable()) {
                return s;
            }
        }
        return null;
    }
}
