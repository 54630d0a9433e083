package dev.bascule.core.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's request decoder, except for a request carrying both Transfer-Encoding and Content-Length: Netty's
 * strict mode rejects it, while HAProxy, as RFC 9112 section 6.3 allows, lets Transfer-Encoding win, drops
 * Content-Length and closes the connection after the response (the sender may be attempting smuggling).
 */
final class RequestDecoder extends HttpRequestDecoder {
    RequestDecoder(int bufsize) {
        super(bufsize, bufsize, 8192);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        clearContentLength();
        message.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        HttpUtil.setKeepAlive(message, false);
    }
}
