package dev.bascule.core.dns;

import dev.bascule.config.model.Resolvers;
import dev.bascule.config.model.ServerDns;
import dev.bascule.core.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A resolvers section's socket and timer on one event loop: one UDP socket sends each query to every name server
 * and reads their responses (a response is taken from a configured name server only), and the timer wakes the
 * section's {@link NameResolvers} when it asks to be. Nothing here blocks.
 */
final class ResolverSockets implements NameResolvers.Sender {
    private static final Logger log = LoggerFactory.getLogger(ResolverSockets.class);

    private final Resolvers config;
    private final NameResolvers section;
    private final EventLoop loop;
    private final Transport transport;
    private Channel channel;
    private ScheduledFuture<?> timer;
    private boolean stopped;

    ResolverSockets(Resolvers config, EventLoop loop, Transport transport) {
        this.config = config;
        this.section = new NameResolvers(config, this);
        this.loop = loop;
        this.transport = transport;
    }

    Resolvers config() {
        return config;
    }

    NameResolvers section() {
        return section;
    }

    void start() {
        loop.execute(() -> {
            Channel c = transport.datagram(false);
            // A response larger than announced is cut at one byte more, and refused as HAProxy refuses it.
            c.config().setOption(ChannelOption.RCVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(config.acceptedPayloadSize() + 1));
            c.pipeline().addLast(new Responses());
            loop.register(c).addListener(r -> {
                if (!r.isSuccess()) {
                    log.warn("resolvers '{}': can't create socket for its nameservers: {}", config.name(),
                            r.cause().getMessage());
                    return;
                }
                c.bind(new InetSocketAddress(0)).addListener(b -> {
                    if (!b.isSuccess()) {
                        log.warn("resolvers '{}': can't bind a socket for its nameservers: {}", config.name(),
                                b.cause().getMessage());
                    }
                    wake();
                });
            });
            channel = c;
        });
    }

    /** The generation's requesters; applied on the loop, which then runs what is due. */
    void requesters(List<Requester> all) {
        loop.execute(() -> {
            section.requesters(all, System.nanoTime());
            wake();
        });
    }

    void stop() {
        loop.execute(() -> {
            stopped = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
        });
    }

    private void wake() {
        if (stopped) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        long delay = section.wake(System.nanoTime());
        timer = loop.schedule(this::wake, delay, TimeUnit.NANOSECONDS);
    }

    @Override
    public int send(byte[] query) {
        Channel c = channel;
        if (c == null || !c.isActive()) {
            return 0;
        }
        int sent = 0;
        for (Resolvers.Nameserver ns : config.nameservers()) {
            InetSocketAddress to = new InetSocketAddress(ServerDns.literal(ns.address().host()),
                    ns.address().port());
            c.write(new DatagramPacket(Unpooled.wrappedBuffer(query), to), c.voidPromise());
            sent++;
        }
        c.flush();
        return sent;
    }

    private final class Responses extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            Resolvers.Nameserver from = null;
            for (Resolvers.Nameserver ns : config.nameservers()) {
                InetSocketAddress sender = packet.sender();
                if (sender.getPort() == ns.address().port()
                        && sender.getAddress().equals(ServerDns.literal(ns.address().host()))) {
                    from = ns;
                    break;
                }
            }
            ByteBuf content = packet.content();
            if (from == null || content.readableBytes() > config.acceptedPayloadSize()) {
                return;
            }
            byte[] data = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), data);
            try {
                section.received(from.name(), DnsMessage.parse(data, data.length), System.nanoTime());
            } catch (DnsMessage.Malformed e) {
                log.debug("resolvers '{}': invalid response from nameserver '{}': {}", config.name(), from.name(),
                        e.getMessage());
                return;
            }
            wake();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("resolvers '{}': {}", config.name(), cause.getMessage());
        }
    }
}
