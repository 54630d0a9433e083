package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reading and rewriting HTTP/1.x message heads in place, in the bytes they arrived in: what {@link RequestHead}
 * and {@link ResponseHead} share.
 */
final class HeadBytes {
    private HeadBytes() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The end of a line's content: before its CR LF, or before a bare LF. */
    static int lineEnd(ByteBuf in, int start, int lf) {
        return lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    /** Whether the bytes are {@code lower}, ignoring the case of letters. */
    static boolean is(ByteBuf in, int at, int length, byte[] lower) {
        if (length != lower.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = in.getByte(at + i);
            if (b != lower[i] && (b < 'A' || b > 'Z' || (b | 0x20) != lower[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether the bytes are the header name {@code name}, ignoring the case of ASCII letters. */
    static boolean isName(ByteBuf in, int at, int length, String name) {
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int b = in.getByte(at + i);
            int c = name.charAt(i);
            if (b != c && ((b | 0x20) != (c | 0x20) || (b | 0x20) < 'a' || (b | 0x20) > 'z')) {
                return false;
            }
        }
        return true;
    }

    /** Whether the head in {@code raw} has a header line named {@code name} (any case), from offset {@code first}. */
    static boolean has(ByteBuf raw, int first, String name) {
        int to = raw.writerIndex();
        for (int pos = raw.readerIndex() + first; ; ) {
            int lf = raw.indexOf(pos, to, (byte) '\n');
            int end = lineEnd(raw, pos, lf);
            if (end == pos) {
                return false;
            }
            if (!isBlank(raw.getByte(pos))) {
                int colon = raw.indexOf(pos, end, (byte) ':');
                if (isName(raw, pos, colon - pos, name)) {
                    return true;
                }
            }
            pos = lf + 1;
        }
    }

    /** Whether the bytes at {@code at} are {@code expected}, case included. */
    static boolean isExactly(ByteBuf in, int at, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (in.getByte(at + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 token characters, for methods and header names. */
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    // Byte checks run through forEachByte: one bounds check per run instead of one per byte.
    private static final ByteProcessor TOKEN_CHAR = b -> b >= 0 && TOKEN[b];
    /** Header lines may hold visible characters, blanks and obs-text; no other control character. */
    private static final ByteProcessor FIELD_CHAR = b -> b >= ' ' && b != 127 || b == '\t' || b < 0;

    static boolean isTokenChar(byte b) {
        return b >= 0 && TOKEN[b];
    }

    static boolean isToken(ByteBuf in, int from, int to) {
        return in.forEachByte(from, to - from, TOKEN_CHAR) < 0;
    }

    /** Whether the bytes hold only what a header value may: visible characters, blanks, obs-text. */
    static boolean isFieldValue(ByteBuf in, int from, int to) {
        return from >= to || in.forEachByte(from, to - from, FIELD_CHAR) < 0;
    }

    /** Whether a line (without its line end) is a header line: a token, a colon, a value (trailers). */
    static boolean isFieldLine(ByteBuf in, int from, int to) {
        int colon = in.indexOf(from, to, (byte) ':');
        return colon > from && isToken(in, from, colon) && isFieldValue(in, colon + 1, to);
    }

    static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    /** The first byte of {@code [from, to)} that is not a blank, or {@code to}. */
    static int skipBlanks(ByteBuf in, int from, int to) {
        while (from < to && isBlank(in.getByte(from))) {
            from++;
        }
        return from;
    }

    /** {@code to}, moved back over the blanks that end {@code [from, to)}. */
    static int trimmedEnd(ByteBuf in, int from, int to) {
        while (to > from && isBlank(in.getByte(to - 1))) {
            to--;
        }
        return to;
    }

    /** Whether a comma-separated header value holds {@code lower} as one of its tokens. */
    static boolean hasToken(ByteBuf in, int from, int to, byte[] lower) {
        return anyToken(in, from, to, (a, b) -> is(in, a, b - a, lower));
    }

    /** Whether a comma-separated header value holds a token that is none of {@code known}. */
    static boolean hasOtherToken(ByteBuf in, int from, int to, byte[]... known) {
        return anyToken(in, from, to, (a, b) -> {
            for (byte[] k : known) {
                if (is(in, a, b - a, k)) {
                    return false;
                }
            }
            return a < b;
        });
    }

    private interface TokenTest {
        boolean test(int from, int to);
    }

    /** Whether {@code test} holds for a token (blanks around it trimmed) of a comma-separated value. */
    private static boolean anyToken(ByteBuf in, int from, int to, TokenTest test) {
        for (int t = from; t < to; ) {
            int comma = in.indexOf(t, to, (byte) ',');
            int end = comma < 0 ? to : comma;
            int a = skipBlanks(in, t, end);
            if (test.test(a, trimmedEnd(in, a, end))) {
                return true;
            }
            t = end + 1;
        }
        return false;
    }

    /**
     * A Content-Length value: digits with blanks around them, or a list of the same number (RFC 9110 section
     * 8.6 lets a recipient take "2, 2" as 2, as HAProxy does).
     *
     * @throws IllegalArgumentException anything else, a list of different numbers among them
     */
    static long length(ByteBuf in, int from, int to) {
        int comma = in.indexOf(from, to, (byte) ',');
        if (comma < 0) {
            return number(in, from, to);
        }
        long value = number(in, from, comma);
        for (int t = comma + 1; t <= to; ) {
            int next = in.indexOf(t, to, (byte) ',');
            int end = next < 0 ? to : next;
            if (number(in, t, end) != value) {
                throw new IllegalArgumentException("conflicting Content-Length");
            }
            t = end + 1;
        }
        return value;
    }

    private static long number(ByteBuf in, int from, int to) {
        int a = skipBlanks(in, from, to);
        int b = trimmedEnd(in, a, to);
        if (a == b || b - a > 18) {
            throw new IllegalArgumentException("invalid Content-Length");
        }
        long value = 0;
        for (int i = a; i < b; i++) {
            byte c = in.getByte(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("invalid Content-Length");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * The head in {@code raw} without the lines at {@code removed} (pairs of offsets from its start: the line's
     * first byte, the byte after its LF) and with {@code added} lines before its blank line.
     */
    static ByteBuf rewrite(ByteBufAllocator alloc, ByteBuf raw, int[] removed, int removedCount, byte[]... added) {
        int length = raw.readableBytes();
        int extra = 0;
        for (byte[] line : added) {
            extra += line == null ? 0 : line.length;
        }
        ByteBuf out = alloc.directBuffer(length + extra);
        int from = raw.readerIndex();
        int copied = 0;
        for (int i = 0; i < removedCount; i++) {
            out.writeBytes(raw, from + copied, removed[2 * i] - copied);
            copied = removed[2 * i + 1];
        }
        int blankLine = length - (raw.getByte(from + length - 2) == '\r' ? 2 : 1);
        out.writeBytes(raw, from + copied, blankLine - copied);
        for (byte[] line : added) {
            if (line != null) {
                out.writeBytes(line);
            }
        }
        out.writeBytes(raw, from + blankLine, length - blankLine);
        return out;
    }

    /**
     * Adds the header lines of the head in {@code raw}, from offset {@code first} on, to {@code headers}; a line
     * folded onto the next (obs-fold) is joined as HAProxy's parser joins it: the line break becomes spaces (two for
     * CR LF), the next line's blanks stay, and only the whole value's ends are trimmed.
     */
    static void headersOf(ByteBuf raw, int first, HttpHeaders headers) {
        int to = raw.writerIndex();
        String name = null;
        StringBuilder value = new StringBuilder();
        int lineBreak = 0;
        for (int pos = raw.readerIndex() + first; ; ) {
            int lf = raw.indexOf(pos, to, (byte) '\n');
            int end = lineEnd(raw, pos, lf);
            if (end == pos) {
                break;
            }
            if (isBlank(raw.getByte(pos)) && name != null) {
                value.append(" ".repeat(lineBreak)).append(raw.toString(pos, end - pos, StandardCharsets.ISO_8859_1));
            } else {
                if (name != null) {
                    headers.add(name, value.toString().trim());
                }
                int colon = raw.indexOf(pos, end, (byte) ':');
                name = raw.toString(pos, colon - pos, StandardCharsets.ISO_8859_1);
                value.setLength(0);
                value.append(raw.toString(colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1));
            }
            lineBreak = lf + 1 - end;
            pos = lf + 1;
        }
        if (name != null) {
            headers.add(name, value.toString().trim());
        }
    }

    /**
     * The values of the header lines named {@code name} (any case) of the head in {@code raw}, from offset
     * {@code first} on, read from the bytes without making header objects; a folded line is joined as
     * {@link #headersOf} joins it. With {@code name} null, the names of every line instead.
     */
    static List<String> read(ByteBuf raw, int first, String name) {
        List<String> out = new ArrayList<>(2);
        int to = raw.writerIndex();
        boolean matched = false;
        int lineBreak = 0;
        for (int pos = raw.readerIndex() + first; ; ) {
            int lf = raw.indexOf(pos, to, (byte) '\n');
            int end = lineEnd(raw, pos, lf);
            if (end == pos) {
                if (name != null) {
                    out.replaceAll(String::trim);
                }
                return out;
            }
            if (isBlank(raw.getByte(pos))) {
                if (matched) {
                    int last = out.size() - 1;
                    out.set(last, out.get(last) + " ".repeat(lineBreak)
                            + raw.toString(pos, end - pos, StandardCharsets.ISO_8859_1));
                }
            } else {
                int colon = raw.indexOf(pos, end, (byte) ':');
                if (name == null) {
                    out.add(raw.toString(pos, colon - pos, StandardCharsets.ISO_8859_1));
                } else {
                    matched = isName(raw, pos, colon - pos, name);
                    if (matched) {
                        out.add(raw.toString(colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1));
                    }
                }
            }
            lineBreak = lf + 1 - end;
            pos = lf + 1;
        }
    }

    /** A head from its first line (with its CR LF) and header objects. */
    static ByteBuf encode(ByteBufAllocator alloc, CharSequence firstLine, HttpHeaders headers) {
        ByteBuf out = alloc.directBuffer(firstLine.length() + 2 + 32 * headers.size() + 2);
        out.writeCharSequence(firstLine, StandardCharsets.ISO_8859_1);
        out.writeShort('\r' << 8 | '\n');
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            out.writeCharSequence(header.getKey(), StandardCharsets.ISO_8859_1);
            out.writeShort(':' << 8 | ' ');
            out.writeCharSequence(header.getValue(), StandardCharsets.ISO_8859_1);
            out.writeShort('\r' << 8 | '\n');
        }
        out.writeShort('\r' << 8 | '\n');
        return out;
    }

    /** {@code Connection: close} or {@code Connection: keep-alive} where it is not the version's default. */
    static final AsciiString CONNECTION = AsciiString.cached("Connection");
    static final byte[] CLOSE_LINE = ascii("Connection: close\r\n");
    static final byte[] KEEP_ALIVE_LINE = ascii("Connection: keep-alive\r\n");

    /** The Connection line saying whether a connection stays open, or null where that is the version's default. */
    static byte[] connectionLine(boolean http11, boolean keepAlive) {
        return http11 ? (keepAlive ? null : CLOSE_LINE) : (keepAlive ? KEEP_ALIVE_LINE : null);
    }
}
