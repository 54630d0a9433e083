package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * Turns what {@link RequestParser} frames into Netty's HTTP messages, for the applets (stats page, exporter)
 * that a request is handed over to: they read requests through Netty's aggregator.
 */
final class AppletMessages extends MessageToMessageDecoder<Object> {
    @Override
    public boolean acceptInboundMessage(Object msg) {
        return msg instanceof RequestHead || msg instanceof ByteBuf || msg == MessageFramer.END
                || msg instanceof MessageFramer.Invalid;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof RequestHead head) {
            out.add(head.copy());
        } else if (msg instanceof ByteBuf body) {
            out.add(new DefaultHttpContent(body.retain()));
        } else if (msg == MessageFramer.END) {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            // A request that cannot be framed: nothing more is read from this connection.
            ctx.close();
        }
    }
}
