package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns what {@link RequestParser} frames into Netty's HTTP messages, for the applets (stats page, exporter)
 * that a request is handed over to: they read requests through Netty's aggregator. A chunked body, which the
 * parser passes on with its chunk framing, is collected and handed over without it.
 */
final class AppletMessages extends MessageToMessageDecoder<Object> {
    /** The applets read small forms; a chunked body longer than this closes the connection. */
    private static final int MAX_CHUNKED = 64 * 1024;

    /** The chunked body of the current request, decoded when it ends, or null. */
    private ByteBuf chunked;

    @Override
    public boolean acceptInboundMessage(Object msg) {
        return msg instanceof RequestHead || msg instanceof ByteBuf || msg == MessageFramer.END
                || msg instanceof MessageFramer.Invalid;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof RequestHead head) {
            out.add(applet(head));
        } else if (msg instanceof ByteBuf body) {
            if (chunked == null) {
                out.add(new DefaultHttpContent(body.retain()));
            } else if (chunked.readableBytes() + body.readableBytes() > MAX_CHUNKED) {
                ctx.close();
            } else {
                chunked.writeBytes(body);
            }
        } else if (msg == MessageFramer.END) {
            out.add(chunked == null ? LastHttpContent.EMPTY_LAST_CONTENT : new DefaultLastHttpContent(dechunked()));
        } else {
            // A request that cannot be framed: nothing more is read from this connection.
            ctx.close();
        }
    }

    /** The request as the applet sees it: a chunked one as if it had come with its length. */
    HttpRequest applet(RequestHead head) {
        HttpRequest request = head.copy();
        if (head.chunked) {
            request.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            chunked = Unpooled.buffer();
        }
        return request;
    }

    /** The data of the collected chunks (their framing was checked by the parser). */
    private ByteBuf dechunked() {
        ByteBuf in = chunked;
        chunked = null;
        ByteBuf data = Unpooled.buffer(in.readableBytes());
        while (true) {
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                break;
            }
            String line = in.toString(in.readerIndex(), lf - in.readerIndex(), StandardCharsets.US_ASCII);
            in.readerIndex(lf + 1);
            int end = line.indexOf(';');
            int size = Integer.parseInt((end < 0 ? line : line.substring(0, end)).trim(), 16);
            if (size == 0) {
                break;
            }
            data.writeBytes(in, size);
            in.skipBytes(2);
        }
        in.release();
        return data;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (chunked != null) {
            chunked.release();
            chunked = null;
        }
    }
}
