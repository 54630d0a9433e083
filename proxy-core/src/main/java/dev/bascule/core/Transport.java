package dev.bascule.core;

import dev.bascule.config.model.Address;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * The polling system: Linux's native epoll when Netty's native library loads here, Java NIO otherwise
 * (HAProxy's "Available polling systems" in {@code -vv}), and the channel types it offers per address family.
 */
public final class Transport {
    private final String name;
    private final IoHandlerFactory ioHandlers;
    private final boolean epoll;

    private Transport(String name, IoHandlerFactory ioHandlers, boolean epoll) {
        this.name = name;
        this.ioHandlers = ioHandlers;
        this.epoll = epoll;
    }

    /** epoll if it is usable on this machine and not disabled, else NIO. */
    public static Transport select(boolean epollDisabled) {
        if (!epollDisabled && Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), true);
        }
        return new Transport("nio", NioIoHandler.newFactory(), false);
    }

    /** Why epoll cannot be used here, or null when it can. */
    public static String epollUnavailability() {
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? null : String.valueOf(cause.getMessage());
    }

    public String name() {
        return name;
    }

    public EventLoopGroup newEventLoops(int threads, String poolName) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(poolName, true), ioHandlers);
    }

    /** Makes the listening channel for a bind address; an {@code fd@} one adopts the inherited socket. */
    public ChannelFactory<ServerChannel> listener(Address address) throws StartupException {
        switch (address.family()) {
            case INET:
                return epoll ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
            case UNIX:
                return epoll ? EpollServerDomainSocketChannel::new : NioServerDomainSocketChannel::new;
            case ABNS:
                requireEpoll(address);
                return EpollServerDomainSocketChannel::new;
            default:
                requireEpoll(address);
                return () -> new EpollServerSocketChannel(address.fd());
        }
    }

    /** The channel type that connects to a server at this address. */
    public Class<? extends Channel> connector(Address address) throws StartupException {
        switch (address.family()) {
            case INET:
                return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
            case UNIX:
                return epoll ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
            default:
                requireEpoll(address);
                return EpollDomainSocketChannel.class;
        }
    }

    /**
     * The socket address of a Unix or abstract address, or of a TCP one with a resolved host. An abstract
     * name is a path that starts with a NUL byte, which Linux reads as "not in the file system".
     */
    public SocketAddress socketAddress(Address address, java.net.InetAddress resolved) {
        return switch (address.family()) {
            case INET -> new InetSocketAddress(resolved, address.port());
            case UNIX -> epoll ? new DomainSocketAddress(address.path()) : UnixDomainSocketAddress.of(address.path());
            case ABNS -> new DomainSocketAddress("\0" + address.path());
            case FD -> throw new IllegalArgumentException("an fd@ address has no socket address");
        };
    }

    private void requireEpoll(Address address) throws StartupException {
        if (!epoll) {
            throw new StartupException("'" + address + "' needs the epoll polling system, and Bascule runs on "
                    + name + " here (-de, 'noepoll', or epoll unavailable)");
        }
    }

    /** Readies a new connection's channel (accepted or outbound) before it carries data. */
    public void prepare(Channel channel) {
        if (channel instanceof EpollSocketChannel || channel instanceof EpollDomainSocketChannel) {
            EpollInterestWorkaround.apply(channel);
        }
    }
}
