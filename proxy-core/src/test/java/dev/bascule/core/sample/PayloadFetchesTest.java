package dev.bascule.core.sample;

import dev.bascule.config.sample.AclParser;
import dev.bascule.config.sample.ConditionParser;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleParser;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The layer 6 fetches on held bytes (a real TLS ClientHello from Java's client, HTTP, junk), whole and cut short,
 * and the conditions over them: a condition that lacks bytes which may still come neither passes nor fails.
 */
class PayloadFetchesTest {
    private final SampleParser samples = new SampleParser(path -> List.of());
    private final ConditionParser conditions = new ConditionParser(new AclParser(samples), name -> null);

    private static byte[] clientHello(String serverName) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        engine.setSSLParameters(p);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    private static SampleContext held(byte[] bytes, boolean complete) {
        return new SampleContext(new InetSocketAddress("127.0.0.1", 4000), new InetSocketAddress("127.0.0.1", 443),
                null, null, null, null, SampleContext.NO_BACKENDS)
                .with(new Payload(Unpooled.wrappedBuffer(bytes), complete));
    }

    private Object eval(String expr, SampleContext c) throws SampleException {
        return Expression.of(samples.parse(expr)).evaluate(c);
    }

    private Condition.Result cond(String words, SampleContext c) throws SampleException {
        return Condition.of(conditions.parse(Arrays.asList(words.split(" +")))).result(c);
    }

    @Test
    void a_whole_client_hello_gives_its_server_name_type_and_version() throws Exception {
        SampleContext c = held(clientHello("www.example.com"), false);
        assertEquals("www.example.com", eval("req.ssl_sni", c));
        assertEquals("www.example.com", eval("req_ssl_sni", c));
        assertEquals(1L, eval("req.ssl_hello_type", c));
        assertEquals(0x00030003L, eval("req.ssl_ver", c), "TLS 1.3's ClientHello says 3.3 (RFC 8446 4.1.2)");
        assertNull(eval("req.ssl_sni", held(clientHello(null), false)), "no server_name extension");
        assertEquals(Condition.Result.PASS, cond("if { req.ssl_sni -i WWW.example.COM }", c));
        assertEquals(Condition.Result.PASS, cond("if { req_ssl_ver 3.3 }", c));
        assertEquals(Condition.Result.FAIL, cond("if { req.ssl_sni -m end .org }", c));
    }

    @Test
    void a_client_hello_cut_short_asks_to_wait_until_no_more_can_come() throws Exception {
        byte[] hello = clientHello("www.example.com");
        for (int cut : new int[] {0, 1, 4, 5, 9, 60, hello.length - 1}) {
            byte[] part = Arrays.copyOf(hello, cut);
            SampleContext waiting = held(part, false);
            assertNull(eval("req.ssl_sni", waiting), "cut at " + cut);
            assertEquals(Condition.Result.MISS, cond("if { req.ssl_sni -i www.example.com }", waiting), "cut " + cut);
            assertEquals(Condition.Result.MISS, cond("unless { req.ssl_hello_type 1 }", waiting), "a miss stays one");
            assertEquals(Condition.Result.PASS, cond("if { src 127.0.0.1 } || { req.ssl_hello_type 1 }", waiting),
                    "an alternative that passes decides");
            assertEquals(Condition.Result.FAIL, cond("if { src 10.0.0.1 } { req.ssl_hello_type 1 }", waiting),
                    "a term that fails decides");
            assertEquals(Condition.Result.FAIL, cond("if { req.ssl_sni -i www.example.com }", held(part, true)),
                    "complete: no more waiting");
            assertEquals(Condition.Result.PASS, cond("unless { req.ssl_hello_type 1 }", held(part, true)));
        }
    }

    @Test
    void lying_lengths_read_no_further_than_the_bytes() throws Exception {
        byte[] hello = clientHello("www.example.com");
        for (int at = 0; at < Math.min(hello.length, 200); at++) {
            byte[] broken = hello.clone();
            broken[at] = (byte) 0xFF;
            for (boolean complete : new boolean[] {false, true}) {
                SampleContext c = held(broken, complete);
                eval("req.ssl_sni", c);
                eval("req.ssl_ver", c);
                eval("req.ssl_hello_type", c);
            }
        }
    }

    @Test
    void payload_fetches_take_bytes_at_offsets_and_length_prefixed_blocks() throws Exception {
        byte[] bytes = {0x00, 0x03, 'a', 'b', 'c', 'd', 'e'};
        SampleContext c = held(bytes, false);
        assertEquals(7L, eval("req.len", c));
        assertArrayEquals(new byte[] {'a', 'b'}, (byte[]) eval("req.payload(2,2)", c));
        assertArrayEquals(new byte[] {'a', 'b', 'c', 'd', 'e'}, (byte[]) eval("req.payload(2,0)", c));
        assertNull(eval("req.payload(5,4)", c));
        assertArrayEquals(new byte[] {'a', 'b', 'c'}, (byte[]) eval("req.payload_lv(0,2)", c));
        assertArrayEquals(new byte[] {'b', 'c', 'd'}, (byte[]) eval("req.payload_lv(0,2,+1)", c));
        assertArrayEquals(new byte[] {'c', 'd', 'e'}, (byte[]) eval("req.payload_lv(0,2,4)", c));
        assertEquals(Condition.Result.PASS, cond("if { req.payload(2,3) -m bin 616263 }", c));
        assertEquals(Condition.Result.MISS, cond("if { req.len gt 10 }", c), "the length may still grow");
        assertEquals(Condition.Result.FAIL, cond("if { req.len gt 10 }", held(bytes, true)));
        assertEquals(Condition.Result.PASS, cond("if { req.len gt 5 }", c));
    }

    @Test
    void proto_http_is_true_on_a_whole_request_head_and_no_sample_otherwise() throws Exception {
        byte[] get = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Boolean.TRUE, eval("req.proto_http", held(get, false)));
        assertEquals(Condition.Result.MISS, cond("if { req.proto_http }", held(Arrays.copyOf(get, 10), false)));
        assertNull(eval("req.proto_http", held("SSH-2.0-x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true)));
    }

    @Test
    void an_rdp_connection_request_gives_its_cookie_and_the_predefined_acls_read_it() throws Exception {
        byte[] rdp = "\u0003\u0000\u0000\u002c\u0027\u00e0\u0000\u0000\u0000\u0000\u0000Cookie: mstshash=alice\r\n\u0001"
                .getBytes(StandardCharsets.ISO_8859_1);
        SampleContext whole = held(rdp, true);
        assertEquals("alice", eval("req.rdp_cookie", whole));
        assertEquals("alice", eval("rdp_cookie(MSTSHASH)", whole), "the name in any case");
        assertNull(eval("req.rdp_cookie(other)", whole));
        assertEquals(1L, eval("req.rdp_cookie_cnt", whole));
        assertEquals(0L, eval("req.rdp_cookie_cnt(other)", whole));
        assertEquals(Condition.Result.PASS, cond("if RDP_COOKIE", whole));
        SampleContext cut = held(Arrays.copyOf(rdp, 25), false);
        assertEquals(Condition.Result.MISS, cond("if RDP_COOKIE", cut), "the line may still end");
        assertEquals(Condition.Result.FAIL, cond("if RDP_COOKIE", held(Arrays.copyOf(rdp, 25), true)));
        assertEquals(Condition.Result.FAIL, cond("if RDP_COOKIE", held("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1), false)), "not a cookie line: it will never be one");
    }

    @Test
    void wait_end_waits_until_the_bytes_are_final() throws Exception {
        byte[] some = "abc".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Condition.Result.MISS, cond("if WAIT_END", held(some, false)));
        assertEquals(Condition.Result.PASS, cond("if WAIT_END", held(some, true)));
        assertEquals(Condition.Result.PASS, cond("if WAIT_END", new SampleContext(null, null, null, null, null, null,
                SampleContext.NO_BACKENDS)), "nothing held: nothing to wait for");
    }
}
