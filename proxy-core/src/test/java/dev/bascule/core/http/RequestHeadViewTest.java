package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sample layer reads a request head from its bytes: nothing it reads turns the head into header objects. */
class RequestHeadViewTest {
    private static RequestHead head(String text) {
        ByteBuf in = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        RequestHead h = RequestHead.parse(in, HttpProxy.BUFSIZE);
        in.release();
        return h;
    }

    @Test
    void reading_headers_leaves_the_head_as_it_came() {
        String text = "POST /a?b=1 HTTP/1.0\r\nHost: x\r\nX-A: 1\r\nx-a: 2, 3\r\nX-Folded: one\r\n two\r\n\r\n";
        RequestHead h = head(text);
        try {
            assertEquals("POST", h.methodName());
            assertEquals("1.0", h.versionNumber());
            assertEquals(List.of("1", "2, 3"), h.headerLines("X-A"));
            assertEquals(List.of("one   two"), h.headerLines("x-folded"), "a folded line is read joined, as HAProxy");
            assertEquals(List.of(), h.headerLines("none"));
            assertEquals(List.of("Host", "X-A", "x-a", "X-Folded"), h.headerNames());
            assertFalse(h.edited(), "reading through the view edits nothing");
            h.headers().set("X-A", "9");
            assertTrue(h.edited());
            assertEquals(List.of("9"), h.headerLines("x-a"), "once edited, the header objects are read");
        } finally {
            h.release();
        }
    }

    @Test
    void a_head_read_by_the_view_goes_out_in_its_own_bytes() {
        String text = "GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\n\r\n";
        RequestHead h = head(text);
        try {
            h.headerLines("cookie");
            ByteBuf out = h.toServer(ByteBufAllocator.DEFAULT, null, null, null, null, false);
            try {
                assertEquals(text, out.toString(StandardCharsets.ISO_8859_1));
            } finally {
                out.release();
            }
        } finally {
            h.release();
        }
    }

    @Test
    void a_header_a_rule_adds_goes_out_after_the_clients_lines_which_stay_as_they_came() {
        RequestHead h = head("GET /x HTTP/1.1\r\nhost: x\r\nX-A: 1\r\n\r\n");
        try {
            h.setLine("X-Route", "first");
            h.setLine("x-route", "x");
            h.addLine("X-Via", "bascule");
            assertFalse(h.edited(), "headers the head lacks are only added");
            assertEquals(List.of("x"), h.headerLines("X-ROUTE"), "the second set replaced the first");
            assertEquals(List.of("host", "X-A", "x-route", "X-Via"), h.headerNames());
            ByteBuf out = h.toServer(ByteBufAllocator.DEFAULT,
                    new dev.bascule.config.model.HttpSettings.AddressHeader("X-Forwarded-For", null, false),
                    new java.net.InetSocketAddress("10.0.0.1", 1), null, null, false);
            try {
                assertEquals("GET /x HTTP/1.1\r\nhost: x\r\nX-A: 1\r\nx-route: x\r\nX-Via: bascule\r\n"
                        + "X-Forwarded-For: 10.0.0.1\r\n\r\n", out.toString(StandardCharsets.ISO_8859_1));
            } finally {
                out.release();
            }
        } finally {
            h.release();
        }
    }

    @Test
    void setting_a_header_the_client_sent_or_one_of_the_framing_edits_the_header_objects() {
        RequestHead h = head("GET /x HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n");
        try {
            h.addLine("X-B", "2");
            h.setLine("x-a", "9");
            assertTrue(h.edited());
            assertEquals(List.of("9"), h.headerLines("X-A"));
            assertEquals(List.of("2"), h.headerLines("X-B"), "the added line moved into the header objects");
        } finally {
            h.release();
        }
        RequestHead c = head("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        try {
            c.addLine("Content-Length", "0");
            assertTrue(c.edited(), "the proxy reconciles framing headers in the header objects");
        } finally {
            c.release();
        }
    }

    @Test
    void close_and_keep_alive_are_the_connections_not_a_header_as_haproxy_shows_them() {
        RequestHead h = head("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-A: 1\r\nConnection: Keep-Alive, "
                + "Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        try {
            assertEquals(List.of("Upgrade"), h.headerLines("connection"));
            assertEquals(List.of("Host", "X-A", "Connection", "Upgrade", "Sec-WebSocket-Key"), h.headerNames());
        } finally {
            h.release();
        }
    }
}
