package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A response head as the server sent it: its bytes, and what the proxy needs to know of it (status, framing,
 * persistence). It goes to the client as it came, except for its {@code Connection} header, which says what the
 * proxy does with the client connection: HAProxy's {@code http-keep-alive} rewrites it the same way. Only a
 * backend with {@code cookie} or an {@code http-response} rule that edits the head has it parsed into header
 * objects; the sample layer reads it as a {@link dev.bascule.core.sample.ResponseView}, from the bytes until then.
 */
final class ResponseHead extends MessageHead implements EditableResponse {
    private static final byte[] CONNECTION = HeadBytes.ascii("connection");
    private static final byte[] CONTENT_LENGTH = HeadBytes.ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = HeadBytes.ascii("transfer-encoding");
    private static final byte[] CLOSE = HeadBytes.ascii("close");
    private static final byte[] KEEP_ALIVE = HeadBytes.ascii("keep-alive");
    private static final byte[] CHUNKED = HeadBytes.ascii("chunked");
    private static final byte[] HTTP_1 = HeadBytes.ascii("HTTP/1.");
    private static final ByteProcessor NAME_CHAR = b -> b > ' ' && b < 127;
    /** More Connection headers than this and the head is rebuilt from header objects. */
    private static final int MAX_CONNECTION_LINES = 4;

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
    /** The header objects once a rule edited the head (it is then encoded from them), else null. */
    private HttpResponse edited;
    /** The status a {@code set-status} rule gave, and its status line; else the server's. */
    private int statusNow;
    private String statusLine;

    private ResponseHead(ByteBuf raw, int status, boolean http11, long contentLength, boolean chunked,
                         boolean bodiless, boolean keepAlive, boolean ambiguous, int[] connectionLines, int count) {
        super(raw);
        this.status = status;
        this.http11 = http11;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.bodiless = bodiless;
        this.keepAlive = keepAlive;
        this.ambiguous = ambiguous;
        this.connectionLines = connectionLines;
        this.connectionLineCount = count;
        this.statusNow = status;
    }

    @Override
    public int status() {
        return statusNow;
    }

    @Override
    public String versionNumber() {
        return http11 ? "1.1" : "1.0";
    }

    @Override
    public List<String> headerLines(String name) {
        if (edited != null) {
            return edited.headers().getAll(name);
        }
        return withAdded(name, HeadBytes.read(raw, headersAt(), name));
    }

    @Override
    public List<String> headerNames() {
        if (edited != null) {
            return edited.headers().entries().stream().map(Map.Entry::getKey).toList();
        }
        return namesWithAdded(HeadBytes.read(raw, headersAt(), null));
    }

    @Override
    public void add(String name, String value) {
        addLine(name, value);
    }

    @Override
    public void set(String name, String value) {
        setLine(name, value);
    }

    @Override
    public void delete(String name) {
        deleteLines(name);
    }

    @Override
    boolean inBytes() {
        return edited == null;
    }

    @Override
    int headersAt() {
        return raw.indexOf(raw.readerIndex(), raw.writerIndex(), (byte) '\n') + 1 - raw.readerIndex();
    }

    /** The head's header objects, for a rule that edits them: from now on the head is encoded from them. */
    @Override
    public HttpHeaders headers() {
        if (edited == null) {
            edited = objects();
            moveAdded(edited.headers());
        }
        return edited.headers();
    }

    /** {@code set-status}: the status and reason the client gets (the body goes on as the server framed it). */
    @Override
    public void status(int code, String reason) {
        headers();
        statusNow = code;
        statusLine = (http11 ? "HTTP/1.1 " : "HTTP/1.0 ") + code + " " + reason;
    }

    /** A body that only the server's close delimits (HTTP/1.0 style). */
    boolean closeDelimited() {
        return !bodiless && !chunked && contentLength < 0;
    }

    boolean interim() {
        return status < 200;
    }

    @Override
    public MessageFramer.Body body() {
        if (status == 101) {
            return MessageFramer.Body.TUNNEL;
        }
        if (interim()) {
            return MessageFramer.Body.INTERIM;
        }
        if (bodiless) {
            return MessageFramer.Body.NONE;
        }
        return chunked ? MessageFramer.Body.CHUNKED : contentLength >= 0 ? MessageFramer.Body.LENGTH
                : MessageFramer.Body.UNTIL_CLOSE;
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    /**
     * Parses the head at the reader index of {@code in}, if all of it is there.
     *
     * @param max           the largest head accepted ({@code tune.bufsize})
     * @param headRequest   the request was a HEAD: no body follows whatever the headers say
     * @return the head (its bytes a retained slice, the reader index moved past them), or null when it has not
     * fully arrived
     * @throws MessageFramer.BadMessage a head that is not valid HTTP/1.x, or larger than {@code max}
     */
    static ResponseHead parse(ByteBuf in, int max, boolean headRequest) {
        int start = in.readerIndex();
        int limit = Math.min(in.writerIndex(), start + max);
        int lf = in.indexOf(start, limit, (byte) '\n');
        if (lf < 0) {
            return tooLargeOrNull(in, max);
        }
        // Status line: HTTP/1.x SP 3DIGIT [SP reason]
        int lineEnd = HeadBytes.lineEnd(in, start, lf);
        if (lineEnd - start < 12 || !HeadBytes.isExactly(in, start, HTTP_1) || in.getByte(start + 8) != ' ') {
            throw invalid("invalid status line");
        }
        byte minor = in.getByte(start + 7);
        if (minor != '0' && minor != '1') {
            throw invalid("unsupported HTTP version");
        }
        int status = 0;
        for (int i = start + 9; i < start + 12; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                throw invalid("invalid status code");
            }
            status = status * 10 + (b - '0');
        }
        if (status < 100 || lineEnd > start + 12 && in.getByte(start + 12) != ' ') {
            throw invalid("invalid status code");
        }
        boolean http11 = minor == '1';
        long contentLength = -1;
        boolean chunked = false;
        boolean transferEncoding = false;
        boolean close = false;
        boolean keepAliveToken = false;
        int[] connection = null;
        int connectionCount = 0;
        int headers = 0;
        int pos = lf + 1;
        while (true) {
            lf = in.indexOf(pos, limit, (byte) '\n');
            if (lf < 0) {
                return tooLargeOrNull(in, max);
            }
            lineEnd = HeadBytes.lineEnd(in, pos, lf);
            if (lineEnd == pos) {
                break;
            }
            if (++headers > HttpProxy.MAXHDR) {
                throw invalid("too many headers");
            }
            int colon = in.indexOf(pos, lineEnd, (byte) ':');
            if (colon <= pos) {
                throw invalid("invalid header line");
            }
            if (in.forEachByte(pos, colon - pos, NAME_CHAR) >= 0) {
                // Also refuses obsolete line folding and "Name :", which HAProxy refuses in responses.
                throw invalid("invalid header name");
            }
            if (!HeadBytes.isFieldValue(in, colon + 1, lineEnd)) {
                throw invalid("control character in a header");
            }
            int nameLength = colon - pos;
            if (HeadBytes.is(in, pos, nameLength, CONTENT_LENGTH)) {
                long value;
                try {
                    value = HeadBytes.length(in, colon + 1, lineEnd);
                } catch (IllegalArgumentException e) {
                    throw invalid(e.getMessage());
                }
                if (contentLength >= 0 && value != contentLength) {
                    throw invalid("conflicting Content-Length");
                }
                contentLength = value;
            } else if (HeadBytes.is(in, pos, nameLength, TRANSFER_ENCODING)) {
                transferEncoding = true;
                int lastComma = in.forEachByteDesc(colon + 1, lineEnd - colon - 1, b -> b != ',');
                chunked = HeadBytes.hasToken(in, lastComma < 0 ? colon + 1 : lastComma + 1, lineEnd, CHUNKED);
            } else if (HeadBytes.is(in, pos, nameLength, CONNECTION)) {
                close |= HeadBytes.hasToken(in, colon + 1, lineEnd, CLOSE);
                keepAliveToken |= HeadBytes.hasToken(in, colon + 1, lineEnd, KEEP_ALIVE);
                if (connection == null) {
                    connection = new int[2 * MAX_CONNECTION_LINES];
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

    @Override
    boolean dropsContentLength() {
        return ambiguous;
    }

    private static MessageFramer.BadMessage invalid(String reason) {
        return new MessageFramer.BadMessage(502, reason);
    }

    private static ResponseHead tooLargeOrNull(ByteBuf in, int max) {
        if (in.readableBytes() >= max) {
            throw invalid("response head larger than " + max + " bytes");
        }
        return null;
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
     * @param clientHttp11 the request was HTTP/1.1: else a kept connection is said {@code keep-alive} whatever
     *                     the response's version, as HAProxy does (an HTTP/1.0 client closes without it)
     * @param edit         changes to make to the headers first (cookie persistence), or null
     */
    ByteBuf toClient(ByteBufAllocator alloc, boolean keepAlive, boolean clientHttp11, Consumer<HttpResponse> edit) {
        byte[] connectionLine = keepAlive && !clientHttp11 ? HeadBytes.KEEP_ALIVE_LINE
                : HeadBytes.connectionLine(http11, keepAlive);
        if (edit != null || edited != null || ambiguous || connectionLineCount > MAX_CONNECTION_LINES) {
            return rebuilt(alloc, connectionLine, edit);
        }
        byte[] added = addedLines();
        return connectionLineCount == 0 && connectionLine == null && added == null ? raw.retainedDuplicate()
                : HeadBytes.rewrite(alloc, raw, connectionLines, connectionLineCount, added, connectionLine);
    }

    /** The head as header objects, read from its bytes. */
    private HttpResponse objects() {
        HttpResponse response = new DefaultHttpResponse(http11 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0,
                HttpResponseStatus.valueOf(status), DefaultHttpHeadersFactory.headersFactory().withValidation(false));
        HeadBytes.headersOf(raw, headersAt(), response.headers());
        return response;
    }

    private ByteBuf rebuilt(ByteBufAllocator alloc, byte[] connectionLine, Consumer<HttpResponse> edit) {
        int from = raw.readerIndex();
        int lf = raw.indexOf(from, raw.writerIndex(), (byte) '\n');
        String statusLine = this.statusLine != null ? this.statusLine
                : raw.toString(from, HeadBytes.lineEnd(raw, from, lf) - from, StandardCharsets.ISO_8859_1);
        headers();
        HttpResponse response = edited;
        if (edit != null) {
            edit.accept(response);
        }
        response.headers().remove(HttpHeaderNames.CONNECTION);
        if (ambiguous) {
            response.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        if (connectionLine != null) {
            response.headers().set(HeadBytes.CONNECTION, connectionLine == HeadBytes.KEEP_ALIVE_LINE
                    ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        }
        return HeadBytes.encode(alloc, statusLine, response.headers());
    }
}
