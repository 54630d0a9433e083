package dev.bascule.core.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bascule.core.http.FramingRun.Kind;
import dev.bascule.core.http.FramingRun.Part;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.function.Supplier;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client bytes, as a fuzzer makes them, through the {@link RequestParser}: seeds in
 * {@code src/test/resources/dev/bascule/core/http/RequestParserFuzzTestInputs/requests/} (see {@link FuzzInput}
 * for their first six bytes).
 */
class RequestParserFuzzTest {
    /** Large enough for any head the fuzzer's buffer let through, with the lines the proxy adds. */
    private static final int RESENT_MAX = 1 << 20;

    @FuzzTest
    void requests(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        int max = in.buffer(HttpProxy.BUFSIZE);
        try (FramingRun whole = run(in, max, new int[]{in.bytes().length}, in.bytes());
             FramingRun cut = run(in, max, in.pieces(), in.bytes())) {
            assertEquals(whole.shown(), cut.shown(), () -> "in pieces of " + Arrays.toString(in.pieces()));
            FramingChecks.framed(whole.parts(), in.bytes(), true, in.close());
            List<Part> parts = whole.parts();
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i).kind() == Kind.HEAD) {
                    goesToTheServerAsParsed(whole, i, in.close());
                }
            }
        }
    }

    private static FramingRun run(FuzzInput in, int max, int[] pieces, byte[] bytes) {
        return new FramingRun(new RequestParser(max, () -> { }), bytes, pieces, in.close(),
                RequestParserFuzzTest::show);
    }

    /** What the proxy makes of a head (from its fields only: {@link RequestHead#headers()} changes what it sends). */
    static String show(MessageHead m) {
        RequestHead h = (RequestHead) m;
        return h.method().name() + " " + h.uri() + " " + h.protocolVersion() + " length " + h.contentLength
                + (h.chunked ? " chunked" : "") + (h.keepAlive ? " keep-alive" : " close")
                + (h.upgrade ? " upgrade" : "") + (h.expectContinue ? " 100-continue" : "");
    }

    /**
     * The request as it goes to the server, read again, is the same request: method, target, version, framing,
     * body, and headers (the hop-by-hop ones aside, which the proxy replaces).
     */
    private static void goesToTheServerAsParsed(FramingRun run, int at, boolean closed) {
        Part part = run.parts().get(at);
        RequestHead h = (RequestHead) part.head();
        List<Part> rest = FramingChecks.rest(run.parts(), at);
        ByteBuf sent = h.toServer(run.alloc(), null, null, null, null, false);
        String head = sent.toString(StandardCharsets.ISO_8859_1);
        sent.release();
        if (!FramingChecks.readable(head)) {
            return;
        }
        byte[] again = FramingChecks.resent(head, rest);
        boolean last = at + 1 + rest.size() == run.parts().size();
        try (FramingRun re = new FramingRun(new RequestParser(RESENT_MAX, () -> { }), again,
                new int[]{again.length}, closed && last, RequestParserFuzzTest::show)) {
            Supplier<String> what = () -> "sent as " + head.replace("\r", "\\r").replace("\n", "\\n")
                    + " from " + part;
            assertTrue(!re.parts().isEmpty() && re.parts().get(0).kind() == Kind.HEAD,
                    () -> what.get() + ": " + re.parts());
            RequestHead r = (RequestHead) re.parts().get(0).head();
            assertEquals(h.method(), r.method(), what);
            assertEquals(h.uri(), r.uri(), what);
            assertEquals(h.protocolVersion(), r.protocolVersion(), what);
            assertEquals(h.chunked, r.chunked, what);
            assertEquals(h.contentLength, r.contentLength, what);
            assertEquals(h.upgrade, r.upgrade, what);
            assertEquals(h.expectContinue, r.expectContinue, what);
            assertTrue(r.keepAlive || r.upgrade, () -> "sent to be kept alive: " + what.get());
            assertEquals(FramingChecks.resentRest(rest), FramingChecks.shown(FramingChecks.rest(re.parts(), 0)),
                    what);
            assertEquals(endToEnd(h), endToEnd(r), what);
        }
    }

    /**
     * The headers that go from end to end (RFC 9110 section 7.6.1), values without the blanks around them; a
     * Content-Length next to Transfer-Encoding goes (RFC 9112 section 6.3).
     */
    private static List<String> endToEnd(RequestHead h) {
        HttpHeaders headers = h.headers();
        Set<String> hopByHop = new HashSet<>(Set.of("connection", "keep-alive", "proxy-connection", "upgrade"));
        for (String value : headers.getAll("Connection")) {
            for (String token : value.split(",")) {
                hopByHop.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (h.chunked) {
            hopByHop.add("content-length");
        }
        return headers.entries().stream()
                .filter(e -> !hopByHop.contains(e.getKey().toLowerCase(Locale.ROOT)))
                .map(e -> e.getKey() + ": " + e.getValue().trim())
                .toList();
    }
}
