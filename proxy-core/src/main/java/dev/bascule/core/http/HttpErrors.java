package dev.bascule.core.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The responses HAProxy produces itself, byte for byte its default errorfiles (HAProxy 2.6's
 * {@code http_err_msgs}: reason phrases, header names, order and messages, typos included), for the forwarding
 * path and the applets alike.
 */
public final class HttpErrors {
    private HttpErrors() {
    }

    private record Page(String reason, String message) {
    }

    private static final Map<Integer, Page> PAGES = Map.ofEntries(
            Map.entry(200, new Page("OK", "Service ready.")),
            Map.entry(400, new Page("Bad request", "Your browser sent an invalid request.")),
            Map.entry(401, new Page("Unauthorized", "You need a valid user and password to access this content.")),
            Map.entry(403, new Page("Forbidden", "Request forbidden by administrative rules.")),
            Map.entry(404, new Page("Not Found", "The resource could not be found.")),
            Map.entry(405, new Page("Method Not Allowed",
                    "A request was made of a resource using a request method not supported by that resource")),
            Map.entry(407, new Page("Unauthorized", "You need a valid user and password to access this content.")),
            Map.entry(408, new Page("Request Time-out", "Your browser didn't send a complete request in time.")),
            Map.entry(410, new Page("Gone",
                    "The resource is no longer available and will not be available again.")),
            Map.entry(413, new Page("Payload Too Large", "The request entity exceeds the maximum allowed.")),
            Map.entry(421, new Page("Misdirected Request", "Request sent to a non-authoritative server.")),
            Map.entry(422, new Page("Unprocessable Content", "The server cannot process the contained instructions.")),
            Map.entry(425, new Page("Too Early", "Your browser sent early data.")),
            Map.entry(429, new Page("Too Many Requests",
                    "You have sent too many requests in a given amount of time.")),
            Map.entry(500, new Page("Internal Server Error", "An internal server error occurred.")),
            Map.entry(501, new Page("Not Implemented",
                    ".The server does not support the functionality required to fulfill the request.")),
            Map.entry(502, new Page("Bad Gateway", "The server returned an invalid or incomplete response.")),
            Map.entry(503, new Page("Service Unavailable", "No server is available to handle this request.")),
            Map.entry(504, new Page("Gateway Time-out", "The server didn't respond in time.")),
            // Not HAProxy's (it answers 400 where Bascule says which limit the request passed): Netty's reasons.
            Map.entry(414, new Page(null, "The request URI is too long.")),
            Map.entry(431, new Page(null, "The request headers are too large.")));

    /**
     * The page for {@code code}. Only 400 and 408 say {@code Connection: close}, as HAProxy's do (its connection
     * answers them and closes); for the others the caller says what the connection does next.
     */
    public static FullHttpResponse response(int code, ByteBufAllocator alloc) {
        Page page = PAGES.get(code);
        HttpResponseStatus status = page == null || page.reason == null ? HttpResponseStatus.valueOf(code)
                : new HttpResponseStatus(code, page.reason);
        String message = page == null ? status.reasonPhrase() + "." : page.message;
        byte[] body = ("<html><body><h1>" + code + " " + status.reasonPhrase() + "</h1>\n" + message
                + "\n</body></html>\n").getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                alloc.buffer(body.length).writeBytes(body));
        HttpHeaders h = response.headers();
        h.add("Content-length", body.length).add("Cache-Control", "no-cache");
        if (code == 400 || code == 408) {
            h.add("Connection", "close");
        }
        h.add("Content-Type", "text/html");
        return response;
    }

    /** How many bytes {@code page} takes on the wire, as the response encoder writes it: the stats' bout. */
    public static long wireSize(io.netty.handler.codec.http.FullHttpResponse page) {
        long n = page.protocolVersion().text().length() + 1 + 3 + 1 + page.status().reasonPhrase().length() + 2;
        for (Map.Entry<String, String> h : page.headers()) {
            n += h.getKey().length() + 2 + h.getValue().length() + 2;
        }
        return n + 2 + page.content().readableBytes();
    }
}
