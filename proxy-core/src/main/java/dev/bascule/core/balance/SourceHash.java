package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * {@code balance source}: the client's IP address chooses the server, the same one for as long as the set
 * of usable servers stays the same. As HAProxy: an IPv4 address is its 32-bit number (an IPv6 one the XOR of
 * its four 32-bit words); {@code hash-type map-based} (the default) takes slot {@code hash mod total weight}
 * of the weight map, {@code hash-type consistent} the point after {@code avalanche(hash)} on the ring.
 */
public final class SourceHash extends GroupBalancer {
    private final boolean consistent;
    private WeightMap map;
    private ConsistentHashRing<ServerState> ring;

    public SourceHash(ServerPool pool, boolean allBackups, boolean consistent) {
        super(pool, allBackups);
        this.consistent = consistent;
    }

    @Override
    public synchronized ServerState pick(ServerState avoid, SocketAddress client) {
        refresh();
        if (group.isEmpty()) {
            return null;
        }
        int h = hash(client);
        ServerState s = consistent ? ring.get(HashFunction.avalanche(h)) : group.get(map.lookup(h));
        if (s == avoid && group.size() > 1) {
            // A redispatch: the next server in declaration order, as good as any other.
            s = group.get((group.indexOf(s) + 1) % group.size());
        }
        // A full server keeps its clients: they wait in the queue rather than go elsewhere.
        return s.hasSlot() ? s : null;
    }

    static int hash(SocketAddress client) {
        if (!(client instanceof InetSocketAddress isa) || isa.getAddress() == null) {
            return 0;
        }
        byte[] a = isa.getAddress().getAddress();
        int h = 0;
        for (int i = 0; i + 3 < a.length; i += 4) {
            h ^= (a[i] & 0xff) << 24 | (a[i + 1] & 0xff) << 16 | (a[i + 2] & 0xff) << 8 | (a[i + 3] & 0xff);
        }
        return h;
    }

    @Override
    void rebuild() {
        if (consistent) {
            ring = ConsistentHashRing.of(group, s -> pool.servers().indexOf(s) + 1, ServerState::weight);
        } else {
            map = StaticRoundRobin.weightMap(pool, group);
        }
    }
}
