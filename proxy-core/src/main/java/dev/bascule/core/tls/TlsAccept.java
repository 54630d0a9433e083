package dev.bascule.core.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Holds a TLS client connection back from its frontend until the handshake is done: then records the session on
 * the channel ({@link TlsSession}), has the frontend's handlers installed behind it, and tells them the connection
 * is active, so that a stream starts with the TLS facts known (the TCP relay connects to a server only then, as
 * HAProxy does). A failed handshake closes the connection; no stream ever began.
 */
public final class TlsAccept extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsAccept.class);

    private final Runnable install;
    private final Consumer<String> failed;
    private final long acceptedMillis = System.currentTimeMillis();
    private String sni;
    /** The handshake's outcome was handled (a failure may be told by an exception, an event and the close). */
    private boolean done;

    /**
     * @param install adds the frontend's handlers after this one and sets the channel's auto-read as they need it
     * @param failed  told once why a handshake failed, in HAProxy's words ({@code SSL handshake failure})
     */
    public TlsAccept(Runnable install, Consumer<String> failed) {
        this.install = install;
        this.failed = failed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // The client's hello is read whatever the frontend's auto-read: the SslHandler reads on until it is done.
        ctx.read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SniCompletionEvent e) {
            sni = e.hostname();
        } else if (evt instanceof SslHandshakeCompletionEvent e) {
            if (!e.isSuccess()) {
                fail(ctx, e.cause());
                return;
            }
            done = true;
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            TlsSession.record(ctx.channel(), tls.engine().getSession(), sni, tls.applicationProtocol(), acceptedMillis);
            install.run();
            ctx.fireChannelActive();
            ctx.pipeline().remove(this);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A hello the SNI lookup refuses (strict-sni) ends here without a completion event.
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, new java.nio.channels.ClosedChannelException());
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        failed.accept(cause instanceof io.netty.handler.ssl.SslHandshakeTimeoutException ? "Timeout during SSL handshake"
                : cause instanceof java.nio.channels.ClosedChannelException ? "Connection closed during SSL handshake"
                : "SSL handshake failure");
        ctx.close();
    }
}
