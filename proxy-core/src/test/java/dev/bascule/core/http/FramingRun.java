package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a {@link MessageFramer} hands on for bytes fed in pieces, as values two runs can be compared by. Any
 * exception out of the pipeline fails the caller: a framer reports bad input as {@link MessageFramer.Invalid}.
 * Closing the run releases the heads and checks that no buffer is still held.
 */
final class FramingRun implements AutoCloseable {
    enum Kind { HEAD, BODY, END, INVALID }

    /**
     * One thing handed on. A head's text is what {@code show} makes of it and its bytes; body slices in a row
     * are joined (where reads cut a body is no framing); an Invalid's text is its status.
     */
    record Part(Kind kind, String text, MessageHead head, String bytes) {
        @Override
        public String toString() {
            return kind + " " + text.replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    private final CountingAllocator alloc = new CountingAllocator();
    private final List<Part> parts = new ArrayList<>();

    /**
     * @param pieces sizes of the pieces the bytes come in, used in turn (a single one as large as the bytes:
     *               all in one read)
     * @param close  the peer closes after the bytes
     */
    FramingRun(MessageFramer framer, byte[] bytes, int[] pieces, boolean close, Function<MessageHead, String> show) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(framer);
        for (int at = 0, i = 0; at < bytes.length; i++) {
            int n = Math.min(Math.max(1, pieces[i % pieces.length]), bytes.length - at);
            ch.writeInbound(alloc.copy(bytes, at, n));
            at += n;
        }
        if (close) {
            ch.finish();
        }
        StringBuilder body = new StringBuilder();
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof ByteBuf b) {
                body.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
                continue;
            }
            bodyEnds(body);
            if (m == MessageFramer.END) {
                parts.add(new Part(Kind.END, "", null, ""));
            } else if (m instanceof MessageFramer.Invalid invalid) {
                parts.add(new Part(Kind.INVALID, Integer.toString(invalid.status()), null, ""));
            } else if (m instanceof MessageHead head) {
                String raw = head.raw.toString(StandardCharsets.ISO_8859_1);
                parts.add(new Part(Kind.HEAD, show.apply(head) + " " + raw, head, raw));
            } else {
                ReferenceCountUtil.release(m);
                throw new AssertionError("a framer handed on " + m);
            }
        }
        bodyEnds(body);
        if (ch.pipeline().context(framer) != null) {
            // Bytes still waiting for more go with the framer (Netty hands them on when it is removed).
            ch.pipeline().remove(framer);
        }
        ch.finishAndReleaseAll();
    }

    private void bodyEnds(StringBuilder body) {
        if (!body.isEmpty()) {
            parts.add(new Part(Kind.BODY, body.toString(), null, body.toString()));
            body.setLength(0);
        }
    }

    List<Part> parts() {
        return parts;
    }

    /** The parts as text, to compare runs by. */
    List<String> shown() {
        return parts.stream().map(Part::toString).toList();
    }

    /** For what the test makes of the heads; released or not, it is checked on {@link #close}. */
    ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public void close() {
        for (Part part : parts) {
            if (part.head != null) {
                part.head.release();
            }
        }
        alloc.assertAllReleased();
    }
}
