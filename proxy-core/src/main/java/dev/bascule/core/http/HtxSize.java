package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

import java.util.Iterator;
import java.util.Map;

/**
 * The size of a message in HAProxy 2.6's internal form (HTX), which is what its logs count as {@code %U} and
 * {@code %B}, not the bytes on the wire: a start line is 20 bytes ({@code struct htx_sl}) and its three parts, a
 * header its name and value (blanks around the value trimmed), the end of the headers 1, a body its payload
 * (without chunk framing), trailers as headers and 1 for their end. The {@code Connection} header keeps only its
 * tokens other than {@code close} and {@code keep-alive} (none: no header), and a Content-Length beside
 * Transfer-Encoding is dropped, as HAProxy's H1 parser does. Measured against HAProxy 2.6.12.
 */
final class HtxSize {
    private static final int START_LINE = 20;
    /** The end-of-headers block, and the end-of-trailers one of a chunked body. */
    static final int END_BLOCK = 1;
    private static final byte[] CONNECTION = HeadBytes.ascii("connection");
    private static final byte[] CONTENT_LENGTH = HeadBytes.ascii("content-length");
    private static final byte[] CLOSE = HeadBytes.ascii("close");
    private static final byte[] KEEP_ALIVE = HeadBytes.ascii("keep-alive");

    private HtxSize() {
    }

    /**
     * A head in the bytes it came in (a request or a status line, header lines, the blank line).
     *
     * @param withoutContentLength the head has Transfer-Encoding too: its Content-Length lines do not count
     */
    static long head(ByteBuf raw, boolean withoutContentLength) {
        int from = raw.readerIndex();
        int to = raw.writerIndex();
        int lf = raw.indexOf(from, to, (byte) '\n');
        int lineEnd = HeadBytes.lineEnd(raw, from, lf);
        // The first two spaces separate the parts (a reason phrase may have more).
        int sp1 = raw.indexOf(from, lineEnd, (byte) ' ');
        int separators = sp1 < 0 ? 0 : raw.indexOf(sp1 + 1, lineEnd, (byte) ' ') < 0 ? 1 : 2;
        long size = START_LINE + lineEnd - from - separators + END_BLOCK;
        boolean contentLengthSeen = false;
        for (int pos = lf + 1; pos < to; pos = lf + 1) {
            lf = raw.indexOf(pos, to, (byte) '\n');
            lineEnd = HeadBytes.lineEnd(raw, pos, lf < 0 ? to : lf);
            if (lineEnd == pos || lf < 0) {
                break;
            }
            if (HeadBytes.isBlank(raw.getByte(pos))) {
                // obs-fold: the value goes on after one space.
                int a = HeadBytes.skipBlanks(raw, pos, lineEnd);
                size += a < lineEnd ? 1 + HeadBytes.trimmedEnd(raw, a, lineEnd) - a : 0;
                continue;
            }
            int colon = raw.indexOf(pos, lineEnd, (byte) ':');
            if (colon < 0) {
                continue;
            }
            if (HeadBytes.is(raw, pos, colon - pos, CONTENT_LENGTH)) {
                // A repeated Content-Length of the same value is dropped (a different one is refused).
                if (withoutContentLength || contentLengthSeen) {
                    continue;
                }
                contentLengthSeen = true;
            } else if (HeadBytes.is(raw, pos, colon - pos, CONNECTION)) {
                int kept = connectionValue(raw, HeadBytes.skipBlanks(raw, colon + 1, lineEnd),
                        HeadBytes.trimmedEnd(raw, colon + 1, lineEnd));
                size += kept == 0 ? 0 : colon - pos + kept;
                continue;
            }
            size += field(raw, pos, colon, lineEnd);
        }
        return size;
    }

    /** A header or trailer line without its line end: its name and its trimmed value; 0 if it has no colon. */
    static int field(ByteBuf in, int from, int to) {
        int colon = in.indexOf(from, to, (byte) ':');
        return colon < 0 ? 0 : field(in, from, colon, to);
    }

    private static int field(ByteBuf in, int from, int colon, int to) {
        int a = HeadBytes.skipBlanks(in, colon + 1, to);
        return colon - from + HeadBytes.trimmedEnd(in, a, to) - a;
    }

    /**
     * The length of a Connection value once HAProxy's {@code h1_parse_connection_header} has taken its
     * {@code close} and {@code keep-alive} tokens out: the value as it came up to the first token taken out, then
     * each token kept after a comma.
     */
    private static int connectionValue(ByteBuf in, int from, int to) {
        int length = 0;
        int previousEnd = from;
        for (int w = from; w < to; w++) {
            if (HeadBytes.isBlank(in.getByte(w))) {
                continue;
            }
            int comma = in.indexOf(w, to, (byte) ',');
            int next = comma < 0 ? to : comma;
            int wordEnd = HeadBytes.trimmedEnd(in, w, next);
            if (!HeadBytes.is(in, w, wordEnd - w, CLOSE) && !HeadBytes.is(in, w, wordEnd - w, KEEP_ALIVE)) {
                if (from + length == previousEnd) {
                    length = next - from;
                } else {
                    length += (length > 0 ? 1 : 0) + wordEnd - w;
                }
            }
            w = previousEnd = next;
        }
        return length;
    }

    /** A page the proxy answers with itself (HTTP/1.1), its body included. */
    static long page(FullHttpResponse page) {
        long size = START_LINE + "HTTP/1.1".length() + 3 + page.status().reasonPhrase().length() + END_BLOCK
                + page.content().readableBytes();
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = page.headers().iteratorCharSequence();
             it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> h = it.next();
            if (!HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(h.getKey())) {
                size += h.getKey().length() + h.getValue().length();
            }
        }
        return size;
    }
}
