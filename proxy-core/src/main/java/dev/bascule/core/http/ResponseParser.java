package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * Frames the responses of a server connection: {@link ResponseHead}s, their bodies as they arrived, and after a
 * {@code 101} everything as it comes.
 */
final class ResponseParser extends MessageFramer {
    private final int maxHead;
    private boolean headRequest;

    ResponseParser(int maxHead) {
        this.maxHead = maxHead;
    }

    /** The request just sent was a HEAD: its response has no body, whatever its headers say. */
    void expectResponseTo(boolean head) {
        headRequest = head;
    }

    @Override
    protected Head head(ByteBuf in) {
        return ResponseHead.parse(in, maxHead, headRequest);
    }

    /** Bytes of a response that has not come whole (on an idle connection: junk, or a late partial answer). */
    boolean holdsBytes() {
        return internalBuffer().isReadable();
    }

    @Override
    protected int headLimit(int firstLf) {
        return maxHead;
    }

    @Override
    protected void ended(List<Object> out) {
        super.ended(out);
        headRequest = false;
    }
}
