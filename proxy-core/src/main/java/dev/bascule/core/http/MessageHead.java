package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/** A message head kept in the bytes it arrived in (a retained slice of the read buffer), which it releases. */
abstract class MessageHead extends AbstractReferenceCounted implements MessageFramer.Head {
    protected final ByteBuf raw;

    MessageHead(ByteBuf raw) {
        this.raw = raw;
    }

    /** How many bytes the head took on the wire, as it came. */
    int size() {
        return raw.readableBytes();
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
