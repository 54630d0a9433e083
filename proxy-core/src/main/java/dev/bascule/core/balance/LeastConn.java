package dev.bascule.core.balance;

import dev.bascule.core.ServerState;
import io.netty.handler.codec.http.HttpRequest;

import java.net.SocketAddress;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code balance leastconn}: the server with the fewest connections per unit of weight, kept in a tree as
 * HAProxy's {@code lb_fwlc.c} does ((served + 1) / weight), so a pick is O(log n); servers move in the tree
 * as their connections start and end. Among equals, the one that waited longest goes first (each server
 * re-enters behind its equals), so equal servers share new long-lived connections evenly. Servers at their
 * {@code maxconn} are skipped.
 */
public final class LeastConn extends GroupBalancer {
    /** Keys in units of HAProxy's weight scale, so loads of different weights compare exactly enough. */
    private static final long SCALE = 256 * 16;

    private final TreeSet<Node> tree = new TreeSet<>(Comparator.<Node>comparingLong(n -> n.key)
            .thenComparingLong(n -> n.seq));
    private final Map<ServerState, Node> nodes = new HashMap<>();
    private long sequence;

    private static final class Node {
        final ServerState server;
        long key;
        long seq;

        Node(ServerState server) {
            this.server = server;
        }
    }

    public LeastConn(ServerPool pool, boolean allBackups) {
        super(pool, allBackups);
        attach();
    }

    @Override
    public void attach() {
        for (ServerState s : pool.servers()) {
            s.onLoadChange(() -> moved(s));
        }
    }

    @Override
    void rebuild() {
        tree.clear();
        nodes.clear();
        for (ServerState s : group) {
            Node n = new Node(s);
            nodes.put(s, n);
            place(n);
        }
    }

    private void place(Node n) {
        n.key = (n.server.served() + 1L) * SCALE / Math.max(1, n.server.weight());
        n.seq = sequence++;
        tree.add(n);
    }

    /** A server's load changed: move it to its new place. */
    private synchronized void moved(ServerState s) {
        Node n = nodes.get(s);
        if (n != null && tree.remove(n)) {
            place(n);
        }
    }

    @Override
    public synchronized ServerState pick(ServerState avoid, SocketAddress client, HttpRequest request) {
        refresh();
        for (Node n : tree) {
            // Full servers are passed over; the walk goes further only as far as they stand in the way.
            if (n.server.hasSlot() && (n.server != avoid || group.size() == 1)) {
                return n.server;
            }
        }
        return null;
    }
}
