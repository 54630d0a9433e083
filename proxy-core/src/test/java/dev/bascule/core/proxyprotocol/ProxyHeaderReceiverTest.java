package dev.bascule.core.proxyprotocol;

import dev.bascule.config.model.SendProxy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection to an {@code accept-proxy} bind, as the receiver sees it: the header in one read or dribbled in byte by
 * byte, what comes after it handed on whole, and every way a connection can fail to begin with a header closing it
 * with HAProxy's reason.
 */
class ProxyHeaderReceiverTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 51234);
    private static final InetSocketAddress FRONT = new InetSocketAddress("198.51.100.1", 443);

    /** A connection with the receiver in front, the frontend's stand-in installed behind it once the header came. */
    private static final class Connection {
        final List<HeaderError> errors = new ArrayList<>();
        final StringBuilder after = new StringBuilder();
        boolean active;
        final EmbeddedChannel ch = new EmbeddedChannel();

        Connection() {
            ch.pipeline().addLast(new ProxyHeaderReceiver(5000, () -> ch.pipeline().addLast(
                    new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            active = true;
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf b = (ByteBuf) msg;
                            after.append(b.toString(StandardCharsets.US_ASCII));
                            b.release();
                        }
                    }), errors::add));
            ch.pipeline().fireChannelActive();
        }

        Connection send(byte[] bytes) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
            return this;
        }

        Connection send(String text) {
            return send(text.getBytes(StandardCharsets.US_ASCII));
        }

        /** Sends {@code bytes} one read per byte, as the slowest peer would. */
        Connection dribble(byte[] bytes) {
            for (byte b : bytes) {
                assertTrue(ch.isOpen(), "closed before the header was whole");
                send(new byte[] {b});
            }
            return this;
        }

        ProxyHeader header() {
            return ProxyHeader.of(ch);
        }
    }

    private static Connection refused(String sent, HeaderError expected) {
        Connection c = new Connection().send(sent);
        assertEquals(List.of(expected), c.errors);
        assertFalse(c.ch.isOpen());
        assertFalse(c.active, "no stream may begin");
        assertNull(c.header());
        return c;
    }

    private static byte[] v2(SendProxy settings, ProxyHeaderEncoder.Facts facts) {
        ByteBuf b = ProxyHeaderEncoder.encode(ByteBufAllocator.DEFAULT, settings, CLIENT, FRONT, facts);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    private static byte[] concat(byte[] a, String b) {
        byte[] tail = b.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[a.length + tail.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(tail, 0, out, a.length, tail.length);
        return out;
    }

    @Test
    void a_version_1_header_names_the_client_and_the_request_behind_it_is_handed_on() {
        Connection c = new Connection().send("PROXY TCP4 192.0.2.10 198.51.100.1 51234 443\r\nGET / HTTP/1.1\r\n");
        assertEquals(List.of(), c.errors);
        assertEquals(CLIENT, ProxyHeader.client(c.ch));
        assertEquals(FRONT, ProxyHeader.destination(c.ch));
        assertTrue(c.active);
        assertEquals("GET / HTTP/1.1\r\n", c.after.toString());
        assertNull(c.ch.pipeline().get(ProxyHeaderReceiver.class), "the receiver leaves once done");
        c.send("Host: a\r\n");
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\n", c.after.toString());
    }

    @Test
    void a_version_1_ipv6_header_byte_by_byte() {
        Connection c = new Connection()
                .dribble("PROXY TCP6 2001:db8::7 2001:db8::1 40000 80\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(c.active);
        assertEquals(new InetSocketAddress("2001:db8::7", 40000), ProxyHeader.client(c.ch));
        assertEquals(new InetSocketAddress("2001:db8::1", 80), ProxyHeader.destination(c.ch));
        assertEquals("", c.after.toString());
    }

    @Test
    void unknown_and_local_keep_the_socket_addresses() {
        Connection unknown = new Connection().send("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\nping");
        assertTrue(unknown.active);
        assertEquals(unknown.ch.remoteAddress(), ProxyHeader.client(unknown.ch));
        assertEquals("ping", unknown.after.toString());

        byte[] local = v2(new SendProxy(2, Set.of()), ProxyHeaderEncoder.Facts.NONE);
        local[12] = 0x20; // LOCAL: the proxy in front checking on its own behalf
        Connection check = new Connection().send(local);
        assertTrue(check.active);
        assertEquals(2, check.header().version());
        assertEquals(check.ch.remoteAddress(), ProxyHeader.client(check.ch));
        assertEquals(check.ch.localAddress(), ProxyHeader.destination(check.ch));
    }

    @Test
    void a_version_2_header_with_its_tlvs_in_three_reads() {
        byte[] header = v2(new SendProxy(2, Set.of("authority", "unique-id", "crc32c")),
                new ProxyHeaderEncoder.Facts(null, "www.example.com", "req-42"));
        byte[] all = concat(header, "hello");
        Connection c = new Connection();
        c.send(java.util.Arrays.copyOfRange(all, 0, 5));
        c.send(java.util.Arrays.copyOfRange(all, 5, 20));
        assertFalse(c.active);
        c.send(java.util.Arrays.copyOfRange(all, 20, all.length));
        assertTrue(c.active);
        assertEquals(CLIENT, ProxyHeader.client(c.ch));
        assertEquals(FRONT, ProxyHeader.destination(c.ch));
        assertEquals("www.example.com", c.header().authority());
        assertEquals("req-42", c.header().uniqueId());
        assertEquals("hello", c.after.toString());
    }

    @Test
    void a_version_2_header_dribbled_byte_by_byte() {
        Connection c = new Connection().dribble(v2(new SendProxy(2, Set.of("crc32c")), ProxyHeaderEncoder.Facts.NONE));
        assertTrue(c.active);
        assertEquals(CLIENT, ProxyHeader.client(c.ch));
    }

    @Test
    void bytes_that_are_no_header_are_refused_at_once() {
        refused("GET / HTTP/1.1\r\n", HeaderError.NOT_A_HEADER);
        refused("PROXX TCP4", HeaderError.NOT_A_HEADER);
        refused("\r\n\r\n\0\r\nQUIX", HeaderError.NOT_A_HEADER);
    }

    @Test
    void malformed_version_1_headers_are_invalid() {
        refused("PROXY TCP4 192.0.2 198.51.100.1 1 2\r\n", HeaderError.INVALID);
        refused("PROXY TCP4 192.0.2.10 198.51.100.1 99999 2\r\n", HeaderError.INVALID);
        refused("PROXY TCP4 2001:db8::1 198.51.100.1 1 2\r\n", HeaderError.INVALID);
        refused("PROXY TCP6 192.0.2.10 198.51.100.1 1 2\r\n", HeaderError.INVALID);
        refused("PROXY UDP4 192.0.2.10 198.51.100.1 1 2\r\n", HeaderError.INVALID);
        refused("PROXY TCP4 192.0.2.10  198.51.100.1 1 2\r\n", HeaderError.INVALID);
        refused("PROXY TCP4 192.0.2.10 198.51.100.1 1 2\n", HeaderError.INVALID);
        refused("PROXY TCP4 192.0.2.10 198.51.100.1 1 2\rX", HeaderError.INVALID);
        refused("PROXY TCP4 www.example.com 198.51.100.1 1 2\r\n", HeaderError.INVALID);
    }

    @Test
    void an_oversized_version_1_line_is_invalid_without_waiting_for_more() {
        refused("PROXY UNKNOWN " + "x".repeat(100), HeaderError.INVALID);
    }

    @Test
    void malformed_version_2_headers_are_invalid() {
        byte[] good = v2(new SendProxy(2, Set.of()), ProxyHeaderEncoder.Facts.NONE);
        byte[] version1 = good.clone();
        version1[12] = 0x11;
        refusedV2(version1);
        byte[] command = good.clone();
        command[12] = 0x22;
        refusedV2(command);
        byte[] shortAddresses = good.clone();
        shortAddresses[15] = 8; // a TCP4 header too short for its addresses
        refusedV2(java.util.Arrays.copyOf(shortAddresses, 16 + 8));
        byte[] crc = v2(new SendProxy(2, Set.of("crc32c")), ProxyHeaderEncoder.Facts.NONE);
        crc[crc.length - 1] ^= 1;
        refusedV2(crc);
        byte[] overflowing = v2(new SendProxy(2, Set.of("authority")),
                new ProxyHeaderEncoder.Facts(null, "example.org", null));
        overflowing[16 + 12 + 2] = 0x7F; // the TLV's length runs past the header's
        refusedV2(overflowing);
    }

    private static void refusedV2(byte[] header) {
        Connection c = new Connection().send(header);
        assertEquals(List.of(HeaderError.INVALID), c.errors);
        assertFalse(c.ch.isOpen());
    }

    @Test
    void an_oversized_version_2_header_is_refused_from_its_length() {
        byte[] fixed = java.util.Arrays.copyOf(v2(new SendProxy(2, Set.of()), ProxyHeaderEncoder.Facts.NONE), 16);
        fixed[14] = (byte) 0xFF;
        fixed[15] = (byte) 0xF0; // 65520 bytes announced: more than a buffer holds
        Connection c = new Connection().send(fixed);
        assertEquals(List.of(HeaderError.INVALID), c.errors);
    }

    @Test
    void a_header_cut_short_by_the_close_is_truncated_and_silence_then_close_is_a_closed_connection() {
        Connection cut = new Connection().send("PROXY TCP4 192.0.2.10 19");
        assertTrue(cut.ch.isOpen());
        cut.ch.pipeline().fireChannelInactive();
        assertEquals(List.of(HeaderError.TRUNCATED), cut.errors);

        Connection silent = new Connection();
        silent.ch.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertEquals(List.of(HeaderError.CLOSED), silent.errors);
        assertFalse(silent.ch.isOpen());
    }

    @Test
    void a_header_that_does_not_come_in_time_times_out() {
        Connection c = new Connection().send("PROXY TCP4 ");
        c.ch.advanceTimeBy(4, TimeUnit.SECONDS);
        c.ch.runScheduledPendingTasks();
        assertTrue(c.ch.isOpen());
        c.ch.advanceTimeBy(2, TimeUnit.SECONDS);
        c.ch.runScheduledPendingTasks();
        assertEquals(List.of(HeaderError.TIMEOUT), c.errors);
        assertFalse(c.ch.isOpen());
    }
}
