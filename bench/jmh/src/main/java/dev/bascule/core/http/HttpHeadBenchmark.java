package dev.bascule.core.http;

import dev.bascule.config.model.HttpSettings.AddressHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What one message head costs on the HTTP path, per message: Bascule's byte-forwarding parsers
 * ({@link RequestParser} + {@link RequestHead#toServer}, {@link ResponseParser} + {@link ResponseHead#toClient})
 * against what the proxy used before them, Netty's decoders into header objects and encoders back to bytes
 * (configured as the proxy had them: {@code (bufsize, bufsize, 8192)}, {@code RequestHeaders.prepare} on the
 * request, {@code HttpUtil.setKeepAlive} on the response). Both sides run in an {@link EmbeddedChannel}, so the
 * pipeline's overhead is in every figure; {@code request_bascule_parseDirect} shows the parse without it.
 * Every message and buffer produced is released.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpHeadBenchmark {
    private static final int BUFSIZE = 16384;

    /** A browser's request for a script: 8 headers, about 400 bytes. */
    static final String REQUEST = "GET /static/js/app.3f9c2b71.js?v=20260114 HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: */*\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Referer: https://www.example.com/products/list?page=2\r\n"
            + "Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n";

    /** nginx's answer with a 100-byte body. */
    static final String RESPONSE = "HTTP/1.1 200 OK\r\n"
            + "Server: nginx/1.26.2\r\n"
            + "Date: Wed, 14 Jan 2026 10:00:00 GMT\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n"
            + "Content-Length: 100\r\n"
            + "Last-Modified: Tue, 13 Jan 2026 08:30:00 GMT\r\n"
            + "Connection: keep-alive\r\n"
            + "ETag: \"6785a1c8-64\"\r\n"
            + "Accept-Ranges: bytes\r\n"
            + "\r\n"
            + "x".repeat(100);

    /**
     * The message as a socket read would hand it over: a pooled direct buffer that the decoder owns (and
     * releases once it has read it; slices it passes on keep it alive). The copy is in every figure.
     */
    private static ByteBuf read(byte[] message) {
        return ByteBufAllocator.DEFAULT.directBuffer(message.length).writeBytes(message);
    }

    /** Reads everything out of a channel's inbound queue into the blackhole, releasing it. */
    private static int drainInbound(EmbeddedChannel ch, Blackhole bh) {
        int n = 0;
        for (Object m; (m = ch.readInbound()) != null; n++) {
            bh.consume(m);
            ReferenceCountUtil.release(m);
        }
        return n;
    }

    private static int drainOutbound(EmbeddedChannel ch, Blackhole bh) {
        int n = 0;
        for (Object m; (m = ch.readOutbound()) != null; n++) {
            bh.consume(m);
            ReferenceCountUtil.release(m);
        }
        return n;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    @State(Scope.Thread)
    public static class Requests {
        /** {@code option forwardfor}: one more header for the server. */
        @Param({"false", "true"})
        boolean forwardfor;

        byte[] request;
        AddressHeader forwardFor;
        InetSocketAddress client;
        EmbeddedChannel bascule;
        EmbeddedChannel nettyDecoder;
        EmbeddedChannel nettyEncoder;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            request = REQUEST.getBytes(StandardCharsets.ISO_8859_1);
            forwardFor = forwardfor ? new AddressHeader(AddressHeader.FORWARDED_FOR, null, 0, false) : null;
            client = new InetSocketAddress(InetAddress.getByAddress(new byte[]{10, 1, 2, 3}), 40000);
            bascule = new EmbeddedChannel(new RequestParser(BUFSIZE, () -> { }));
            nettyDecoder = new EmbeddedChannel(new HttpRequestDecoder(BUFSIZE, BUFSIZE, 8192));
            nettyEncoder = new EmbeddedChannel(new HttpRequestEncoder());
            // Both ways give the same head, less the Connection line (and plus X-Forwarded-For).
            String ours = toServerText();
            String netty = nettyText();
            check(ours.equalsIgnoreCase(netty), "different heads:\n" + ours + "\n" + netty);
            check(!ours.contains("Connection") && ours.contains("X-Forwarded-For") == forwardfor, ours);
        }

        private String toServerText() {
            bascule.writeInbound(read(request));
            RequestHead head = bascule.readInbound();
            check(bascule.readInbound() == MessageFramer.END, "END");
            ByteBuf out = head.toServer(ByteBufAllocator.DEFAULT, forwardFor, client, null, null, false);
            head.release();
            String text = out.toString(StandardCharsets.ISO_8859_1);
            out.release();
            return text;
        }

        private String nettyText() {
            nettyDecoder.writeInbound(read(request));
            HttpRequest r = nettyDecoder.readInbound();
            ReferenceCountUtil.release(nettyDecoder.readInbound());
            RequestHeaders.prepare(r, forwardFor, client, null, null, false);
            nettyEncoder.writeOutbound(r, LastHttpContent.EMPTY_LAST_CONTENT);
            StringBuilder text = new StringBuilder();
            for (Object m; (m = nettyEncoder.readOutbound()) != null; ) {
                text.append(((ByteBuf) m).toString(StandardCharsets.ISO_8859_1));
                ReferenceCountUtil.release(m);
            }
            return text.toString();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            bascule.finishAndReleaseAll();
            nettyDecoder.finishAndReleaseAll();
            nettyEncoder.finishAndReleaseAll();
        }
    }

    @State(Scope.Thread)
    public static class Responses {
        byte[] response;
        EmbeddedChannel bascule;
        EmbeddedChannel nettyDecoder;
        EmbeddedChannel nettyEncoder;

        @Setup(Level.Trial)
        public void setup() {
            response = RESPONSE.getBytes(StandardCharsets.ISO_8859_1);
            bascule = new EmbeddedChannel(new ResponseParser(BUFSIZE));
            nettyDecoder = new EmbeddedChannel(new HttpResponseDecoder(BUFSIZE, BUFSIZE, 8192));
            nettyEncoder = new EmbeddedChannel(new HttpResponseEncoder());
            String expected = RESPONSE.replace("Connection: keep-alive\r\n", "");
            check(expected.equals(toClientText()), "bascule's response:\n" + toClientText());
            check(expected.equalsIgnoreCase(nettyText()), "Netty's response:\n" + nettyText());
        }

        private String toClientText() {
            bascule.writeInbound(read(response));
            ResponseHead head = bascule.readInbound();
            ByteBuf body = bascule.readInbound();
            check(bascule.readInbound() == MessageFramer.END, "END");
            ByteBuf out = head.toClient(ByteBufAllocator.DEFAULT, true, true, null);
            head.release();
            String text = out.toString(StandardCharsets.ISO_8859_1) + body.toString(StandardCharsets.ISO_8859_1);
            out.release();
            body.release();
            return text;
        }

        private String nettyText() {
            nettyDecoder.writeInbound(read(response));
            HttpResponse r = nettyDecoder.readInbound();
            HttpContent content = nettyDecoder.readInbound();
            check(content instanceof LastHttpContent, "one piece of body");
            HttpUtil.setKeepAlive(r, true);
            nettyEncoder.writeOutbound(r, content);
            StringBuilder text = new StringBuilder();
            for (Object m; (m = nettyEncoder.readOutbound()) != null; ) {
                text.append(((ByteBuf) m).toString(StandardCharsets.ISO_8859_1));
                ReferenceCountUtil.release(m);
            }
            return text.toString();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            bascule.finishAndReleaseAll();
            nettyDecoder.finishAndReleaseAll();
            nettyEncoder.finishAndReleaseAll();
        }
    }

    // ---- requests ----

    /** The request head parsed (and its END), without a pipeline. */
    @Benchmark
    public void request_bascule_parseDirect(Requests s, Blackhole bh) {
        ByteBuf in = read(s.request);
        RequestHead head = RequestHead.parse(in, BUFSIZE);
        in.release();
        bh.consume(head.keepAlive);
        head.release();
    }

    /** The request through {@link RequestParser} in a pipeline: head, END. */
    @Benchmark
    public void request_bascule_parse(Requests s, Blackhole bh) {
        s.bascule.writeInbound(read(s.request));
        drainInbound(s.bascule, bh);
    }

    /** Parsed, and the head for the server made. */
    @Benchmark
    public void request_bascule_parseToServer(Requests s, Blackhole bh) {
        s.bascule.writeInbound(read(s.request));
        RequestHead head = s.bascule.readInbound();
        bh.consume(s.bascule.readInbound());
        ByteBuf out = head.toServer(ByteBufAllocator.DEFAULT, s.forwardFor, s.client, null, null, false);
        head.release();
        bh.consume(out);
        out.release();
    }

    /** Netty's decoder: an HttpRequest and an empty LastHttpContent. */
    @Benchmark
    public void request_netty_decode(Requests s, Blackhole bh) {
        s.nettyDecoder.writeInbound(read(s.request));
        drainInbound(s.nettyDecoder, bh);
    }

    /** Netty's decoder, the proxy's header changes on the objects, Netty's encoder. */
    @Benchmark
    public void request_netty_decodeEncode(Requests s, Blackhole bh) {
        s.nettyDecoder.writeInbound(read(s.request));
        HttpRequest request = s.nettyDecoder.readInbound();
        Object last = s.nettyDecoder.readInbound();
        RequestHeaders.prepare(request, s.forwardFor, s.client, null, null, false);
        s.nettyEncoder.writeOutbound(request, last);
        drainOutbound(s.nettyEncoder, bh);
    }

    // ---- responses ----

    /** The response through {@link ResponseParser}: head, the body as a slice, END. */
    @Benchmark
    public void response_bascule_parse(Responses s, Blackhole bh) {
        s.bascule.writeInbound(read(s.response));
        drainInbound(s.bascule, bh);
    }

    /** Parsed, and the head for the client made (its Connection: keep-alive line cut). */
    @Benchmark
    public void response_bascule_parseToClient(Responses s, Blackhole bh) {
        s.bascule.writeInbound(read(s.response));
        ResponseHead head = s.bascule.readInbound();
        ByteBuf body = s.bascule.readInbound();
        bh.consume(s.bascule.readInbound());
        ByteBuf out = head.toClient(ByteBufAllocator.DEFAULT, true, true, null);
        head.release();
        bh.consume(out);
        bh.consume(body);
        out.release();
        body.release();
    }

    /** Netty's decoder: an HttpResponse and a LastHttpContent holding the body. */
    @Benchmark
    public void response_netty_decode(Responses s, Blackhole bh) {
        s.nettyDecoder.writeInbound(read(s.response));
        drainInbound(s.nettyDecoder, bh);
    }

    /** Netty's decoder, {@code HttpUtil.setKeepAlive}, Netty's encoder (head and body). */
    @Benchmark
    public void response_netty_decodeEncode(Responses s, Blackhole bh) {
        s.nettyDecoder.writeInbound(read(s.response));
        HttpResponse response = s.nettyDecoder.readInbound();
        HttpContent content = s.nettyDecoder.readInbound();
        HttpUtil.setKeepAlive(response, true);
        s.nettyEncoder.writeOutbound(response, content);
        drainOutbound(s.nettyEncoder, bh);
    }
}
