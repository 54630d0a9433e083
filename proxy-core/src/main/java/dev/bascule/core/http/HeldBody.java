package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The payload of a body {@code wait-for-body} held, for {@code req.body}: the pieces as the client framed them, a
 * chunked body's framing taken out (the chunks that came whole or in part; trailers are not payload).
 */
final class HeldBody {
    private HeldBody() {
    }

    static byte[] payload(List<ByteBuf> pieces, boolean chunked) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (ByteBuf piece : pieces) {
            byte[] b = new byte[piece.readableBytes()];
            piece.getBytes(piece.readerIndex(), b);
            raw.writeBytes(b);
        }
        byte[] bytes = raw.toByteArray();
        return chunked ? dechunked(bytes) : bytes;
    }

    private static byte[] dechunked(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        int pos = 0;
        while (pos < in.length) {
            int lf = indexOf(in, pos, (byte) '\n');
            if (lf < 0) {
                break;
            }
            long size = 0;
            for (int i = pos; i < lf; i++) {
                int d = Character.digit(in[i], 16);
                if (d < 0) {
                    // An extension (';'), or the line's CR: the size ends there.
                    break;
                }
                size = size * 16 + d;
            }
            if (size == 0) {
                break;
            }
            int from = lf + 1;
            int n = (int) Math.min(size, in.length - from);
            out.write(in, from, n);
            // The data, then its CRLF.
            pos = from + n + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] in, int from, byte b) {
        for (int i = from; i < in.length; i++) {
            if (in[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
