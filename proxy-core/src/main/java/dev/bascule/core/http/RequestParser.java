package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/** Frames the requests of a client connection: {@link RequestHead}s, then their bodies as they arrived. */
final class RequestParser extends MessageFramer {
    private final int max;
    private final Runnable bytesArrived;
    private final PartialHeadCheck partial = new PartialHeadCheck();

    /** @param bytesArrived told of every read, before it is parsed (for {@code timeout http-request}) */
    RequestParser(int max, Runnable bytesArrived) {
        this.max = max;
        this.bytesArrived = bytesArrived;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        bytesArrived.run();
        super.channelRead(ctx, msg);
    }

    @Override
    protected Head head(ByteBuf in) {
        return RequestHead.parse(in, max);
    }

    @Override
    protected void checkPartial(ByteBuf in) {
        String invalid = partial.check(in, in.readerIndex(), in.writerIndex());
        if (invalid != null) {
            throw new BadMessage(400, invalid);
        }
    }

    @Override
    protected void headParsed() {
        partial.reset();
    }

    /**
     * A request line and a header block may each take up {@code max} bytes: past a request line over its limit,
     * the head is refused at once (414), not when the header block's limit is reached.
     */
    @Override
    protected int headLimit(int firstLf) {
        return firstLf < 0 || firstLf >= max ? max : firstLf + 1 + max;
    }
}
