package dev.bascule.core;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.LogTarget;
import dev.bascule.core.balance.Balancer;
import dev.bascule.core.balance.ServerPool;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.core.check.CheckResult;
import dev.bascule.core.check.CheckStatus;
import dev.bascule.core.check.HealthChecker;
import dev.bascule.core.check.ServerHealth;
import dev.bascule.core.log.LogTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.handler.codec.http.HttpRequest;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.List;

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

    /** Aborts by side, invalid responses, denials, internal errors, connection attempts and reuses. */
    private final ProxyCounters counters = new ProxyCounters();
    /** qtime, ctime, rtime, ttime and their maxima over this backend's transactions. */
    private final PhaseTimes phaseTimes = new PhaseTimes();

    /** Streams given to this backend, whether a server took them or not (HAProxy's be cum_conn: its stot). */
    private final java.util.concurrent.atomic.LongAdder streams = new java.util.concurrent.atomic.LongAdder();

    /** A stream was given to this backend (its stot, also for those no server takes: a 503). */
    public void streamAssigned() {
        streams.increment();
    }

    public long streamsTotal() {
        return streams.sum();
    }

    private final java.util.concurrent.atomic.LongAdder bytesIn = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder bytesOut = new java.util.concurrent.atomic.LongAdder();

    /** An ended stream's bytes from and to the client (a long TCP session's count at its end). */
    void bytes(long in, long out) {
        bytesIn.add(in);
        bytesOut.add(out);
    }

    /** Bytes of its ended streams from clients ({@code bin}). */
    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Counters HAProxy keeps per backend; rules call {@link ProxyCounters#requestDenied()} here. */
    public ProxyCounters counters() {
        return counters;
    }

    public PhaseTimes phaseTimes() {
        return phaseTimes;
    }

    private final Backend config;
    private final ServerPool pool;
    private final List<ServerState> servers;
    private final Balancer balancer;

    /** Connections waiting for any server's slot (HAProxy's backend queue). */
    private final WaitQueue queue = new WaitQueue();

    private final Timings timings;
    /** Where its messages go besides the process's log (its {@code log} lines), or null. */
    private final LogTargets messages;
    /** Sessions per second, counted by the servers as they start them (one per request in HTTP mode). */
    private final RateCounter sessionRate = new RateCounter();

    private final ServerAssignment assignment;

    public BackendState(Backend config, ServerPool pool, Balancer balancer, Timings timings, LogTargets messages) {
        this.config = config;
        this.messages = messages;
        this.pool = pool;
        this.servers = pool.servers();
        this.balancer = balancer;
        this.timings = timings;
        this.assignment = new ServerAssignment(config.serverRules(), this);
        attachServers();
    }

    /** Its {@code use-server}, {@code force-persist} and {@code ignore-persist} rules. */
    public ServerAssignment assignment() {
        return assignment;
    }

    /** Its servers tell this backend of freed slots and count their sessions here. */
    private void attachServers() {
        servers.forEach(s -> s.onSlotFreed(() -> serve(s)));
        servers.forEach(s -> s.backendSessionRate(sessionRate));
        servers.forEach(s -> s.onAdminChange((before, after, requeued) -> adminChanged(s, before, after, requeued)));
    }

    /** A server put in or out of maintenance or drain (runtime API, stats page, agent): HAProxy's lines. */
    private void adminChanged(ServerState server, ServerState.Admin before, ServerState.Admin after, int requeued) {
        if (after == ServerState.Admin.MAINT) {
            if (!server.health().up() && server.checksEnabled()) {
                notice("Server " + server.id() + " was DOWN and now enters maintenance.");
                return;
            }
            String m = "Server " + server.id() + " is going DOWN for maintenance. " + count(false) + " active and "
                    + count(true) + " backup servers left. " + server.currentSessions() + " sessions active, "
                    + requeued + " requeued, " + queued() + " remaining in queue.";
            // A draining server took no new traffic already: its going away is no alert.
            if (before == ServerState.Admin.DRAIN) {
                notice(m);
            } else {
                log.warn(m);
                message(LogTarget.ALERT, m);
            }
            noServerLeft();
            return;
        }
        if (before == ServerState.Admin.MAINT) {
            notice("Server " + server.id() + " is UP/READY (leaving forced maintenance).");
        }
        if (after == ServerState.Admin.DRAIN) {
            notice("Server " + server.id() + " enters drain state. " + count(false) + " active and " + count(true)
                    + " backup servers online. 0 sessions requeued, " + queued() + " total in queue.");
        } else if (before == ServerState.Admin.DRAIN) {
            notice("Server " + server.id() + " is UP (leaving forced drain).");
        }
    }

    /**
     * Moves {@code server} to {@code address} and {@code port} (DNS, an SRV record, the runtime API), with
     * HAProxy's line when the IP changes ({@code be/s changed its IP from A to B by dns/ns1.}, at level notice;
     * "(none)" for a server that had none). A server leaving resolution maintenance so is not announced here: see
     * {@link #resolvedAgain}.
     *
     * @return whether the IP changed
     */
    public boolean addressChanged(ServerState server, InetAddress address, int port, String updater) {
        InetAddress before = server.host();
        if (address.equals(before)) {
            if (port != server.port()) {
                server.readdress(address, port);
            }
            return false;
        }
        notice(name() + "/" + server.name() + " changed its IP from "
                + (before == null ? "(none)" : before.getHostAddress()) + " to " + address.getHostAddress() + " by "
                + updater + ".");
        server.readdress(address, port);
        return true;
    }

    /**
     * {@code server}, given an address again after its name stopped resolving, leaves resolution maintenance:
     * HAProxy's lines, at level notice. {@code dnsAnswer}: an A or AAAA answer of its own did it (HAProxy then also
     * says it is "administratively READY").
     */
    public void resolvedAgain(ServerState server, boolean dnsAnswer) {
        String named = "Server " + server.id() + " ('" + (server.hostname() == null ? "(null)" : server.hostname())
                + "')";
        if (server.admin() == ServerState.Admin.MAINT) {
            notice(named + " resolves again but remains in maintenance.");
        } else {
            boolean down = server.checksEnabled() && !server.health().up();
            notice(named + " is " + (down ? "DOWN" : "UP") + "/"
                    + (server.admin() == ServerState.Admin.DRAIN ? "DRAIN" : "READY") + " (resolves again).");
        }
        if (dnsAnswer) {
            notice("Server " + server.id() + " administratively READY thanks to valid DNS answer.");
        }
        serve(server);
    }

    /**
     * {@code server}'s name no longer gives it an address ({@code cause}: "DNS NX status", "No IP for server ",
     * "entry removed from SRV record", ...): it enters resolution maintenance, its queue goes to the others. HAProxy's
     * lines: an alert when it was serving, a notice when it was down, draining or in maintenance already.
     */
    public void resolutionLost(ServerState server, String cause) {
        if (!server.hasAddress()) {
            return;
        }
        boolean wasDown = server.checksEnabled() && !server.health().up();
        ServerState.Admin admin = server.admin();
        server.readdress(null, server.port());
        int requeued = server.queue().length();
        server.queue().redispatchAll();
        serve(server);
        if (admin == ServerState.Admin.MAINT) {
            return;
        }
        if (wasDown) {
            notice("Server " + server.id() + " was DOWN and now enters maintenance (" + cause + ").");
            return;
        }
        String m = "Server " + server.id() + " is going DOWN for maintenance (" + cause + "). " + count(false)
                + " active and " + count(true) + " backup servers left. " + server.currentSessions()
                + " sessions active, " + requeued + " requeued, " + queued() + " remaining in queue.";
        if (admin == ServerState.Admin.DRAIN) {
            notice(m);
        } else {
            log.warn(m);
            message(LogTarget.ALERT, m);
        }
        noServerLeft();
    }

    /** A message of the backend at level notice (to its log targets, and to the process log as a warning). */
    public void notice(String m) {
        log.warn(m);
        message(LogTarget.NOTICE, m);
    }

    private void noServerLeft() {
        if (servers.stream().noneMatch(ServerState::usable)) {
            String m = "backend " + name() + " has no server available!";
            log.error(m);
            message(LogTarget.EMERG, m);
        }
    }

    /**
     * Takes its servers back after a reload that built another backend over some of them and then failed: a
     * server holds one set of listeners, which the other backend's construction had taken.
     */
    void attach() {
        pool.attach();
        balancer.attach();
        attachServers();
    }

    /**
     * What a dispatch got: a server slot, or the full server the request is tied to (by a hash or a cookie) and
     * should wait for, or neither (every usable server is full: wait in the backend's queue; or none is usable).
     */
    public record Take(ServerState taken, ServerState busy) {
        static final Take NOTHING = new Take(null, null);
    }

    /**
     * Picks a server and takes one of its {@code maxconn} slots.
     *
     * @param request the request head in mode http (hashed by some algorithms), null in mode tcp
     */
    public Take take(ServerState avoid, SocketAddress client, HttpRequest request) {
        // Pick and take under the balancer's lock, as HAProxy holds its lbprm lock: two event loops picking at
        // once would otherwise both see leastconn's least loaded server before either took a slot on it.
        synchronized (balancer) {
            ServerState s = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                s = balancer.pick(avoid, client, request);
                if (s == null) {
                    return Take.NOTHING;
                }
                if (s.tryTake()) {
                    s.loadBalanced();
                    return new Take(s, null);
                }
                // Full: a hashing balancer ties the request to it; for the others maxconn was lowered at run time
                // between the pick and the take: pick again.
            }
            return new Take(null, s);
        }
    }

    /** Takes a slot on the server a persistence cookie names. */
    public Take takeOn(ServerState s) {
        synchronized (balancer) {
            return s.tryTake() ? new Take(s, null) : new Take(null, s);
        }
    }

    /** Some server can take connections, even if all are full right now: waiting is worth it. */
    public boolean hasUsableServer() {
        return servers.stream().anyMatch(ServerState::usable);
    }

    /**
     * Queues {@code waiter} until a slot frees: on {@code server}'s own queue when the request is tied to it, else on
     * the backend's. It may be handed a slot before this returns.
     */
    public void enqueue(ServerState server, Waiter waiter) {
        (server == null ? queue : server.queue()).add(waiter);
        // A slot may have freed between the failed take and the add: nobody would hand it over.
        if (server != null) {
            serve(server);
        } else {
            for (ServerState s : servers) {
                if (!waiter.waiting()) {
                    break;
                }
                serve(s);
            }
        }
    }

    /** A waiting connection gave up; false when it had been handed a slot already (it then owns it). */
    public boolean dequeue(ServerState server, Waiter waiter) {
        return (server == null ? queue : server.queue()).cancel(waiter);
    }

    /**
     * As HAProxy's process_srv_queue: while {@code server} has a free slot and somebody waits for it (in its own
     * queue first, then in the backend's if it may serve that), the slot is taken and handed to the oldest waiter.
     * HAProxy takes the older of the two queues' heads; here a server's own waiters come first.
     */
    private void serve(ServerState server) {
        while (server.queue().length() > 0 || queue.length() > 0 && servesBackendQueue(server)) {
            if (!server.tryTake()) {
                return;
            }
            if (!server.queue().handNext(server) && !(servesBackendQueue(server) && queue.handNext(server))) {
                // The waiters left meanwhile; one may have come since, which the loop's test sees.
                server.untake();
            }
        }
        if (queue.length() > 0 && !servesBackendQueue(server)) {
            // Out of service (DOWN, maintenance, weight 0, or a backup while an active one is up): the servers that
            // may serve the backend's queue take its waiters, a backup taking over among them.
            for (ServerState other : servers) {
                if (other != server && servesBackendQueue(other)) {
                    serve(other);
                }
            }
        }
    }

    /** A backup server takes from the backend's queue only while no active server is usable, as in HAProxy. */
    private boolean servesBackendQueue(ServerState server) {
        return server.usable() && (!server.backup() || count(false) == 0);
    }

    /**
     * A reload replaced {@code old} by this backend: whoever waits in its queue waits here now, in the same order,
     * and is served by this backend's servers.
     */
    void adoptQueue(BackendState old) {
        old.queue.moveTo(queue);
        servers.forEach(this::serve);
    }

    /** The server of that name, or null. */
    public ServerState server(String name) {
        for (ServerState s : servers) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    public int queued() {
        return queue.length();
    }

    public int maxQueued() {
        return queue.max();
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

    /** Sessions its servers took since the start ({@code stot}). */
    public long sessionsTotal() {
        return servers.stream().mapToLong(ServerState::totalSessions).sum();
    }

    /** Records a check result for {@code server}, logging and acting on a change of state as HAProxy does. */
    public void checked(ServerState server, CheckResult result) {
        String before = server.health().status();
        ServerHealth.Transition t = server.health().record(result);
        // option log-health-checks: every step of the health counter, the one that changes the state too (before
        // the state's own line, as HAProxy writes them).
        if (config.checks().logHealthChecks() && !before.equals(server.health().status())) {
            String m = "Health check for server " + server.id() + " " + (result.status().passed() ? "succeeded"
                    : "failed") + ", " + result.reason() + ", status: " + server.health().progress() + ".";
            log.info(m);
            message(LogTarget.NOTICE, m);
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
            int requeued = server.queue().length();
            // Those waiting for this server look for another one (HAProxy redistributes a DOWN server's queue),
            // and the backend's queue goes to those still serving.
            server.queue().redispatchAll();
            serve(server);
            String m = "Server " + server.id() + " is DOWN" + reason(why) + ". " + count(false) + " active and "
                    + count(true) + " backup servers left. " + active + " sessions active, " + requeued
                    + " requeued, " + queued() + " remaining in queue.";
            log.warn(m);
            message(LogTarget.ALERT, m);
            noServerLeft();
        } else if (t == ServerHealth.Transition.WENT_UP) {
            if (!server.backup() && "shutdown-backup-sessions".equals(server.config().check().onMarkedUp())) {
                servers.stream().filter(ServerState::backup).forEach(ServerState::shutdownSessions);
            }
            notice("Server " + server.id() + " is UP" + reason(why) + ". " + count(false) + " active and "
                    + count(true) + " backup servers online. 0 sessions requeued, " + queued() + " total in queue.");
            serve(server);
        }
    }

    /** With {@code option log-health-checks} the check's own line gave the reason: HAProxy leaves it out here. */
    private String reason(CheckResult why) {
        return config.checks().logHealthChecks() ? "" : ", " + why.reason();
    }

    /**
     * One of the backend's messages, to its {@code log} targets at HAProxy's level (the process's log has it
     * already).
     */
    void message(int level, String text) {
        if (messages != null) {
            messages.message(level, text);
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
