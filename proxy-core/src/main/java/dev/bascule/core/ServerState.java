package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Server;
import dev.bascule.core.check.HealthChecker;
import dev.bascule.core.check.ServerHealth;
import dev.bascule.core.tls.TlsOrigin;
import io.netty.channel.Channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A server's live side next to its immutable config: where to connect, its health, its administrative state,
 * its open sessions and counters.
 */
public final class ServerState {
    private final HttpCounters http = new HttpCounters();
    /** Aborts by side, invalid responses, internal errors, connection attempts and reuses. */
    private final ProxyCounters counters = new ProxyCounters();
    /** qtime, ctime, rtime, ttime and their maxima over this server's transactions. */
    private final PhaseTimes phaseTimes = new PhaseTimes();
    /** Idle connections to it, in every loop's pool: those that served one request (unsafe) and more (safe). */
    private final AtomicInteger idleUnsafe = new AtomicInteger();
    private final AtomicInteger idleSafe = new AtomicInteger();
    /** The second (of the monotonic clock) its last session started in; MIN_VALUE before the first. */
    private volatile long lastSessionSecond = Long.MIN_VALUE;

    public ProxyCounters counters() {
        return counters;
    }

    public PhaseTimes phaseTimes() {
        return phaseTimes;
    }

    /**
     * An idle connection entered ({@code +1}) or left ({@code -1}) a pool (any loop's: hence atomics);
     * {@code safe}: it served several requests.
     */
    public void idleChanged(boolean safe, int delta) {
        (safe ? idleSafe : idleUnsafe).addAndGet(delta);
    }

    /** Idle connections to this server that carried one request (HAProxy's curr_idle_nb, "unsafe"). */
    public int idleUnsafe() {
        return idleUnsafe.get();
    }

    /** Idle connections that carried more than one (curr_safe_nb). */
    public int idleSafe() {
        return idleSafe.get();
    }

    /** Seconds since its last session started ({@code lastsess}), -1 if none has. */
    public long secondsSinceLastSession() {
        long last = lastSessionSecond;
        return last == Long.MIN_VALUE ? -1 : System.nanoTime() / 1_000_000_000L - last;
    }

    /** HTTP requests and responses through this proxy or server (mode http only). */
    public HttpCounters http() {
        return http;
    }

    /** HAProxy's administrative states: READY takes traffic, DRAIN only persistent traffic, MAINT none. */
    public enum Admin { READY, DRAIN, MAINT }

    private final String backendName;
    private final Server config;
    /**
     * The address a TCP server is reached at: the startup's, then what DNS or {@code set server addr} gave. Null
     * for a name not resolved (yet, or any more): HAProxy's resolution maintenance (RMAINT), in which it takes no
     * traffic.
     */
    private volatile InetAddress host;
    /** Its port; {@link Server#SAME_PORT} for the client's. An SRV record or {@code set server addr} changes it. */
    private volatile int port;
    /** Where to connect, from {@link #host} and {@link #port}; null without address or for the client's port. */
    private volatile SocketAddress fixed;
    /** The name the resolvers follow: the configured one, or what an SRV record gave (null until one does). */
    private volatile String hostname;
    private final Class<? extends Channel> connector;
    private TlsOrigin tls;
    private final ServerHealth health;
    private volatile HealthChecker checker;
    private volatile Runnable onChange = () -> {
    };
    private volatile AdminChange onAdminChange = (before, after, requeued) -> {
    };
    private volatile Admin admin;
    /** Weight set at run time (agent percentages); starts at the configured one. */
    private volatile int weight;
    private volatile int maxconn;
    private volatile boolean checksEnabled = true;
    private final Set<Channel> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger consecutiveErrors = new AtomicInteger();
    /** Connections assigned to this server (connecting or connected), counted against {@code maxconn}. */
    private final AtomicInteger served = new AtomicInteger();
    private final WaitQueue queue = new WaitQueue();
    private volatile Runnable onSlotFreed = () -> {
    };
    private volatile Runnable onLoadChange = () -> {
    };
    private final AtomicInteger currentSessions = new AtomicInteger();
    private final AtomicInteger maxSessions = new AtomicInteger();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final AtomicLong totalSessions = new AtomicLong();
    private final AtomicLong connectionErrors = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong redispatches = new AtomicLong();
    /** Sessions the balancer gave it (HAProxy's cum_lbconn: not those from a queue nor by persistence). */
    private final LongAdder loadBalanced = new LongAdder();
    private final RateCounter sessionRate = new RateCounter();
    /** The backend's session rate, which this server's sessions add to (its own until a backend adopts it). */
    private volatile RateCounter backendSessionRate = new RateCounter();

    /**
     * @param host  the resolved host of a TCP server, else null
     * @param fixed where to connect, or null for a TCP server without port or address (it takes the client's)
     * @param connector the channel type that connects to it
     */
    public ServerState(String backendName, Server config, InetAddress host, SocketAddress fixed,
                       Class<? extends Channel> connector) {
        this.backendName = backendName;
        this.config = config;
        this.host = host;
        this.port = config.address().port();
        this.fixed = fixed;
        this.hostname = dev.bascule.config.model.ServerDns.isSrvLabel(config.address().host()) ? null
                : config.address().hostname();
        this.connector = connector;
        this.health = new ServerHealth(config.check());
        this.admin = config.disabled() ? Admin.MAINT : Admin.READY;
        this.weight = config.weight();
        this.maxconn = config.maxconn();
    }

    /**
     * A server whose config line changed in a reload takes over what the operator set at run time on the one it
     * replaces (maintenance or drain, disabled checks, a weight set at run time while the configured one stayed),
     * as HAProxy keeps them through its server-state file.
     */
    void carryOver(ServerState previous) {
        Admin configured = previous.config.disabled() ? Admin.MAINT : Admin.READY;
        if (previous.admin != configured) {
            admin = previous.admin;
        }
        checksEnabled = previous.checksEnabled;
        // What the resolvers found goes on while the server follows the same name with them.
        if (config.dns().resolvers() != null && previous.config.dns().resolvers() != null
                && config.address().host().equals(previous.config.address().host())) {
            hostname = previous.hostname;
            // The port an SRV record gave goes on too, unless the line now gives another.
            readdress(previous.host, config.address().port() == previous.config.address().port() ? previous.port
                    : config.address().port());
        }
        if (previous.weight != previous.config.weight() && config.weight() == previous.config.weight()) {
            weight = previous.weight;
        }
    }

    public ServerHealth health() {
        return health;
    }

    /** The active checker, or null when the server is not checked. */
    public HealthChecker checker() {
        return checker;
    }

    public void checker(HealthChecker c) {
        checker = c;
    }

    public Admin admin() {
        return admin;
    }

    public void admin(Admin state) {
        Admin before = admin;
        admin = state;
        onChange.run();
        int requeued = 0;
        if (state == Admin.MAINT) {
            // Those waiting for this server look for another one.
            requeued = queue.length();
            queue.redispatchAll();
        }
        // Back in service, its slots serve the queues; out of it, the servers that take over do.
        onSlotFreed.run();
        if (before != state) {
            onAdminChange.changed(before, state, requeued);
        }
    }

    /** Told of a change of administrative state (the backend logs it in HAProxy's words). */
    public interface AdminChange {
        /** @param requeued how many of the server's queue went to look for another server */
        void changed(Admin before, Admin after, int requeued);
    }

    public void onAdminChange(AdminChange listener) {
        onAdminChange = listener;
    }

    /** Tells the balancer's pool when this server's usability or weight changes. */
    public void onChange(Runnable listener) {
        onChange = listener;
        health.onTransition(listener);
    }

    public boolean backup() {
        return config.backup();
    }

    /** The server's {@code maxconn} (0: no limit), as configured or set at run time. */
    public int maxconn() {
        return maxconn;
    }

    /** {@code set maxconn server}: a new limit, applied to the next connections. */
    public void maxconn(int max) {
        maxconn = Math.max(0, max);
        onSlotFreed.run();
    }

    /** Below its {@code maxconn}, so it can take one more connection now. */
    public boolean hasSlot() {
        int max = maxconn;
        return max == 0 || served.get() < max;
    }

    /** Takes a {@code maxconn} slot; false when the server is full. */
    public boolean tryTake() {
        int max = maxconn;
        while (true) {
            int n = served.get();
            if (max > 0 && n >= max) {
                return false;
            }
            if (served.compareAndSet(n, n + 1)) {
                onLoadChange.run();
                return true;
            }
        }
    }

    /** Gives a slot back; a connection waiting in the queue may take it. */
    public void release() {
        untake();
        onSlotFreed.run();
    }

    /** Gives back a slot taken for a waiter that turned out not to be there (the queues are not served again). */
    void untake() {
        served.decrementAndGet();
        onLoadChange.run();
    }

    /** Who to tell when the number of connections served changes (leastconn keeps its order with it). */
    public void onLoadChange(Runnable listener) {
        onLoadChange = listener;
    }

    public int served() {
        return served.get();
    }

    /** Where the backend counts its sessions per second. */
    public void backendSessionRate(RateCounter rate) {
        backendSessionRate = rate;
    }

    /** Who to tell when a slot frees, or more slots open (the queues). */
    public void onSlotFreed(Runnable listener) {
        onSlotFreed = listener;
    }

    /** The connections tied to this server (by a cookie or a hash) waiting for one of its slots. */
    public WaitQueue queue() {
        return queue;
    }

    /** Room in its own queue: below {@code maxqueue}, or no limit. */
    public boolean queueHasRoom() {
        int max = config.maxqueue();
        return max == 0 || queue.length() < max;
    }

    /**
     * Can serve a client a persistence cookie sends to it: not DOWN and not in maintenance. Unlike
     * {@link #usable()}, DRAIN and a weight of 0 do not stop persistent clients, as in HAProxy.
     */
    public boolean acceptsPersistent() {
        return admin != Admin.MAINT && hasAddress() && (health.up() || !checksEnabled);
    }

    /** Can take new connections: UP (or its checks disabled), READY, with an address and a weight. */
    public boolean usable() {
        return admin == Admin.READY && hasAddress() && (health.up() || !checksEnabled) && weight() > 0;
    }

    /**
     * Whether it has somewhere to connect: false for a TCP server whose name does not resolve, which is then in
     * resolution maintenance (HAProxy's RMAINT, "MAINT (resolution)" in the stats).
     */
    public boolean hasAddress() {
        return host != null || config.address().family() != Address.Family.INET;
    }

    /** The IP address it is reached at, null without one (or for a Unix socket server). */
    public InetAddress host() {
        return host;
    }

    /** Its port, {@link Server#SAME_PORT} when it takes the client's. */
    public int port() {
        return port;
    }

    /** The name DNS resolves for it, or null (an IP address, or an SRV template slot not filled yet). */
    public String hostname() {
        return hostname;
    }

    /** An SRV record gave (or took back: null) the name this server follows. */
    public void hostname(String name) {
        hostname = name;
    }

    /**
     * Moves the server to {@code address} and {@code newPort} (null: no address, in resolution maintenance), as DNS
     * and {@code set server addr} do. New connections go there; the balancer learns of a change of usability. The
     * backend logs it ({@link BackendState#addressChanged}).
     */
    public void readdress(InetAddress address, int newPort) {
        boolean before = hasAddress();
        host = address;
        port = newPort;
        fixed = address == null || address.isAnyLocalAddress() || newPort == Server.SAME_PORT ? null
                : new InetSocketAddress(address, newPort);
        if (before != hasAddress()) {
            onChange.run();
            onSlotFreed.run();
        }
    }

    /**
     * Where a check of this server's own address connects on {@code checkPort} (its port when SAME_PORT); null
     * while it has no address.
     */
    public SocketAddress checkAddress(int checkPort, SocketAddress unixTarget) {
        if (config.address().family() != Address.Family.INET) {
            return unixTarget;
        }
        InetAddress h = host;
        int p = checkPort == Server.SAME_PORT ? port : checkPort;
        return h == null || p == Server.SAME_PORT ? null : new InetSocketAddress(h, p);
    }

    /** Whether a connection to {@code remote} still reaches this server (an idle one opened before a readdress). */
    public boolean reaches(SocketAddress remote) {
        return !(remote instanceof InetSocketAddress inet) || inet.getAddress().equals(host)
                && (port == Server.SAME_PORT || inet.getPort() == port);
    }

    /** {@code disable health}: checks stop and their last result is ignored; {@code enable health} resumes. */
    public void checksEnabled(boolean enabled) {
        checksEnabled = enabled;
        onChange.run();
        onSlotFreed.run();
    }

    public boolean checksEnabled() {
        return checksEnabled;
    }

    /** Sets the run-time weight (0 to 256), as an agent or the runtime API does. */
    public void weight(int w) {
        weight = Math.max(0, Math.min(256, w));
        onChange.run();
        onSlotFreed.run();
    }

    /** Its TLS ({@code ssl}, {@code check-ssl}), or null: set once by the generation that built it. */
    public TlsOrigin tls() {
        return tls;
    }

    void tls(TlsOrigin t) {
        tls = t;
    }

    public Class<? extends Channel> connector() {
        return connector;
    }

    public Server config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** {@code backend/server}, as HAProxy names a server in its logs. */
    public String id() {
        return backendName + "/" + config.name();
    }

    /**
     * The weight the balancer uses: the run-time weight, ramped up over {@code slowstart} after the server
     * came back UP (never below 1, as in HAProxy, so it does get its first connections).
     */
    public int weight() {
        int w = weight;
        long slowstart = config.check().slowstartMs();
        long wentUp = health.wentUpNanos();
        if (slowstart > 0 && w > 0 && wentUp != Long.MIN_VALUE) {
            long sinceUp = (System.nanoTime() - wentUp) / 1_000_000;
            if (sinceUp < slowstart) {
                return (int) Math.max(1, (long) w * sinceUp / slowstart);
            }
        }
        return w;
    }

    /**
     * Where to connect for a client that reached {@code clientLocal}; null when the server takes the client's
     * port or address but the client did not come over TCP. A server without address ({@code server s1 :},
     * 0.0.0.0) connects to the address the client reached, as HAProxy's {@code assign_server_address} does.
     */
    public SocketAddress socketAddress(SocketAddress clientLocal) {
        SocketAddress f = fixed;
        if (f != null) {
            return f;
        }
        InetAddress h = host;
        if (h == null || !(clientLocal instanceof InetSocketAddress local)) {
            return null;
        }
        int p = port;
        return new InetSocketAddress(h.isAnyLocalAddress() ? local.getAddress() : h,
                p == Server.SAME_PORT ? local.getPort() : p);
    }

    public Address address() {
        return config.address();
    }

    /** A session to this server began: a TCP connection, or one HTTP transaction. */
    public void sessionStarted() {
        int n = currentSessions.incrementAndGet();
        if (n > maxSessions.get()) {
            maxSessions.accumulateAndGet(n, Math::max);
        }
        totalSessions.incrementAndGet();
        // Written once a second at most: a write per request would bounce the line between event loops.
        long second = System.nanoTime() / 1_000_000_000L;
        if (lastSessionSecond != second) {
            lastSessionSecond = second;
        }
        sessionRate.record();
        backendSessionRate.record();
        // Read before writing: a write per request would bounce the line between event loops.
        if (consecutiveErrors.get() != 0) {
            consecutiveErrors.set(0);
        }
    }

    public void sessionEnded() {
        currentSessions.decrementAndGet();
    }

    /**
     * A connection that {@link #shutdownSessions()} closes, until it closes by itself: the client's in TCP mode,
     * the server connection's in HTTP mode (registered once per connection, not per request).
     */
    public void track(Channel connection) {
        sessions.add(connection);
        connection.closeFuture().addListener(f -> sessions.remove(connection));
    }

    /** {@code on-marked-down shutdown-sessions} and friends: ends every session on this server. */
    public int shutdownSessions() {
        int n = 0;
        for (Channel c : sessions) {
            c.close();
            n++;
        }
        return n;
    }

    /** @return the number of connection errors in a row, for {@code observe layer4} */
    public int connectionFailed() {
        connectionErrors.incrementAndGet();
        return consecutiveErrors.incrementAndGet();
    }

    public void resetObservedErrors() {
        consecutiveErrors.set(0);
    }

    /** The balancer chose it for a new session ({@code lbtot}). */
    void loadBalanced() {
        loadBalanced.increment();
    }

    public long loadBalancedTotal() {
        return loadBalanced.sum();
    }

    public void retried() {
        retries.incrementAndGet();
    }

    public void redispatched() {
        redispatches.incrementAndGet();
    }

    public int currentSessions() {
        return currentSessions.get();
    }

    public int maxSessions() {
        return maxSessions.get();
    }

    public RateCounter sessionRate() {
        return sessionRate;
    }

    /** Bytes from clients to this server. */
    public void bytesIn(long n) {
        bytesIn.add(n);
    }

    /** Bytes from this server to clients. */
    public void bytesOut(long n) {
        bytesOut.add(n);
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long totalSessions() {
        return totalSessions.get();
    }

    public long connectionErrors() {
        return connectionErrors.get();
    }

    public long retries() {
        return retries.get();
    }

    public long redispatches() {
        return redispatches.get();
    }
}
