package dev.bascule.core.http;

import dev.bascule.config.model.HttpSettings.AddressHeader;
import dev.bascule.core.sample.RequestView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ByteProcessor;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A request head as the client sent it: its bytes, and what the proxy needs to know of it (framing, connection
 * persistence, hop-by-hop headers). It goes to the server as it came, minus its hop-by-hop headers, plus
 * {@code option forwardfor}'s and {@code option originalto}'s headers and the {@code Connection} header the
 * proxy's connection mode calls for. Code that reads or edits headers by name (hashing by header, cookie
 * persistence, applets) sees it as a Netty {@link HttpRequest}: the headers are then parsed into objects, and
 * the head sent is encoded from them. The sample layer reads it as a {@link RequestView}, from the bytes, which
 * leaves it as it came.
 */
final class RequestHead extends MessageHead implements HttpRequest, RequestView {
    private static final byte[] CONTENT_LENGTH = HeadBytes.ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = HeadBytes.ascii("transfer-encoding");
    private static final byte[] CONNECTION = HeadBytes.ascii("connection");
    private static final byte[] KEEP_ALIVE_HEADER = HeadBytes.ascii("keep-alive");
    private static final byte[] PROXY_CONNECTION = HeadBytes.ascii("proxy-connection");
    private static final byte[] UPGRADE = HeadBytes.ascii("upgrade");
    private static final byte[] EXPECT = HeadBytes.ascii("expect");
    private static final byte[] CLOSE = HeadBytes.ascii("close");
    private static final byte[] KEEP_ALIVE = HeadBytes.ascii("keep-alive");
    private static final byte[] CHUNKED = HeadBytes.ascii("chunked");
    private static final byte[] CONTINUE = HeadBytes.ascii("100-continue");
    private static final byte[] HOST = HeadBytes.ascii("host");
    private static final byte[] WEBSOCKET = HeadBytes.ascii("websocket");
    private static final byte[] WEBSOCKET_KEY = HeadBytes.ascii("sec-websocket-key");
    /** The length of a Sec-WebSocket-Key: 16 bytes in base64, which HAProxy checks (not the digits). */
    private static final int WEBSOCKET_KEY_LENGTH = 24;
    /** HAProxy refuses a header name this long or longer. */
    private static final int MAX_NAME = 256;
    /** More hop-by-hop lines than this and the head is rebuilt from header objects. */
    private static final int MAX_HOP_LINES = 4;

    private HttpMethod method;
    private final int uriFrom;
    private final int uriTo;
    private String uri;
    private HttpVersion version;
    /** Where the header lines start in {@link #raw}. */
    private final int headersAt;
    final long contentLength;
    final boolean chunked;
    /** Whether the client wants its connection kept (its version's default, or what its Connection says). */
    final boolean keepAlive;
    final boolean expectContinue;
    /** Connection: upgrade with an Upgrade header: the server may turn the connection into a tunnel. */
    final boolean upgrade;
    /** Transfer-Encoding and Content-Length both (RFC 9112 section 6.3): the former wins, the latter goes. */
    private final boolean ambiguous;
    /** The head must be encoded from header objects: obs-fold, Connection naming other headers, and so on. */
    private final boolean rebuild;
    private final int[] hopLines;
    private final int hopCount;
    private HttpHeaders headers;
    /** The method, target, version or headers were seen as objects: the head is encoded from them. */
    private boolean edited;
    private boolean prepared;
    /** {@code unique-id-header}'s name and the request's id, sent before the proxy's other headers; or null. */
    private String uniqueIdHeader;
    private String uniqueId;
    /** The body {@code wait-for-body} held, chunk framing out; null until it did. */
    private byte[] heldBody;

    private RequestHead(ByteBuf raw, HttpMethod method, int uriFrom, int uriTo, HttpVersion version, int headersAt,
                        long contentLength, boolean chunked, boolean keepAlive, boolean expectContinue,
                        boolean upgrade, boolean ambiguous, boolean rebuild, int[] hopLines, int hopCount) {
        super(raw);
        this.method = method;
        this.uriFrom = uriFrom;
        this.uriTo = uriTo;
        this.version = version;
        this.headersAt = headersAt;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.keepAlive = keepAlive;
        this.expectContinue = expectContinue;
        this.upgrade = upgrade;
        this.ambiguous = ambiguous;
        this.rebuild = rebuild;
        this.hopLines = hopLines;
        this.hopCount = hopCount;
    }

    @Override
    boolean dropsContentLength() {
        return ambiguous;
    }

    private static MessageFramer.BadMessage invalid(String reason) {
        return new MessageFramer.BadMessage(400, reason);
    }

    /**
     * Parses the request head at the reader index of {@code in} (after any empty lines), if all of it is there.
     *
     * @param max the largest request line, and the largest header block ({@code tune.bufsize})
     * @return the head (its bytes a retained slice, the reader index moved past them), or null when it has not
     * fully arrived or empty lines were skipped (the reader index moved past them: the head is looked for again)
     * @throws MessageFramer.BadMessage 414 for a request line over {@code max}, 431 for headers over it, 400
     *                                  for anything that is not a valid HTTP/1.x request head
     */
    static RequestHead parse(ByteBuf in, int max) {
        int skipped = in.readerIndex();
        while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
            in.skipBytes(1);
        }
        if (in.readerIndex() != skipped) {
            // The framer may have taken these lines for the blank line that ends a head: judged now, a head still
            // coming would be refused or not depending on how its bytes were cut.
            return null;
        }
        int start = in.readerIndex();
        int lf = in.indexOf(start, Math.min(in.writerIndex(), start + max), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= max) {
                throw tooLarge(in, start, start + max, 414, "request line longer than " + max + " bytes");
            }
            return null;
        }
        int lineEnd = HeadBytes.lineEnd(in, start, lf);
        int sp1 = in.indexOf(start, lineEnd, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : in.indexOf(sp1 + 1, lineEnd, (byte) ' ');
        if (sp1 <= start || sp2 <= sp1 + 1 || lineEnd - sp2 != 9 || !HeadBytes.isToken(in, start, sp1)) {
            throw invalid("invalid request line");
        }
        if (in.forEachByte(sp1 + 1, sp2 - sp1 - 1, TARGET_CHAR) >= 0) {
            throw invalid("invalid request target");
        }
        HttpVersion version;
        if (HeadBytes.isExactly(in, sp2 + 1, HTTP_1_1)) {
            version = HttpVersion.HTTP_1_1;
        } else if (HeadBytes.isExactly(in, sp2 + 1, HTTP_1_0)) {
            version = HttpVersion.HTTP_1_0;
        } else {
            throw invalid("unsupported HTTP version");
        }
        HttpMethod method = method(in, start, sp1);
        // A line ended by a bare LF: the head is re-encoded with CRLF, as a server may not end a line there.
        boolean bareLf = lineEnd == lf;
        int headersAt = lf + 1;
        int limit = Math.min(in.writerIndex(), headersAt + max);
        long contentLength = -1;
        boolean transferEncoding = false;
        boolean close = false;
        boolean keepAliveToken = false;
        boolean upgradeToken = false;
        boolean upgradeHeader = false;
        boolean expectContinue = false;
        boolean websocket = false;
        int websocketKeys = 0;
        boolean badWebsocketKey = false;
        int hostFrom = -1;
        int hostTo = -1;
        boolean rebuild = false;
        int[] hop = null;
        int hopCount = 0;
        int count = 0;
        // The last header line was Content-Length or Transfer-Encoding.
        boolean framing = false;
        // The last header line was Connection or Expect, whose tokens are read; then one of them was folded.
        boolean tokens = false;
        boolean foldedTokens = false;
        // The last header line was Host; then a Host line was folded, and its value is the joined lines'.
        boolean hostLine = false;
        boolean foldedHost = false;
        int pos = headersAt;
        while (true) {
            lf = in.indexOf(pos, limit, (byte) '\n');
            if (lf < 0) {
                if (in.writerIndex() - headersAt >= max) {
                    throw tooLarge(in, start, headersAt + max, 431, "request headers larger than " + max + " bytes");
                }
                return null;
            }
            lineEnd = HeadBytes.lineEnd(in, pos, lf);
            bareLf |= lineEnd == lf;
            if (lineEnd == pos) {
                break;
            }
            checkValue(in, pos, lineEnd);
            if (HeadBytes.isBlank(in.getByte(pos))) {
                if (count == 0) {
                    throw invalid("folded line without a header");
                }
                // HAProxy reads a folded value joined ("5 6", "chunked , gzip"): never a valid framing header.
                if (framing && in.forEachByte(pos, lineEnd - pos, b -> HeadBytes.isBlank(b)) >= 0) {
                    throw invalid("folded Content-Length or Transfer-Encoding");
                }
                // obs-fold: the value goes on; headers are re-encoded with the lines joined.
                rebuild = true;
                foldedTokens |= tokens;
                foldedHost |= hostLine;
                pos = lf + 1;
                continue;
            }
            if (++count > HttpProxy.MAXHDR) {
                throw invalid("more than " + HttpProxy.MAXHDR + " headers");
            }
            int colon = in.indexOf(pos, lineEnd, (byte) ':');
            if (colon <= pos || !HeadBytes.isToken(in, pos, colon)) {
                throw invalid("invalid header name");
            }
            int n = colon - pos;
            if (n >= MAX_NAME) {
                throw invalid("header name longer than " + (MAX_NAME - 1) + " bytes");
            }
            int v = colon + 1;
            boolean hopByHop = false;
            framing = false;
            tokens = false;
            hostLine = false;
            if (HeadBytes.is(in, pos, n, CONTENT_LENGTH)) {
                framing = true;
                long value;
                try {
                    value = HeadBytes.length(in, v, lineEnd);
                } catch (IllegalArgumentException e) {
                    throw invalid(e.getMessage());
                }
                if (contentLength >= 0 && value != contentLength) {
                    throw invalid("conflicting Content-Length");
                }
                // Two lines of one length, or a list of it, go to the server as one line (as HAProxy merges them).
                rebuild |= contentLength >= 0 || in.indexOf(v, lineEnd, (byte) ',') >= 0;
                contentLength = value;
            } else if (HeadBytes.is(in, pos, n, HOST)) {
                hostLine = true;
                int a = HeadBytes.skipBlanks(in, v, lineEnd);
                int b = HeadBytes.trimmedEnd(in, a, lineEnd);
                if (hostFrom >= 0) {
                    // Two different Hosts name two sites, and servers disagree on which one counts.
                    if (!sameIgnoringCase(in, hostFrom, hostTo, a, b)) {
                        throw invalid("conflicting Host");
                    }
                    rebuild = true;
                } else {
                    hostFrom = a;
                    hostTo = b;
                }
            } else if (HeadBytes.is(in, pos, n, TRANSFER_ENCODING)) {
                framing = true;
                // HAProxy only accepts chunked, once: anything else cannot be framed safely.
                if (transferEncoding || !HeadBytes.hasToken(in, v, lineEnd, CHUNKED)
                        || HeadBytes.hasOtherToken(in, v, lineEnd, CHUNKED) || in.indexOf(v, lineEnd, (byte) ',') >= 0) {
                    throw invalid("unsupported Transfer-Encoding");
                }
                transferEncoding = true;
            } else if (HeadBytes.is(in, pos, n, CONNECTION)) {
                close |= HeadBytes.hasToken(in, v, lineEnd, CLOSE);
                keepAliveToken |= HeadBytes.hasToken(in, v, lineEnd, KEEP_ALIVE);
                upgradeToken |= HeadBytes.hasToken(in, v, lineEnd, UPGRADE);
                // Connection may name more hop-by-hop headers, which go too: done on header objects.
                rebuild |= HeadBytes.hasOtherToken(in, v, lineEnd, CLOSE, KEEP_ALIVE, UPGRADE);
                hopByHop = true;
                tokens = true;
            } else if (HeadBytes.is(in, pos, n, UPGRADE)) {
                upgradeHeader = true;
                websocket |= HeadBytes.hasToken(in, v, lineEnd, WEBSOCKET);
                hopByHop = true;
            } else if (HeadBytes.is(in, pos, n, WEBSOCKET_KEY)) {
                int a = HeadBytes.skipBlanks(in, v, lineEnd);
                websocketKeys++;
                badWebsocketKey |= HeadBytes.trimmedEnd(in, a, lineEnd) - a != WEBSOCKET_KEY_LENGTH;
            } else if (HeadBytes.is(in, pos, n, KEEP_ALIVE_HEADER) || HeadBytes.is(in, pos, n, PROXY_CONNECTION)) {
                hopByHop = true;
            } else if (HeadBytes.is(in, pos, n, EXPECT)) {
                expectContinue |= HeadBytes.hasToken(in, v, lineEnd, CONTINUE);
                tokens = true;
            }
            if (hopByHop) {
                if (hop == null) {
                    hop = new int[2 * MAX_HOP_LINES];
                }
                if (hopCount < MAX_HOP_LINES) {
                    hop[2 * hopCount] = pos - start;
                    hop[2 * hopCount + 1] = lf + 1 - start;
                } else {
                    rebuild = true;
                }
                hopCount++;
            }
            pos = lf + 1;
        }
        int end = lf + 1;
        ByteBuf raw = in.retainedSlice(start, end - start);
        if (foldedTokens) {
            // HAProxy reads a folded value joined, as the headers sent are: "close\r\n x" is no close,
            // "te,\r\n close" is one. Folding is rare enough to read these tokens from header objects.
            HttpHeaders joined = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
            HeadBytes.headersOf(raw, headersAt - start, joined);
            close = joined.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
            keepAliveToken = joined.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE, true);
            upgradeToken = joined.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
            expectContinue = joined.containsValue(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true);
        }
        // A WebSocket handshake without a proper key: the server would refuse it or, worse, answer it otherwise.
        if (upgradeToken && websocket && (websocketKeys == 0 || badWebsocketKey)) {
            raw.release();
            throw invalid("WebSocket upgrade without a valid Sec-WebSocket-Key");
        }
        Authority authority = Authority.of(in, sp1 + 1, sp2);
        String host = null;
        if (foldedHost) {
            // A folded Host is checked as HAProxy reads it: joined with spaces, against the other Host lines too.
            List<String> hosts = HeadBytes.read(raw, headersAt - start, "host");
            if (hosts.stream().anyMatch(h -> !h.equalsIgnoreCase(hosts.get(0)))) {
                raw.release();
                throw invalid("conflicting Host");
            }
            host = hosts.get(0);
        } else if (authority != null && hostFrom >= 0) {
            host = in.toString(hostFrom, hostTo - hostFrom, StandardCharsets.ISO_8859_1);
        }
        if (authority != null && host != null && !authority.agrees(host)) {
            raw.release();
            throw invalid("request target's authority differs from Host");
        }
        boolean ambiguous = transferEncoding && contentLength >= 0;
        boolean upgrade = upgradeToken && upgradeHeader;
        boolean keepAlive = !close && !ambiguous
                && (version == HttpVersion.HTTP_1_1 || keepAliveToken);
        in.readerIndex(end);
        RequestHead head = new RequestHead(raw, method, sp1 + 1 - start, sp2 - start, version, headersAt - start,
                transferEncoding ? -1 : contentLength, transferEncoding, keepAlive, expectContinue, upgrade,
                ambiguous, rebuild || ambiguous || upgrade || bareLf, hop, hopCount);
        String normalized = authority == null ? null : authority.normalized(head.uri());
        if (normalized != null) {
            head.setUri(normalized);
            if (hostFrom >= 0) {
                head.headers().set(HttpHeaderNames.HOST, authority.name());
            }
        }
        return head;
    }

    /**
     * A head over its limit, unless its bytes were invalid before that: a head that came in pieces was refused
     * (400) by {@link PartialHeadCheck} before it grew that large, and the same bytes must get the same answer
     * however they were cut: the bytes up to the limit are judged, as they would have been in pieces.
     */
    private static MessageFramer.BadMessage tooLarge(ByteBuf in, int start, int limit, int status, String reason) {
        String invalid = new PartialHeadCheck().check(in, start, Math.min(limit, in.writerIndex()));
        return invalid != null ? invalid(invalid) : new MessageFramer.BadMessage(status, reason);
    }

    private static final byte[] HTTP_1_1 = HeadBytes.ascii("HTTP/1.1");
    private static final byte[] HTTP_1_0 = HeadBytes.ascii("HTTP/1.0");
    /** A fragment is the client's own business: a target carrying one is refused, as HAProxy does. */
    private static final ByteProcessor TARGET_CHAR = b -> b > ' ' && b != 127 && b != '#';

    private static boolean sameIgnoringCase(ByteBuf in, int a, int aTo, int b, int bTo) {
        if (aTo - a != bTo - b) {
            return false;
        }
        for (int i = 0; i < aTo - a; i++) {
            if (Character.toLowerCase(in.getByte(a + i)) != Character.toLowerCase(in.getByte(b + i))) {
                return false;
            }
        }
        return true;
    }

    private static void checkValue(ByteBuf in, int from, int to) {
        if (!HeadBytes.isFieldValue(in, from, to)) {
            throw invalid("control character in a header");
        }
    }

    private static HttpMethod method(ByteBuf in, int from, int to) {
        int length = to - from;
        byte first = in.getByte(from);
        if (length == 3 && first == 'G' && in.getByte(from + 1) == 'E' && in.getByte(from + 2) == 'T') {
            return HttpMethod.GET;
        }
        return HttpMethod.valueOf(in.toString(from, length, StandardCharsets.US_ASCII));
    }

    @Override
    public MessageFramer.Body body() {
        return chunked ? MessageFramer.Body.CHUNKED : contentLength > 0 ? MessageFramer.Body.LENGTH
                : MessageFramer.Body.NONE;
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    /** Whether a body follows (for L7 retries, which only replay requests without one). */
    boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /**
     * The head for the server: hop-by-hop headers out (RFC 9110 section 7.6.1; an {@code Upgrade} the client
     * asked for stays), the proxy's headers in.
     *
     * @param close the server connection closes after this request
     */
    ByteBuf toServer(ByteBufAllocator alloc, AddressHeader forwardFor, SocketAddress client, AddressHeader originalTo,
                     SocketAddress local, boolean close) {
        boolean ifNone = forwardFor != null && forwardFor.ifNone() || originalTo != null && originalTo.ifNone();
        if (edited || rebuild || ifNone) {
            HttpHeaders h = headers();
            if (!prepared) {
                // Once: a replayed request (retry-on) must not get a second X-Forwarded-For.
                prepared = true;
                if (ambiguous) {
                    h.remove(HttpHeaderNames.CONTENT_LENGTH);
                } else {
                    mergeRepeated(h);
                }
                if (uniqueIdHeader != null) {
                    h.add(uniqueIdHeader, uniqueId);
                }
                RequestHeaders.prepare(this, forwardFor, client, originalTo, local, close);
            }
            return HeadBytes.encode(alloc, method.asciiName() + " " + uri() + " " + version.text(), h);
        }
        return HeadBytes.rewrite(alloc, raw, hopLines, hopCount, addedLines(),
                uniqueIdHeader == null ? null
                        : (uniqueIdHeader + ": " + uniqueId + "\r\n").getBytes(StandardCharsets.ISO_8859_1),
                RequestHeaders.addressLine(forwardFor, client), RequestHeaders.addressLine(originalTo, local),
                HeadBytes.connectionLine(version == HttpVersion.HTTP_1_1, !close));
    }

    /** Repeated Content-Length or Host lines (or a list of one length) that parse() accepted go as one line. */
    private void mergeRepeated(HttpHeaders h) {
        List<String> lengths = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (lengths.size() > 1 || lengths.size() == 1 && lengths.get(0).indexOf(',') >= 0) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        }
        List<String> hosts = h.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            h.set(HttpHeaderNames.HOST, hosts.get(0));
        }
    }

    /** {@code unique-id-header}: the request goes to the server with its id in that header, as HAProxy adds it. */
    void uniqueId(String header, String id) {
        uniqueIdHeader = header;
        uniqueId = id;
    }

    /** A copy as Netty message objects, for an applet. */
    HttpRequest copy() {
        HttpRequest copy = new DefaultHttpRequest(version, method, uri(), DefaultHttpHeadersFactory.headersFactory());
        copy.headers().set(headers());
        return copy;
    }

    @Override
    public HttpMethod method() {
        return method;
    }

    @Override
    @Deprecated
    public HttpMethod getMethod() {
        return method;
    }

    @Override
    public HttpRequest setMethod(HttpMethod method) {
        edited = true;
        this.method = method;
        return this;
    }

    @Override
    public String uri() {
        if (uri == null) {
            uri = raw.toString(raw.readerIndex() + uriFrom, uriTo - uriFrom, StandardCharsets.ISO_8859_1);
        }
        return uri;
    }

    @Override
    @Deprecated
    public String getUri() {
        return uri();
    }

    @Override
    public HttpRequest setUri(String uri) {
        edited = true;
        this.uri = uri;
        return this;
    }

    @Override
    public HttpVersion protocolVersion() {
        return version;
    }

    @Override
    @Deprecated
    public HttpVersion getProtocolVersion() {
        return version;
    }

    @Override
    public HttpRequest setProtocolVersion(HttpVersion version) {
        edited = true;
        this.version = version;
        return this;
    }

    // --- RequestView: reading never edits; once a rule edited the head, its header objects are what is read ---

    @Override
    public String methodName() {
        return method.name();
    }

    @Override
    public String versionNumber() {
        return version.majorVersion() + "." + version.minorVersion();
    }

    @Override
    public List<String> headerLines(String name) {
        List<String> lines = lines(name);
        return name.equalsIgnoreCase("connection")
                ? lines.stream().map(RequestHead::connectionOptions).filter(v -> !v.isEmpty()).toList() : lines;
    }

    private List<String> lines(String name) {
        return headers != null ? headers.getAll(name) : withAdded(name, HeadBytes.read(raw, headersAt, name));
    }

    @Override
    public List<String> headerNames() {
        List<String> names = headers != null ? headers.entries().stream().map(Map.Entry::getKey).toList()
                : namesWithAdded(HeadBytes.read(raw, headersAt, null));
        if (names.stream().noneMatch("connection"::equalsIgnoreCase)) {
            return names;
        }
        Iterator<String> values = lines("connection").iterator();
        List<String> kept = new ArrayList<>(names.size());
        for (String n : names) {
            if (!n.equalsIgnoreCase("connection") || !connectionOptions(values.next()).isEmpty()) {
                kept.add(n);
            }
        }
        return kept;
    }

    /**
     * A Connection value as HAProxy's rules see it ({@code h1_parse_connection_header}): its {@code close} and
     * {@code keep-alive} tokens are the connection's, taken out; a line left empty is no header at all.
     */
    private static String connectionOptions(String value) {
        StringBuilder out = new StringBuilder();
        for (String token : value.split(",")) {
            String t = token.strip();
            if (!t.isEmpty() && !t.equalsIgnoreCase("close") && !t.equalsIgnoreCase("keep-alive")) {
                out.append(out.length() == 0 ? "" : ",").append(t);
            }
        }
        return out.toString();
    }

    @Override
    public byte[] bodyBytes() {
        return heldBody == null ? new byte[0] : heldBody;
    }

    @Override
    public long bodySize() {
        return chunked ? bodyBytes().length : Math.max(contentLength, 0);
    }

    /** What of the body {@code wait-for-body} held: the rules read it from now on, and wait for it no more. */
    void heldBody(byte[] body) {
        heldBody = body;
    }

    /** Whether the rules need not wait for a body: none comes, or one was held already. */
    boolean bodyHeld() {
        return heldBody != null || !hasBody();
    }

    /** Whether the head will be encoded from header objects rather than sent in the bytes it came in. */
    boolean edited() {
        return edited;
    }

    @Override
    int headersAt() {
        return headersAt;
    }

    @Override
    boolean inBytes() {
        return headers == null;
    }

    /** The headers as objects: from now on the head sent is encoded from them. */
    @Override
    public HttpHeaders headers() {
        if (headers == null) {
            headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
            HeadBytes.headersOf(raw, headersAt, headers);
            moveAdded(headers);
        }
        edited = true;
        return headers;
    }

    @Override
    public DecoderResult decoderResult() {
        return DecoderResult.SUCCESS;
    }

    @Override
    @Deprecated
    public DecoderResult getDecoderResult() {
        return DecoderResult.SUCCESS;
    }

    @Override
    public void setDecoderResult(DecoderResult result) {
        throw new UnsupportedOperationException("a parsed request head is valid");
    }

    @Override
    public String toString() {
        return method + " " + uri() + " " + version;
    }
}
