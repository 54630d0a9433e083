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
    private final Consumer<Throwable> failed;
    private final long acceptedMillis = System.currentTimeMillis();
    private String sni;

    /**
     * @param install adds the frontend's handlers after this one and sets the channel's auto-read as they need it
     * @param failed  told why a handshake failed (HAProxy's "SSL handshake failure" log)
     */
    public TlsAccept(Runnable install, Consumer<Throwable> failed) {
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
                failed.accept(e.cause());
                ctx.close();
                return;
            }
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
        // A handshake's errors come here before its completion event: that event closes, with the reason.
        log.debug("TLS error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
