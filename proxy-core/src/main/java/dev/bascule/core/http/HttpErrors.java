package dev.bascule.core.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The responses HAProxy produces itself, with its bodies (src/http_htx.c's default error messages), for the
 * forwarding path and the applets alike.
 */
public final class HttpErrors {
    private HttpErrors() {
    }

    private static final Map<Integer, String> MESSAGES = Map.ofEntries(
            Map.entry(200, "Service ready."),
            Map.entry(400, "Your browser sent an invalid request."),
            Map.entry(401, "You need a valid user and password to access this content."),
            Map.entry(403, "Request forbidden by administrative rules."),
            Map.entry(408, "Your browser didn't send a complete request in time."),
            Map.entry(414, "The request URI is too long."),
            Map.entry(431, "The request headers are too large."),
            Map.entry(500, "An internal server error occurred."),
            Map.entry(501, "The server does not support the requested method."),
            Map.entry(502, "The server returned an invalid or incomplete response."),
            Map.entry(503, "No server is available to handle this request."),
            Map.entry(504, "The server didn't respond in time."));

    /** Where HAProxy's reason phrase is not Netty's (HAProxy 2.6's http_err_msgs). */
    private static final Map<Integer, String> REASONS = Map.of(
            400, "Bad request", 408, "Request Time-out", 504, "Gateway Time-out");

    /** The page for {@code code}, with {@code Connection: close} for errors (the caller may say otherwise). */
    public static FullHttpResponse response(int code, ByteBufAllocator alloc) {
        HttpResponseStatus status = REASONS.containsKey(code) ? new HttpResponseStatus(code, REASONS.get(code))
                : HttpResponseStatus.valueOf(code);
        byte[] body = ("<html><body><h1>" + code + " " + status.reasonPhrase() + "</h1>\n"
                + MESSAGES.getOrDefault(code, status.reasonPhrase() + ".") + "\n</body></html>\n")
                .getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                alloc.buffer(body.length).writeBytes(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_HTML);
        if (code >= 400) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
