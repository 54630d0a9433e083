package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend's servers as its balancer sees them, with a generation that moves whenever a server's usability
 * or weight changes, so a balancer rebuilds its structures only then (and while a slowstart ramps weights).
 */
public final class ServerPool {
    private final List<ServerState> servers;
    private final AtomicLong generation = new AtomicLong();
    private volatile long rampingUntilNanos = Long.MIN_VALUE;

    public ServerPool(List<ServerState> servers) {
        this.servers = List.copyOf(servers);
        attach();
    }

    /** Asks its servers again to tell it of their changes (a failed reload gives them back to this pool). */
    public void attach() {
        servers.forEach(s -> s.onChange(this::changed));
    }

    public List<ServerState> servers() {
        return servers;
    }

    /** Something about a server changed: state, admin state or weight. */
    public void changed() {
        generation.incrementAndGet();
    }

    /** A server came back with a slowstart: weights move until then. */
    public void rampingUntil(long nanos) {
        rampingUntilNanos = Math.max(rampingUntilNanos, nanos);
        changed();
    }

    /**
     * A token that differs whenever the balancer must look at the servers again: at each change, and every
     * 100 ms while a slowstart ramps a weight up (HAProxy also moves ramping weights in steps).
     */
    long generation() {
        long g = generation.get();
        long now = System.nanoTime();
        boolean ramping = rampingUntilNanos != Long.MIN_VALUE && now - rampingUntilNanos < 0;
        return ramping ? g * 1_000_003L + now / 100_000_000L : g;
    }

    /** The servers a balancer uses now: the usable active ones, or else the first usable backup (all with allbackups). */
    List<ServerState> group(boolean allBackups) {
        List<ServerState> active = servers.stream().filter(s -> !s.backup() && s.usable()).toList();
        if (!active.isEmpty()) {
            return active;
        }
        List<ServerState> backups = servers.stream().filter(s -> s.backup() && s.usable()).toList();
        return allBackups || backups.isEmpty() ? backups : backups.subList(0, 1);
    }
}
