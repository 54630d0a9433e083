package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCounted;
import io.netty.util.AbstractReferenceCounted;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A response head as the server sent it: its bytes, and what the proxy needs to know of it (status, framing,
 * persistence). It goes to the client as it came, except for its {@code Connection} header, which says what the
 * proxy does with the client connection: HAProxy's {@code http-keep-alive} rewrites it the same way. Only a
 * backend with {@code cookie} has the head parsed into header objects (to read and add {@code Set-Cookie}).
 */
final class ResponseHead extends AbstractReferenceCounted {
    private static final byte[] CONNECTION = "connection".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(StandardCharsets.US_ASCII);
    private static final AsciiString CONNECTION_NAME = AsciiString.cached("Connection");
    private static final byte[] CLOSE_LINE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE_LINE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    /** More Connection headers than this and the head is rebuilt from header objects. */
    private static final int MAX_CONNECTION_LINES = 4;

    private final ByteBuf raw;
    final int status;
    final boolean http11;
    /** Content-Length, or -1. */
    final long contentLength;
    final boolean chunked;
    /** No body follows: an interim response, 204, 304, or the answer to a HEAD request. */
    final boolean bodiless;
    /** What the server says of its connection (HTTP/1.1 default keep-alive, 1.0 default close). */
    final boolean keepAlive;
    /** Transfer-Encoding and Content-Length both: HAProxy drops the latter and closes after the response. */
    final boolean ambiguous;
    /** Offsets in {@link #raw} of the {@code Connection} lines, start and end (after the LF) of each. */
    private final int[] connectionLines;
    private final int connectionLineCount;

    private ResponseHead(ByteBuf raw, int status, boolean http11, long contentLength, boolean chunked,
                         boolean bodiless, boolean keepAlive, boolean ambiguous, int[] connectionLines, int count) {
        this.raw = raw;
        this.status = status;
        this.http11 = http11;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.bodiless = bodiless;
        this.keepAlive = keepAlive;
        this.ambiguous = ambiguous;
        this.connectionLines = connectionLines;
        this.connectionLineCount = count;
    }

    /** A body that only the server's close delimits (HTTP/1.0 style). */
    boolean closeDelimited() {
        return !bodiless && !chunked && contentLength < 0;
    }

    boolean interim() {
        return status < 200;
    }

    /**
     * Parses the head at the reader index of {@code in}, if all of it is there.
     *
     * @param max           the largest head accepted ({@code tune.bufsize})
     * @param headRequest   the request was a HEAD: no body follows whatever the headers say
     * @return the head (its bytes a retained slice, the reader index moved past them), or null when it has not
     * fully arrived
     * @throws IllegalArgumentException a head that is not valid HTTP/1.x, or larger than {@code max}
     */
    static ResponseHead parse(ByteBuf in, int max, boolean headRequest) {
        int start = in.readerIndex();
        int limit = Math.min(in.writerIndex(), start + max);
        int lf = in.indexOf(start, limit, (byte) '\n');
        if (lf < 0) {
            return tooLargeOrNull(in, max);
        }
        // Status line: HTTP/1.x SP 3DIGIT [SP reason]
        int lineEnd = lineEnd(in, start, lf);
        if (lineEnd - start < 12 || !startsWith(in, start, "HTTP/1.") || in.getByte(start + 8) != ' ') {
            throw new IllegalArgumentException("invalid status line");
        }
        byte minor = in.getByte(start + 7);
        if (minor != '0' && minor != '1') {
            throw new IllegalArgumentException("unsupported HTTP version");
        }
        int status = 0;
        for (int i = start + 9; i < start + 12; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                throw new IllegalArgumentException("invalid status code");
            }
            status = status * 10 + (b - '0');
        }
        if (status < 100 || lineEnd > start + 12 && in.getByte(start + 12) != ' ') {
            throw new IllegalArgumentException("invalid status code");
        }
        boolean http11 = minor == '1';
        long contentLength = -1;
        boolean chunked = false;
        boolean transferEncoding = false;
        boolean close = false;
        boolean keepAliveToken = false;
        int[] connection = new int[2 * MAX_CONNECTION_LINES];
        int connectionCount = 0;
        int headers = 0;
        int pos = lf + 1;
        while (true) {
            lf = in.indexOf(pos, limit, (byte) '\n');
            if (lf < 0) {
                return tooLargeOrNull(in, max);
            }
            lineEnd = lineEnd(in, pos, lf);
            if (lineEnd == pos) {
                break;
            }
            if (++headers > HttpFrontendHandler.MAXHDR) {
                throw new IllegalArgumentException("too many headers");
            }
            int colon = in.indexOf(pos, lineEnd, (byte) ':');
            if (colon <= pos) {
                throw new IllegalArgumentException("invalid header line");
            }
            for (int i = pos; i < colon; i++) {
                byte b = in.getByte(i);
                if (b <= ' ' || b >= 127) {
                    // Also refuses obsolete line folding and "Name :", which HAProxy refuses in responses.
                    throw new IllegalArgumentException("invalid header name");
                }
            }
            int nameLength = colon - pos;
            if (nameIs(in, pos, nameLength, CONTENT_LENGTH)) {
                long value = parseLength(in, colon + 1, lineEnd);
                if (contentLength >= 0 && value != contentLength) {
                    throw new IllegalArgumentException("conflicting Content-Length");
                }
                contentLength = value;
            } else if (nameIs(in, pos, nameLength, TRANSFER_ENCODING)) {
                transferEncoding = true;
                chunked = lastTokenIsChunked(in, colon + 1, lineEnd);
            } else if (nameIs(in, pos, nameLength, CONNECTION)) {
                String tokens = in.toString(colon + 1, lineEnd - colon - 1, StandardCharsets.US_ASCII);
                for (String token : tokens.split(",")) {
                    String t = token.trim();
                    close |= t.equalsIgnoreCase("close");
                    keepAliveToken |= t.equalsIgnoreCase("keep-alive");
                }
                if (connectionCount < MAX_CONNECTION_LINES) {
                    connection[2 * connectionCount] = pos - start;
                    connection[2 * connectionCount + 1] = lf + 1 - start;
                }
                connectionCount++;
            }
            pos = lf + 1;
        }
        int end = lf + 1;
        boolean ambiguous = transferEncoding && contentLength >= 0;
        if (transferEncoding) {
            contentLength = -1;
        }
        boolean bodiless = status < 200 || status == 204 || status == 304 || headRequest;
        boolean keepAlive = !close && (http11 || keepAliveToken) && !ambiguous;
        ByteBuf raw = in.retainedSlice(start, end - start);
        in.readerIndex(end);
        return new ResponseHead(raw, status, http11, contentLength, chunked, bodiless, keepAlive, ambiguous,
                connection, connectionCount);
    }

    private static ResponseHead tooLargeOrNull(ByteBuf in, int max) {
        if (in.readableBytes() >= max) {
            throw new IllegalArgumentException("response head larger than " + max + " bytes");
        }
        return null;
    }

    /** The end of a line's content: before its CR LF, or before a bare LF. */
    private static int lineEnd(ByteBuf in, int start, int lf) {
        return lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    private static boolean startsWith(ByteBuf in, int at, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (in.getByte(at + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean nameIs(ByteBuf in, int at, int length, byte[] lowerName) {
        if (length != lowerName.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if ((in.getByte(at + i) | 0x20) != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    private static long parseLength(ByteBuf in, int from, int to) {
        long value = -1;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (b == ' ' || b == '\t') {
                if (value >= 0 && hasNonBlank(in, i, to)) {
                    throw new IllegalArgumentException("invalid Content-Length");
                }
                continue;
            }
            if (b < '0' || b > '9' || value > (Long.MAX_VALUE - 9) / 10) {
                throw new IllegalArgumentException("invalid Content-Length");
            }
            value = (value < 0 ? 0 : value * 10) + (b - '0');
        }
        if (value < 0) {
            throw new IllegalArgumentException("invalid Content-Length");
        }
        return value;
    }

    private static boolean hasNonBlank(ByteBuf in, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (b != ' ' && b != '\t') {
                return true;
            }
        }
        return false;
    }

    private static boolean lastTokenIsChunked(ByteBuf in, int from, int to) {
        String value = in.toString(from, to - from, StandardCharsets.US_ASCII);
        int comma = value.lastIndexOf(',');
        return value.substring(comma + 1).trim().equalsIgnoreCase("chunked");
    }

    /** The head exactly as the server sent it (for interim responses and 101). */
    ByteBuf raw() {
        return raw.retainedDuplicate();
    }

    /**
     * The head for the client: the server's, with a {@code Connection} header saying whether the client
     * connection stays open (none where that is the version's default, as Netty's {@code HttpUtil.setKeepAlive}
     * and HAProxy do).
     *
     * @param edit changes to make to the headers first (cookie persistence), or null
     */
    ByteBuf toClient(ByteBufAllocator alloc, boolean keepAlive, Consumer<HttpResponse> edit) {
        byte[] connectionLine = http11 ? (keepAlive ? null : CLOSE_LINE) : (keepAlive ? KEEP_ALIVE_LINE : null);
        if (edit != null || ambiguous || connectionLineCount > MAX_CONNECTION_LINES) {
            return rebuilt(alloc, keepAlive, edit);
        }
        if (connectionLineCount == 0 && connectionLine == null) {
            return raw.retainedDuplicate();
        }
        int length = raw.readableBytes();
        ByteBuf out = alloc.directBuffer(length + (connectionLine == null ? 0 : connectionLine.length));
        int from = raw.readerIndex();
        int copied = 0;
        for (int i = 0; i < connectionLineCount; i++) {
            out.writeBytes(raw, from + copied, connectionLines[2 * i] - copied);
            copied = connectionLines[2 * i + 1];
        }
        int finalLine = length - (raw.getByte(from + length - 2) == '\r' ? 2 : 1);
        out.writeBytes(raw, from + copied, finalLine - copied);
        if (connectionLine != null) {
            out.writeBytes(connectionLine);
        }
        out.writeBytes(raw, from + finalLine, length - finalLine);
        return out;
    }

    private ByteBuf rebuilt(ByteBufAllocator alloc, boolean keepAlive, Consumer<HttpResponse> edit) {
        HttpResponse response = headers();
        if (edit != null) {
            edit.accept(response);
        }
        response.headers().remove(HttpHeaderNames.CONNECTION);
        if (ambiguous) {
            response.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        if (http11 != keepAlive) {
            response.headers().set(CONNECTION_NAME, keepAlive ? HttpHeaderValues.KEEP_ALIVE
                    : HttpHeaderValues.CLOSE);
        }
        int statusLineEnd = raw.indexOf(raw.readerIndex(), raw.writerIndex(), (byte) '\n') + 1;
        ByteBuf out = alloc.directBuffer(raw.readableBytes() + 256);
        out.writeBytes(raw, raw.readerIndex(), statusLineEnd - raw.readerIndex());
        for (Map.Entry<CharSequence, CharSequence> header : iterable(response)) {
            out.writeCharSequence(header.getKey(), StandardCharsets.ISO_8859_1);
            out.writeShort(':' << 8 | ' ');
            out.writeCharSequence(header.getValue(), StandardCharsets.ISO_8859_1);
            out.writeShort('\r' << 8 | '\n');
        }
        out.writeShort('\r' << 8 | '\n');
        return out;
    }

    private static Iterable<Map.Entry<CharSequence, CharSequence>> iterable(HttpResponse response) {
        return () -> response.headers().iteratorCharSequence();
    }

    /** The head as Netty header objects, for the code that edits headers by name. */
    private HttpResponse headers() {
        int from = raw.readerIndex();
        int to = raw.writerIndex();
        int lf = raw.indexOf(from, to, (byte) '\n');
        int lineEnd = lineEnd(raw, from, lf);
        String reason = lineEnd > from + 13 ? raw.toString(from + 13, lineEnd - from - 13, StandardCharsets.ISO_8859_1)
                : "";
        HttpResponse response = new DefaultHttpResponse(http11 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0,
                new HttpResponseStatus(status, reason), DefaultHttpHeadersFactory.headersFactory()
                .withValidation(false));
        for (int pos = lf + 1; ; pos = lf + 1) {
            lf = raw.indexOf(pos, to, (byte) '\n');
            lineEnd = lineEnd(raw, pos, lf);
            if (lineEnd == pos) {
                return response;
            }
            int colon = raw.indexOf(pos, lineEnd, (byte) ':');
            response.headers().add(new AsciiString(raw.toString(pos, colon - pos, StandardCharsets.ISO_8859_1)),
                    raw.toString(colon + 1, lineEnd - colon - 1, StandardCharsets.ISO_8859_1).trim());
        }
    }

    @Override
    protected void deallocate() {
        raw.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        raw.touch(hint);
        return this;
    }
}
