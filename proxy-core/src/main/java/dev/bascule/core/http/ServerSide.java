package dev.bascule.core.http;

import dev.bascule.core.ServerState;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The server end of an HTTP connection: hands each response message to the client side it serves, or,
 * while the connection waits in the {@link IdlePool}, closes it on anything the server sends or on
 * {@code timeout server}.
 */
final class ServerSide extends ChannelInboundHandlerAdapter {
    private final ServerState server;
    private final ResponseParser parser;
    /** The client side this connection works for, or null while it is idle in the pool. */
    private ClientSide client;
    private ChannelHandlerContext ctx;
    /** As on the client side: a read the read event did not satisfy is asked again. */
    private boolean readWanted;
    /** Requests sent over this connection (more than one: the server keeps connections). */
    private int requests;

    ServerSide(ServerState server, ClientSide client, ResponseParser parser) {
        this.server = server;
        this.client = client;
        this.parser = parser;
    }

    /** The request about to be sent: whether its response can have a body depends on its method. */
    void sending(HttpRequest request) {
        requests++;
        parser.expectResponseTo(request.method() == HttpMethod.HEAD);
    }

    int requests() {
        return requests;
    }

    void bind(ClientSide owner) {
        client = owner;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void read() {
        readWanted = true;
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readWanted) {
            ctx.read();
        }
        if (client != null) {
            client.serverReadComplete();
        } else if (parser.holdsBytes()) {
            // An idle connection got part of something: the next response on it could not be framed.
            ctx.close();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readWanted = false;
        if (client == null) {
            // Nobody asked: a second response, or garbage. HAProxy drops such a connection.
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        client.onResponse(ctx.channel(), msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client == null) {
            IdlePool.remove(server, ctx.channel());
        } else {
            client.serverClosed(ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (client != null && ctx.channel().isWritable()) {
            client.serverWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** {@code timeout server} while a response is awaited is HAProxy's 504; an idle connection just closes. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // Server channels allow half-closure (for TCP relays); in HTTP a server's FIN ends the connection, after
            // the parser has delivered a response delimited by it.
            ctx.close();
        } else if (evt instanceof IdleStateEvent) {
            if (client == null) {
                ctx.close();
            } else {
                client.serverTimedOut(ctx.channel());
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
