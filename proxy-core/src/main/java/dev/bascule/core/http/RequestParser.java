package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;

/** Frames the requests of a client connection: {@link RequestHead}s, then their bodies as they arrived. */
final class RequestParser extends MessageFramer {
    private final int max;

    RequestParser(int max) {
        this.max = max;
    }

    @Override
    protected Head head(ByteBuf in) {
        return RequestHead.parse(in, max);
    }

    /** A request line and a header block may each take up {@code max} bytes. */
    @Override
    protected int headLimit(int firstLf) {
        return firstLf < 0 ? max : firstLf + 1 + max;
    }
}
