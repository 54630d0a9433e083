package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Balance;
import dev.bascule.config.model.CheckSettings;
import dev.bascule.config.model.HttpSettings;
import dev.bascule.config.model.LogSettings;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.StatsSettings;
import dev.bascule.config.model.Timeouts;
import dev.bascule.core.balance.RoundRobin;
import dev.bascule.core.balance.ServerPool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slots handed over at dequeue time: in order, never to a waiter that left, never stranded beside a free slot. */
class WaitQueueTest {
    private static ServerState server(String name, int maxconn) {
        return server(name, maxconn, false);
    }

    private static ServerState server(String name, int maxconn, boolean backup) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new ServerState("b", new Server(name, new Source("t.cfg", 1), Address.inet("127.0.0.1", 80), 1, 1,
                maxconn, 0, backup, false, null, ServerCheck.NONE, List.of()), lo, new InetSocketAddress(lo, 80),
                NioSocketChannel.class);
    }

    private static BackendState backend(ServerState... servers) {
        Backend config = new Backend("b", new Source("t.cfg", 1), 1, false, Mode.TCP, Balance.ROUNDROBIN, List.of(),
                Timeouts.NONE, 3, 0, null, Backend.DEFAULT_RETRY_ON, CheckSettings.DEFAULT, HttpSettings.NONE,
                StatsSettings.NONE, dev.bascule.config.model.LoadServerState.NONE, "b", LogSettings.NONE,
                dev.bascule.config.model.ServerRules.NONE, List.of(), List.of());
        ServerPool pool = new ServerPool(List.of(servers));
        return new BackendState(config, pool, new RoundRobin(pool, false), new Timings(new SimpleMeterRegistry(), "b"),
                null);
    }

    /** A waiter that notes what it was handed. */
    private static final class Recorder {
        final List<ServerState> got = new ArrayList<>();
        final Waiter waiter = new Waiter((w, s) -> got.add(s));
    }

    @Test
    void a_freed_slot_goes_to_the_oldest_waiter_already_taken_for_it() {
        ServerState s = server("s", 1);
        BackendState b = backend(s);
        assertSame(s, b.take(null, null, null).taken());
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        b.enqueue(null, first.waiter);
        b.enqueue(null, second.waiter);
        assertEquals(2, b.queued());
        s.release();
        assertEquals(List.of(s), first.got);
        assertEquals(1, s.served(), "the slot passed to the waiter without being free in between");
        assertNull(b.take(null, null, null).taken(), "a newcomer cannot take the slot handed over");
        assertEquals(List.of(), second.got);
        assertEquals(1, b.queued());
    }

    @Test
    void a_waiter_that_left_is_skipped_and_the_next_one_gets_the_slot() {
        ServerState s = server("s", 1);
        BackendState b = backend(s);
        b.take(null, null, null);
        Recorder gone = new Recorder();
        Recorder next = new Recorder();
        b.enqueue(null, gone.waiter);
        b.enqueue(null, next.waiter);
        assertTrue(b.dequeue(null, gone.waiter));
        s.release();
        assertEquals(List.of(), gone.got);
        assertEquals(List.of(s), next.got);
    }

    @Test
    void a_waiter_handed_a_slot_cannot_be_cancelled_and_keeps_it() {
        ServerState s = server("s", 1);
        BackendState b = backend(s);
        b.take(null, null, null);
        Recorder r = new Recorder();
        b.enqueue(s, r.waiter);
        s.release();
        assertFalse(b.dequeue(s, r.waiter), "too late: the slot is the waiter's, to use or give back");
        assertEquals(1, s.served());
    }

    @Test
    void a_slot_free_when_the_waiter_queues_is_handed_at_once() {
        ServerState s = server("s", 1);
        BackendState b = backend(s);
        Recorder r = new Recorder();
        b.enqueue(null, r.waiter);
        assertEquals(List.of(s), r.got);
        assertEquals(0, b.queued());
    }

    @Test
    void maintenance_sends_a_servers_own_waiters_back_to_the_balancer() {
        ServerState s = server("s", 1);
        BackendState b = backend(s);
        b.take(null, null, null);
        Recorder r = new Recorder();
        b.enqueue(s, r.waiter);
        s.admin(ServerState.Admin.MAINT);
        assertEquals(1, r.got.size());
        assertNull(r.got.get(0), "asked to pick again");
    }

    @Test
    void when_the_active_server_leaves_service_a_backup_takes_the_backend_queue() {
        ServerState active = server("a", 1);
        ServerState backup = server("bk", 0, true);
        BackendState b = backend(active, backup);
        assertSame(active, b.take(null, null, null).taken());
        Recorder r = new Recorder();
        b.enqueue(null, r.waiter);
        assertEquals(List.of(), r.got, "the backup serves no queue while the active server is up");
        active.admin(ServerState.Admin.MAINT);
        assertEquals(List.of(backup), r.got);
    }

    /**
     * Many threads take, queue, give up and release at once. A waiter handed a slot uses it briefly and releases
     * it, or (when it has "gone away") releases it at once. At the end nobody may wait beside a free slot.
     */
    @Test
    void under_concurrent_releases_and_cancellations_no_waiter_is_stranded() throws Exception {
        ServerState s1 = server("s1", 2);
        ServerState s2 = server("s2", 1);
        BackendState b = backend(s1, s2);
        int threads = 4;
        int perThread = 3000;
        AtomicInteger served = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < perThread; i++) {
                        boolean leaves = rnd.nextInt(4) == 0;
                        ServerState got = b.take(null, null, null).taken();
                        if (got != null) {
                            served.incrementAndGet();
                            got.release();
                            continue;
                        }
                        CountDownLatch handed = new CountDownLatch(1);
                        Waiter w = new Waiter((me, s) -> {
                            served.incrementAndGet();
                            s.release();
                            handed.countDown();
                        });
                        b.enqueue(null, w);
                        if (leaves && b.dequeue(null, w)) {
                            cancelled.incrementAndGet();
                            continue;
                        }
                        if (!handed.await(5, TimeUnit.SECONDS)) {
                            throw new AssertionError("a waiter was stranded: " + s1.served() + "+" + s2.served()
                                    + " slots used of 3, " + b.queued() + " waiting");
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    done.countDown();
                }
            });
            th.start();
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        assertTrue(errors.isEmpty(), errors.toString());
        assertEquals(threads * perThread, served.get() + cancelled.get());
        assertEquals(0, s1.served() + s2.served(), "every slot came back");
        assertEquals(0, b.queued());
    }
}
