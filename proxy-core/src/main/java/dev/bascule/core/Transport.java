package dev.bascule.core;

import dev.bascule.config.model.Address;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
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

    /** Whether Unix datagram sockets ({@code log /dev/log}) can be written: with epoll only. */
    public boolean unixDatagrams() {
        return epoll;
    }

    /** A datagram channel for log lines: UDP, or a Unix datagram socket (see {@link #unixDatagrams}). */
    public Channel datagram(boolean unix) {
        if (unix) {
            return new io.netty.channel.epoll.EpollDomainDatagramChannel();
        }
        return epoll ? new io.netty.channel.epoll.EpollDatagramChannel()
                : new io.netty.channel.socket.nio.NioDatagramChannel();
    }

    /**
     * Makes the listening channel for a bind address; an {@code fd@} one is {@link #adopted} instead.
     *
     * @param socket where it binds (for a TCP address: an IPv4 one gets an IPv4 socket, not a dual-stack one)
     */
    public ChannelFactory<ServerChannel> listener(Address address, SocketAddress socket) throws StartupException {
        switch (address.family()) {
            case INET:
                SocketProtocolFamily family = familyOf(socket);
                return epoll ? () -> new EpollServerSocketChannel(family) : NioServerSocketChannel::new;
            case UNIX:
                return epoll ? EpollServerDomainSocketChannel::new : NioServerDomainSocketChannel::new;
            case ABNS:
                requireEpoll(address);
                return EpollServerDomainSocketChannel::new;
            default:
                throw new IllegalArgumentException("'" + address + "' is a socket to adopt, not an address to bind");
        }
    }

    /**
     * Adopts a socket that listens already: received from the process being replaced, bound outside Netty
     * ({@link #listenUnix}), or inherited ({@code fd@N}). Epoll only: NIO cannot take a file descriptor.
     *
     * @param unix whether it is a Unix socket rather than a TCP one
     */
    public ChannelFactory<ServerChannel> adopted(Address address, boolean unix, int fd) throws StartupException {
        requireEpoll(address);
        return unix ? () -> new EpollServerDomainSocketChannel(fd, true) : () -> new EpollServerSocketChannel(fd);
    }

    /**
     * Binds and listens on a Unix socket outside Netty, for {@link #adopted}: Netty's own bind would unlink the
     * path when the channel closes, and after a handoff the path is the new process's.
     *
     * @return the listening socket's file descriptor
     */
    public int listenUnix(Address address, int backlog) throws IOException {
        Socket s = Socket.newSocketDomain();
        try {
            s.bind(socketAddress(address, null));
            s.listen(backlog);
            return s.intValue();
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** SO_REUSEPORT, as HAProxy sets it on every TCP listener unless {@code noreuseport}. */
    public void reusePort(ServerBootstrap bootstrap) {
        if (epoll) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        } else {
            bootstrap.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
        }
    }

    /** Whether listening sockets can be passed to another process here (they are file descriptors with epoll). */
    public boolean passesSockets() {
        return epoll;
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
     * Makes the channels that connect to a server of the type {@link #connector} gave, at {@code remote}. An
     * epoll channel gets what {@link #prepare} does before it is registered, so the epoll registration carries
     * it (one epoll_ctl less per connection), and an IPv4 server gets an IPv4 socket.
     */
    public ChannelFactory<Channel> outbound(Class<? extends Channel> type, SocketAddress remote) {
        if (type == EpollSocketChannel.class) {
            SocketProtocolFamily family = familyOf(remote);
            return () -> prepare(new EpollSocketChannel(family));
        }
        if (type == EpollDomainSocketChannel.class) {
            return () -> prepare(new EpollDomainSocketChannel());
        }
        return new ReflectiveChannelFactory<>(type);
    }

    private static SocketProtocolFamily familyOf(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet4Address
                ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
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
            case FD, SOCKPAIR -> throw new IllegalArgumentException("'" + address + "' has no socket address");
        };
    }

    /** Where a listener binds: a TCP address without host is every IPv4 address, as in HAProxy. */
    public SocketAddress bindAddress(Address address) {
        if (address.family() == Address.Family.INET) {
            return new InetSocketAddress(address.host() == null ? "0.0.0.0" : address.host(), address.port());
        }
        return socketAddress(address, null);
    }

    /** Refuses an address that only the native transport can serve (abstract sockets, inherited ones). */
    public void requireEpoll(Address address) throws StartupException {
        if (!epoll) {
            throw new StartupException("'" + address + "' needs the epoll polling system, and Bascule runs on "
                    + name + " here (-de, 'noepoll', or epoll unavailable)");
        }
    }

    /**
     * Readies a new connection's channel (accepted or outbound) before it carries data; best before it is
     * registered with its event loop, when it costs no system call.
     */
    public static <C extends Channel> C prepare(C channel) {
        if (channel instanceof EpollSocketChannel || channel instanceof EpollDomainSocketChannel) {
            EpollInterestWorkaround.apply(channel);
        }
        return channel;
    }
}
