package dev.bascule.dist;

import dev.bascule.config.model.Address;
import dev.bascule.core.StartupException;
import dev.bascule.core.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.channel.ChannelFutureListener;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/** A tiny web server for the demo that answers every request with its own name. */
final class DemoBackend {
    private final Channel channel;

    private DemoBackend(Channel channel) {
        this.channel = channel;
    }

    static DemoBackend start(String name, Address address, EventLoopGroup loops, Transport transport)
            throws StartupException {
        byte[] body = ("Hello from " + name + "\n").getBytes(StandardCharsets.UTF_8);
        SocketAddress bindAddress = transport.bindAddress(address);
        Channel ch = new ServerBootstrap()
                .group(loops)
                .channelFactory(transport.listener(address, bindAddress))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new Responder(name, body));
                    }
                })
                .bind(bindAddress).syncUninterruptibly().channel();
        return new DemoBackend(ch);
    }

    void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String name;
        private final byte[] body;

        Responder(String name, byte[] body) {
            this.name = name;
            this.body = body;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set("X-Served-By", name);
            boolean keepAlive = HttpUtil.isKeepAlive((HttpRequest) request);
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Health checks end with a reset, as HAProxy's do: nothing to report.
            ctx.close();
        }
    }
}
