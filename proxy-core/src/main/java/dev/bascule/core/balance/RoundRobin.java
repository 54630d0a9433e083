package dev.bascule.core.balance;

import dev.bascule.core.ServerState;
import io.netty.handler.codec.http.HttpRequest;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code balance roundrobin}, in the order HAProxy's fast weighted round robin ({@code lb_fwrr.c}) gives:
 * weights 3:2:1 serve a b a c a b. Each server has a position on a line that advances by total weight /
 * its weight at each pick (remainders carried); the pick is the server with the lowest position, heavier
 * first on ties, and servers not placed yet join, heaviest first, where the line has a hole. A window of
 * one total weight is current; positions beyond it wait in the next window. Picks cost O(log n). A change
 * of a server's state or weight touches that server only, as HAProxy requeues it: one leaving the group loses
 * its place, one joining (or whose weight changed, a slowstart ramp included) waits for the next hole, and the
 * others keep their positions, so the rotation goes on without a reset.
 */
public final class RoundRobin extends GroupBalancer {
    /** HAProxy works in units of weight x 16 ({@code BE_WEIGHT_SCALE}); keys mirror its tree order. */
    private static final int SCALE = 16;
    private static final int EWEIGHT_MAX = 256 * SCALE;

    private Group order;
    private long sequence;

    public RoundRobin(ServerPool pool, boolean allBackups) {
        super(pool, allBackups);
    }

    @Override
    void rebuild() {
        if (order == null) {
            order = new Group();
        }
        order.update(group);
    }

    /** One server's place: position, carried remainder, the tree it sits in and its key there. */
    private static final class Node {
        final ServerState server;
        final int eweight;
        long npos;
        int rweight;
        TreeSet<Node> tree;
        long key;
        long seq;

        Node(ServerState server) {
            this.server = server;
            this.eweight = server.weight() * SCALE;
        }
    }

    /** The active or the backup servers: current window, servers not placed yet, and the next window. */
    private final class Group {
        final Comparator<Node> order = Comparator.<Node>comparingLong(n -> n.key).thenComparingLong(n -> n.seq);
        TreeSet<Node> curr = new TreeSet<>(order);
        TreeSet<Node> init = new TreeSet<>(order);
        TreeSet<Node> next = new TreeSet<>(order);
        long currPos;
        long currWeight;
        long nextWeight;

        final Map<ServerState, Node> nodes = new IdentityHashMap<>();

        /** Takes out the servers that left or changed weight, then queues the newcomers by weight. */
        void update(List<ServerState> servers) {
            Set<ServerState> now = Collections.newSetFromMap(new IdentityHashMap<>());
            now.addAll(servers);
            for (Node n : List.copyOf(nodes.values())) {
                if (!now.contains(n.server) || n.eweight != n.server.weight() * SCALE) {
                    if (n.tree != null) {
                        n.tree.remove(n);
                        n.tree = null;
                    }
                    nextWeight -= n.eweight;
                    nodes.remove(n.server);
                }
            }
            for (ServerState s : servers) {
                if (!nodes.containsKey(s)) {
                    Node n = new Node(s);
                    nodes.put(s, n);
                    nextWeight += n.eweight;
                    byWeight(init, n);
                }
            }
        }

        ServerState pick(ServerState avoid) {
            if (currWeight == 0) {
                currPos = currWeight = nextWeight;
            }
            boolean switched = false;
            Node avoided = null;
            List<Node> full = null;
            Node chosen;
            while (true) {
                Node n = first();
                if (n == null) {
                    if (switched) {
                        chosen = avoided;
                        break;
                    }
                    switched = true;
                    TreeSet<Node> t = init;
                    init = next;
                    next = t;
                    currWeight = nextWeight;
                    currPos = currWeight;
                    continue;
                }
                advance(n);
                n.tree.remove(n);
                n.tree = null;
                currPos++;
                if (n.server.hasSlot()) {
                    if (n.server != avoid || avoided != null) {
                        chosen = n;
                        break;
                    }
                    avoided = n;
                } else {
                    full = passedOver(full, n);
                }
            }
            if (chosen != null) {
                place(chosen);
            }
            // Servers passed over (full, or avoided) get their place back, as if they had been used.
            if (avoided != null && avoided != chosen) {
                full = passedOver(full, avoided);
            }
            if (full != null) {
                for (Node n : full) {
                    if (switched) {
                        byWeight(init, n);
                    } else {
                        place(n);
                    }
                }
            }
            return chosen == null ? null : chosen.server;
        }

        /** Only a pick that passes servers over pays for the list. */
        private List<Node> passedOver(List<Node> list, Node n) {
            List<Node> l = list == null ? new ArrayList<>() : list;
            l.add(n);
            return l;
        }

        /** The first placed server, unless the line has a hole at the current position: then a new one. */
        private Node first() {
            Node n = curr.isEmpty() ? null : curr.first();
            if ((n == null || n.npos > currPos) && !init.isEmpty()) {
                n = init.first();
                n.npos = 0;
                n.rweight = 0;
            }
            return n;
        }

        private void advance(Node n) {
            if (n.npos == 0) {
                n.npos = currPos;
            }
            n.npos += nextWeight / n.eweight;
            n.rweight += (int) (nextWeight % n.eweight);
            if (n.rweight >= n.eweight) {
                n.rweight -= n.eweight;
                n.npos++;
            }
        }

        /** Back into the current window, or into the next one when its position is beyond. */
        private void place(Node n) {
            if (n.npos >= 2 * currWeight || n.npos >= currWeight + nextWeight) {
                n.npos -= currWeight;
                byWeight(next, n);
            } else {
                n.key = 256L * n.npos + (EWEIGHT_MAX + n.rweight - n.eweight) / SCALE;
                insert(curr, n);
            }
        }

        private void byWeight(TreeSet<Node> tree, Node n) {
            n.key = EWEIGHT_MAX - n.eweight;
            insert(tree, n);
        }

        private void insert(TreeSet<Node> tree, Node n) {
            n.seq = sequence++;
            n.tree = tree;
            tree.add(n);
        }
    }

    @Override
    public synchronized ServerState pick(ServerState avoid, SocketAddress client, HttpRequest request) {
        refresh();
        return order.pick(avoid);
    }
}
