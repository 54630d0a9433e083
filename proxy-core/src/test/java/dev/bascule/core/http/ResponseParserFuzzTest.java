package dev.bascule.core.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bascule.core.http.FramingRun.Kind;
import dev.bascule.core.http.FramingRun.Part;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server bytes, as a fuzzer makes them, through the {@link ResponseParser}: seeds in
 * {@code src/test/resources/dev/bascule/core/http/ResponseParserFuzzTestInputs/responses/} (see {@link FuzzInput}
 * for their first six bytes; its HEAD flag says the first response answers a HEAD request).
 */
class ResponseParserFuzzTest {
    private static final int RESENT_MAX = 1 << 20;

    @FuzzTest
    void responses(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        int max = in.buffer(HttpProxy.BUFSIZE);
        try (FramingRun whole = run(in.headRequest(), max, new int[]{in.bytes().length}, in.bytes(), in.close());
             FramingRun cut = run(in.headRequest(), max, in.pieces(), in.bytes(), in.close())) {
            assertEquals(whole.shown(), cut.shown(), () -> "in pieces of " + Arrays.toString(in.pieces()));
            FramingChecks.framed(whole.parts(), in.bytes(), false, in.close());
            List<Part> parts = whole.parts();
            // The HEAD request is answered by the first final response (interim ones come before it).
            boolean answered = false;
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i).kind() == Kind.HEAD) {
                    goesToTheClientAsParsed(whole, i, in.headRequest() && !answered, in.close());
                }
                answered |= parts.get(i).kind() == Kind.END;
            }
        }
    }

    private static FramingRun run(boolean headRequest, int max, int[] pieces, byte[] bytes, boolean close) {
        ResponseParser parser = new ResponseParser(max);
        parser.expectResponseTo(headRequest);
        return new FramingRun(parser, bytes, pieces, close, ResponseParserFuzzTest::show);
    }

    static String show(MessageHead m) {
        ResponseHead h = (ResponseHead) m;
        return h.status + (h.http11 ? " HTTP/1.1" : " HTTP/1.0") + " " + h.body() + " length " + h.contentLength
                + (h.chunked ? " chunked" : "") + (h.bodiless ? " bodiless" : "")
                + (h.keepAlive ? " keep-alive" : " close") + (h.ambiguous ? " ambiguous" : "");
    }

    /**
     * The response as it goes to a kept-alive HTTP/1.1 client, read again, is the same response: status,
     * version, framing, body, and headers (Connection aside, which the proxy sets).
     */
    private static void goesToTheClientAsParsed(FramingRun run, int at, boolean headRequest, boolean closed) {
        Part part = run.parts().get(at);
        ResponseHead h = (ResponseHead) part.head();
        List<Part> rest = FramingChecks.rest(run.parts(), at);
        ByteBuf sent = h.toClient(run.alloc(), true, true, null);
        String head = sent.toString(StandardCharsets.ISO_8859_1);
        sent.release();
        if (!FramingChecks.readable(head)) {
            return;
        }
        byte[] again = FramingChecks.resent(head, rest);
        boolean last = at + 1 + rest.size() == run.parts().size();
        try (FramingRun re = run(headRequest, RESENT_MAX, new int[]{again.length}, again, closed && last)) {
            Supplier<String> what = () -> "sent as " + head.replace("\r", "\\r").replace("\n", "\\n")
                    + " from " + part;
            assertTrue(!re.parts().isEmpty() && re.parts().get(0).kind() == Kind.HEAD,
                    () -> what.get() + ": " + re.parts());
            ResponseHead r = (ResponseHead) re.parts().get(0).head();
            assertEquals(h.status, r.status, what);
            assertEquals(h.http11, r.http11, what);
            assertEquals(h.body(), r.body(), what);
            assertEquals(h.contentLength, r.contentLength, what);
            assertEquals(FramingChecks.resentRest(rest), FramingChecks.shown(FramingChecks.rest(re.parts(), 0)),
                    what);
            assertEquals(endToEnd(h), endToEnd(r), what);
        }
    }

    /** The headers but Connection (and a Content-Length next to Transfer-Encoding), values trimmed. */
    private static List<String> endToEnd(ResponseHead h) {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        int from = h.raw.readerIndex();
        int lf = h.raw.indexOf(from, h.raw.writerIndex(), (byte) '\n');
        HeadBytes.headersOf(h.raw, lf + 1 - from, headers);
        if (h.ambiguous) {
            headers.remove("Content-Length");
        }
        return headers.entries().stream()
                .filter(e -> !e.getKey().equalsIgnoreCase("connection"))
                .map(e -> e.getKey() + ": " + e.getValue().trim())
                .toList();
    }
}
