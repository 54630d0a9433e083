package dev.bascule.core;

import dev.bascule.core.stream.Loopback;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TransportTest {
    private static final String DEFAULTS = """
            defaults
                timeout client 1s
                timeout server 1s
                timeout connect 1s
            """;

    @Test
    void nothing_asked_for_gets_io_uring_where_it_works() {
        Transport.Choice c = Transport.select(null, null);
        Transport.Poller expected = IoUring.isAvailable() ? Transport.Poller.IO_URING
                : Epoll.isAvailable() ? Transport.Poller.EPOLL : Transport.Poller.NIO;
        assertEquals(expected, c.transport().poller());
        assertNull(c.fallback());
    }

    @Test
    void nothing_asked_for_in_a_process_io_uring_cannot_serve_is_epoll_without_a_word() {
        assumeTrue(Epoll.isAvailable(), "epoll is not usable here");
        Transport.Choice c = Transport.select(null, "it took listening sockets over from the old process");
        assertEquals(Transport.Poller.EPOLL, c.transport().poller());
        assertNull(c.fallback());
    }

    @Test
    void nio_asked_for_is_nio() {
        Transport.Choice c = Transport.select(Transport.Poller.NIO, null);
        assertEquals("nio", c.transport().name());
        assertNull(c.fallback());
    }

    @Test
    void a_process_io_uring_cannot_serve_runs_on_epoll_and_says_why() {
        assumeTrue(Epoll.isAvailable(), "epoll is not usable here");
        Transport.Choice c = Transport.select(Transport.Poller.IO_URING, "a reason");
        assertEquals(Transport.Poller.EPOLL, c.transport().poller());
        assertTrue(c.fallback().startsWith("io_uring "), c.fallback());
        assertTrue(c.fallback().endsWith(IoUring.isAvailable() ? "cannot serve this process: a reason"
                : IoUring.unavailabilityCause().getMessage()), c.fallback());
        // epoll asked for is epoll, whatever io_uring could do.
        assertEquals(Transport.Poller.EPOLL, Transport.select(Transport.Poller.EPOLL, null).transport().poller());
    }

    @Test
    void tcp_listeners_and_servers_suit_io_uring() {
        assertNull(Transport.uringCannot(Loopback.parse(DEFAULTS + """
                frontend f
                    bind 127.0.0.1:8080
                    default_backend b
                backend b
                    server s1 127.0.0.1:8081
                    server s2 unix@/run/app.sock
                """), false));
    }

    @Test
    void what_io_uring_cannot_serve_is_named() {
        assertEquals("it took listening sockets over from the old process, which io_uring cannot adopt",
                Transport.uringCannot(Loopback.parse(DEFAULTS + "frontend f\n    bind 127.0.0.1:8080\n"), true));
        assertEquals("'bind unix@/tmp/f.sock' in frontend 'f' is not a TCP address",
                Transport.uringCannot(Loopback.parse(DEFAULTS + "frontend f\n    bind unix@/tmp/f.sock\n"), false));
        assertEquals("'server b/s' is an abstract socket", Transport.uringCannot(Loopback.parse(DEFAULTS
                + "backend b\n    server s abns@app\n"), false));
        assertEquals("'log /dev/log' is a Unix datagram socket", Transport.uringCannot(Loopback.parse(
                "global\n    log /dev/log local0\n" + DEFAULTS + "frontend f\n    bind 127.0.0.1:8080\n"), false));
        assertNull(Transport.uringCannot(Loopback.parse(DEFAULTS + "frontend f\n    bind 127.0.0.1:8080\n"
                + "    log 127.0.0.1:514 local0\n"), false), "UDP logs suit io_uring");
    }
}
