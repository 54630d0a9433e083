package dev.bascule.core.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bascule.core.http.FramingRun.Kind;
import dev.bascule.core.http.FramingRun.Part;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunked bodies, as a fuzzer makes them, after a chunked request head: the {@link MessageFramer} ends, refuses
 * or waits for a body exactly where {@link ChunkedBody} does, and passes on the body as sent. What follows the
 * body is read as the next requests. Seeds in
 * {@code src/test/resources/dev/bascule/core/http/ChunkFramingFuzzTestInputs/chunkedBodies/} (see
 * {@link FuzzInput} for their first six bytes).
 */
class ChunkFramingFuzzTest {
    private static final byte[] HEAD = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);

    @FuzzTest
    void chunkedBodies(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        byte[] bytes = new byte[HEAD.length + in.bytes().length];
        System.arraycopy(HEAD, 0, bytes, 0, HEAD.length);
        System.arraycopy(in.bytes(), 0, bytes, HEAD.length, in.bytes().length);
        try (FramingRun whole = run(bytes, new int[]{bytes.length}, in.close());
             FramingRun cut = run(bytes, in.pieces(), in.close())) {
            assertEquals(whole.shown(), cut.shown(), () -> "in pieces of " + Arrays.toString(in.pieces()));
            FramingChecks.framed(whole.parts(), bytes, true, in.close());
            asChunkedBodyHasIt(FramingChecks.rest(whole.parts(), 0), in.bytes());
        }
    }

    private static FramingRun run(byte[] bytes, int[] pieces, boolean close) {
        return new FramingRun(new RequestParser(HttpProxy.BUFSIZE, () -> { }), bytes, pieces, close,
                RequestParserFuzzTest::show);
    }

    private static void asChunkedBodyHasIt(List<Part> rest, byte[] body) {
        long length = ChunkedBody.length(body);
        String passed = rest.isEmpty() || rest.get(0).kind() != Kind.BODY ? "" : rest.get(0).bytes();
        Kind after = rest.isEmpty() ? null : rest.get(rest.size() - 1).kind();
        Supplier<String> what = () -> new String(body, StandardCharsets.ISO_8859_1).replace("\r", "\\r")
                .replace("\n", "\\n") + " gave " + rest;
        if (length == ChunkedBody.INVALID) {
            assertEquals(Kind.INVALID, after, () -> "refused: " + what.get());
        } else if (length == ChunkedBody.INCOMPLETE) {
            assertTrue(after == null || after == Kind.BODY, () -> "waits for more: " + what.get());
        } else {
            assertEquals(Kind.END, after, () -> "ends: " + what.get());
            assertEquals(length, passed.length(), () -> "the whole body and no more: " + what.get());
        }
    }
}
