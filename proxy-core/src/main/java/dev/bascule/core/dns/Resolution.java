package dev.bascule.core.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One name asked of a resolvers section, shared by every requester that follows it (HAProxy's struct
 * resolv_resolution): its state machine ({@link Step}), the status of its last outcome ({@link Status}), and the
 * records its answers brought, each kept {@code hold obsolete} past the last answer that had it. Touched by its
 * section's event loop only.
 */
final class Resolution {
    /** Whether a query is out. */
    enum Step { IDLE, RUNNING }

    /** The last outcome, as HAProxy's RSLV_STATUS_*: each error has its own {@code hold} period. */
    enum Status { NONE, VALID, NX, REFUSED, TIMEOUT, OTHER }

    /** An SRV record of the answers, with the address an additional record gave its target (or null). */
    record SrvItem(String target, int port, int weight, InetAddress additional, long lastSeen) {
    }

    final String name;
    /** A or AAAA (by {@code resolve-prefer}), or SRV. */
    final int preferredType;
    Step step = Step.IDLE;
    Status status = Status.NONE;
    /** Monotonic nanoseconds; {@code lastResolution} unset (0 in HAProxy) until the first ends. */
    long lastValid;
    boolean validOnce;
    long lastResolution;
    boolean resolvedOnce;
    long lastQuery;
    int queryId = -1;
    int queryType;
    int tries;
    int queries;
    int responses;
    /** A and AAAA records by address, in the order the answers gave them: when each was last seen. */
    final Map<InetAddress, Long> addresses = new LinkedHashMap<>();
    /** SRV records by target and port. */
    final Map<String, SrvItem> srv = new LinkedHashMap<>();
    final List<Requester> requesters = new ArrayList<>();

    Resolution(String name, int preferredType) {
        this.name = name;
        this.preferredType = preferredType;
        this.queryType = preferredType;
    }

    /** The addresses still held, in answer order. */
    List<InetAddress> liveAddresses() {
        return List.copyOf(addresses.keySet());
    }

    List<SrvItem> liveSrv() {
        return List.copyOf(srv.values());
    }

    /** Forgets the records not seen for longer than {@code obsoleteNanos} (HAProxy's hold obsolete). */
    void purge(long now, long obsoleteNanos) {
        addresses.values().removeIf(seen -> now - seen > obsoleteNanos);
        srv.values().removeIf(item -> now - item.lastSeen() > obsoleteNanos);
    }

    static String srvKey(String target, int port) {
        return target + ":" + port;
    }
}
