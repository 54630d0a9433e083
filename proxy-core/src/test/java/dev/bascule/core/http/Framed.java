package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What a {@link MessageFramer} makes of bytes fed in pieces, as text the parser tests compare. */
final class Framed {
    private Framed() {
    }

    /**
     * @param step  the size of the pieces
     * @param close the peer closes after the bytes
     * @param head  how a head is shown (it is released after)
     * @return each head as {@code head} shows it, the body bytes between as text, "END", or "Invalid STATUS"
     */
    static List<String> of(MessageFramer framer, String bytes, int step, boolean close,
                           Function<Object, String> head) {
        EmbeddedChannel ch = new EmbeddedChannel(framer);
        byte[] all = bytes.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < all.length; i += step) {
            ch.writeInbound(Unpooled.wrappedBuffer(all, i, Math.min(step, all.length - i)));
        }
        if (close) {
            ch.finish();
        }
        List<String> out = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof ByteBuf b) {
                body.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
                continue;
            }
            if (!body.isEmpty()) {
                out.add(body.toString());
                body.setLength(0);
            }
            if (m == MessageFramer.END) {
                out.add("END");
            } else if (m instanceof MessageFramer.Invalid invalid) {
                assertNotNull(invalid.reason());
                out.add("Invalid " + invalid.status());
            } else {
                out.add(head.apply(m));
                ReferenceCountUtil.release(m);
            }
        }
        if (!body.isEmpty()) {
            out.add(body.toString());
        }
        return out;
    }
}
