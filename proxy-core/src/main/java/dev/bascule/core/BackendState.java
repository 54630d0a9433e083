package dev.bascule.core;

import dev.bascule.config.model.Backend;
import dev.bascule.core.balance.Balancer;
import dev.bascule.core.balance.ServerPool;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.core.check.CheckResult;
import dev.bascule.core.check.CheckStatus;
import dev.bascule.core.check.HealthChecker;
import dev.bascule.core.check.ServerHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend's live side: its servers, the balancer that picks among them, and what happens when a server
 * changes state (HAProxy's log lines, {@code on-marked-down} / {@code on-marked-up}).
 */
public final class BackendState {
    private final HttpCounters http = new HttpCounters();

    /** HTTP requests and responses through this proxy or server (mode http only). */
    public HttpCounters http() {
        return http;
    }

    private static final Logger log = LoggerFactory.getLogger(BackendState.class);

    private final Backend config;
    private final ServerPool pool;
    private final List<ServerState> servers;
    private final Balancer balancer;

    /** Connections waiting for a server slot, oldest first (HAProxy's backend queue). */
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger maxQueued = new AtomicInteger();

    private final Timings timings;
    /** Sessions per second, counted by the servers as they start them (one per request in HTTP mode). */
    private final RateCounter sessionRate = new RateCounter();

    public BackendState(Backend config, ServerPool pool, Balancer balancer, Timings timings) {
        this.config = config;
        this.pool = pool;
        this.servers = pool.servers();
        this.balancer = balancer;
        this.timings = timings;
        servers.forEach(s -> s.onSlotFreed(this::slotFreed));
        servers.forEach(s -> s.backendSessionRate(sessionRate));
    }

    /**
     * Picks a server and takes one of its {@code maxconn} slots; null when every usable server is full (the
     * caller may queue) or none is usable.
     */
    public ServerState take(ServerState avoid, SocketAddress client) {
        // Pick and take under the balancer's lock, as HAProxy holds its lbprm lock: two event loops picking at
        // once would otherwise both see leastconn's least loaded server before either took a slot on it.
        synchronized (balancer) {
            for (int attempt = 0; attempt < 3; attempt++) {
                ServerState s = balancer.pick(avoid, client);
                if (s == null) {
                    return null;
                }
                if (s.tryTake()) {
                    return s;
                }
                // maxconn lowered at run time between the pick and the take: pick again.
            }
            return null;
        }
    }

    /** Some server can take connections, even if all are full right now: waiting is worth it. */
    public boolean hasUsableServer() {
        return servers.stream().anyMatch(ServerState::usable);
    }

    /**
     * Queues {@code wake}, run on a slot's release (at most once); it must try {@link #take} again and queue
     * itself anew if it loses the race.
     */
    public void enqueue(Runnable wake) {
        queue.add(wake);
        int n = queued.incrementAndGet();
        maxQueued.accumulateAndGet(n, Math::max);
        // A slot may have freed between the failed take and the add.
        if (servers.stream().anyMatch(s -> s.usable() && s.hasSlot())) {
            slotFreed();
        }
    }

    /** A waiting connection gave up ({@code timeout queue}, client gone). */
    public boolean dequeue(Runnable wake) {
        if (queue.remove(wake)) {
            queued.decrementAndGet();
            return true;
        }
        return false;
    }

    private void slotFreed() {
        Runnable next = queue.poll();
        if (next != null) {
            queued.decrementAndGet();
            next.run();
        }
    }

    public int queued() {
        return queued.get();
    }

    public int maxQueued() {
        return maxQueued.get();
    }

    public Backend config() {
        return config;
    }

    public List<ServerState> servers() {
        return servers;
    }

    public Balancer balancer() {
        return balancer;
    }

    public Timings timings() {
        return timings;
    }

    public RateCounter sessionRate() {
        return sessionRate;
    }

    public String name() {
        return config.name();
    }

    /** Records a check result for {@code server}, logging and acting on a change of state as HAProxy does. */
    public void checked(ServerState server, CheckResult result) {
        String before = server.health().status();
        ServerHealth.Transition t = server.health().record(result);
        // option log-health-checks: every step of the health counter, not only the changes of state.
        if (t == ServerHealth.Transition.NONE && config.checks().logHealthChecks()
                && !before.equals(server.health().status())) {
            log.info("Health check for server {} {}, {}, status: {}.", server.id(),
                    result.status().passed() ? "succeeded" : "failed", result.reason(), server.health().progress());
        }
        changed(server, t, result);
    }

    /** Applies a transition decided elsewhere (an agent, {@code on-error mark-down}). */
    public void changed(ServerState server, ServerHealth.Transition t, CheckResult why) {
        long slowstart = server.config().check().slowstartMs();
        if (t == ServerHealth.Transition.WENT_UP && slowstart > 0) {
            pool.rampingUntil(server.health().wentUpNanos() + slowstart * 1_000_000);
        }
        if (t == ServerHealth.Transition.WENT_DOWN) {
            int active = server.currentSessions();
            if ("shutdown-sessions".equals(server.config().check().onMarkedDown())) {
                server.shutdownSessions();
            }
            log.warn("Server {} is DOWN, {}. {} active and {} backup servers left. {} sessions active, 0 requeued, "
                    + "{} remaining in queue.", server.id(), why.reason(), count(false), count(true), active, queued());
            if (servers.stream().noneMatch(ServerState::usable)) {
                log.error("backend {} has no server available!", name());
            }
        } else if (t == ServerHealth.Transition.WENT_UP) {
            if (!server.backup() && "shutdown-backup-sessions".equals(server.config().check().onMarkedUp())) {
                servers.stream().filter(ServerState::backup).forEach(ServerState::shutdownSessions);
            }
            log.warn("Server {} is UP, {}. {} active and {} backup servers online. 0 sessions requeued, {} total in "
                    + "queue.", server.id(), why.reason(), count(false), count(true), queued());
            slotFreed();
        }
    }

    /**
     * An {@code agent-check} reply, words separated by blanks or commas: {@code up}, {@code down}/{@code fail}/
     * {@code stopped}, {@code ready}/{@code drain}/{@code maint}, or a weight such as {@code 75%} of the
     * configured one. Unknown words are ignored, as HAProxy does.
     */
    public void agentSaid(ServerState server, CheckResult reply) {
        for (String word : reply.info().toLowerCase(java.util.Locale.ROOT).split("[\\s,]+")) {
            CheckResult why = new CheckResult(CheckStatus.L7STS, 0, "agent reports " + word, reply.durationMs());
            switch (word) {
                case "up" -> changed(server, server.health().markUp(why), why);
                case "down", "fail", "stopped" -> changed(server, server.health().markDown(why), why);
                case "ready" -> server.admin(ServerState.Admin.READY);
                case "drain" -> server.admin(ServerState.Admin.DRAIN);
                case "maint" -> server.admin(ServerState.Admin.MAINT);
                default -> {
                    if (word.matches("\\d+%")) {
                        int percent = Integer.parseInt(word.substring(0, word.length() - 1));
                        server.weight(server.config().weight() * percent / 100);
                    }
                }
            }
        }
    }

    /**
     * {@code observe layer4}: {@code error-limit} connection errors in a row on real traffic trigger
     * {@code on-error}: check again soon, count a failed check, leave one check before DOWN, or mark DOWN.
     */
    public void observedErrors(ServerState server, int errors, String last) {
        ServerCheck c = server.config().check();
        server.resetObservedErrors();
        CheckResult why = new CheckResult(CheckStatus.HANA, 0, "Detected " + errors + " consecutive errors, last one "
                + "was: " + last, 0);
        switch (c.onError()) {
            case "fail-check" -> checked(server, why);
            case "sudden-death" -> server.health().suddenDeath();
            case "mark-down" -> changed(server, server.health().markDown(why), why);
            default -> {
            }
        }
        HealthChecker checker = server.checker();
        if (checker != null) {
            checker.checkSoon();
        }
    }

    private long count(boolean backup) {
        return servers.stream().filter(s -> s.backup() == backup && s.usable()).count();
    }
}
