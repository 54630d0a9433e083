package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.LogSettings;
import dev.bascule.config.model.LogTarget;
import dev.bascule.config.model.Server;
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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.util.List;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * The polling system: Linux's io_uring or epoll when Netty's native library loads here, Java NIO otherwise
 * (HAProxy's "Available polling systems" in {@code -vv}), and the channel types it offers per address family.
 */
public final class Transport {
    /**
     * The polling systems, best first: the first one that works here is the default. io_uring comes first because
     * it makes the fewest system calls per connection (docs/performance.md: 11 against epoll's 30 for a request on
     * a new connection).
     */
    public enum Poller {
        IO_URING("io_uring"), EPOLL("epoll"), NIO("nio");

        private final String word;

        Poller(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        /** Why this poller cannot be used here, or null when it can. */
        public String unavailability() {
            Throwable cause = switch (this) {
                case EPOLL -> Epoll.unavailabilityCause();
                case IO_URING -> IoUring.unavailabilityCause();
                case NIO -> null;
            };
            return cause == null ? null : String.valueOf(cause.getMessage());
        }

        /** The poller a word names, or null. */
        public static Poller named(String word) {
            for (Poller p : values()) {
                if (p.word.equals(word)) {
                    return p;
                }
            }
            return null;
        }
    }

    private final Poller poller;
    private final IoHandlerFactory ioHandlers;
    private final boolean epoll;
    private final boolean uring;

    private Transport(Poller poller) {
        this.poller = poller;
        this.ioHandlers = switch (poller) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        this.epoll = poller == Poller.EPOLL;
        this.uring = poller == Poller.IO_URING;
    }

    /** epoll if it is usable on this machine and not disabled, else NIO (for processes that serve no reload). */
    public static Transport select(boolean epollDisabled) {
        return select(epollDisabled ? Poller.NIO : Poller.EPOLL, null).transport();
    }

    /** What {@link #select(Poller, String)} chose, and why not the one asked for (null when it is that one). */
    public record Choice(Transport transport, String fallback) {
    }

    /**
     * The poller asked for if it works here, else the next of {@link Poller}'s order that does; with none asked
     * for, the first that works.
     *
     * @param uringCannot why this process cannot run on io_uring (see {@link #uringCannot}), or null
     */
    public static Choice select(Poller wanted, String uringCannot) {
        String fallback = null;
        // Each one falls to the next: io_uring to epoll, epoll to NIO. Nothing asked for is io_uring's way, and
        // falls silently: a reload that inherits its sockets runs on epoll as a matter of course.
        List<Poller> order = switch (wanted == null ? Poller.IO_URING : wanted) {
            case IO_URING -> List.of(Poller.IO_URING, Poller.EPOLL, Poller.NIO);
            case EPOLL -> List.of(Poller.EPOLL, Poller.NIO);
            case NIO -> List.of(Poller.NIO);
        };
        for (Poller p : order) {
            String problem = p == Poller.IO_URING && uringCannot != null ? uringCannot : p.unavailability();
            if (problem == null) {
                return new Choice(new Transport(p), fallback);
            }
            if (fallback == null && p == wanted) {
                fallback = p.word + (p == Poller.IO_URING && uringCannot != null ? " cannot serve this process: "
                        : " is not usable here: ") + problem;
            }
        }
        throw new IllegalStateException("NIO is always usable");
    }

    /**
     * What of a configuration Netty's io_uring channels cannot serve, or null: they cannot adopt a socket by its
     * file descriptor (an {@code fd@} address; a Unix socket bound outside Netty, whose file must outlive this
     * process on a handoff), have no Unix datagram socket ({@code log /dev/log}) nor abstract socket support that
     * Bascule relies on.
     *
     * @param inherited listening sockets taken over from the process being replaced
     */
    public static String uringCannot(Config config, boolean inherited) {
        if (inherited) {
            return "it took listening sockets over from the old process, which io_uring cannot adopt";
        }
        for (Frontend f : config.frontends()) {
            for (Bind b : f.binds()) {
                if (b.address().family() != Address.Family.INET) {
                    return "'bind " + b.address() + "' in frontend '" + f.name() + "' is not a TCP address";
                }
            }
            String log = datagramLog(f.log());
            if (log != null) {
                return log;
            }
        }
        for (Backend b : config.backends()) {
            for (Server s : b.servers()) {
                if (s.address().family() == Address.Family.ABNS) {
                    return "'server " + b.name() + "/" + s.name() + "' is an abstract socket";
                }
            }
            String log = datagramLog(b.log());
            if (log != null) {
                return log;
            }
        }
        for (LogTarget t : config.global().logs()) {
            String why = datagramLog(t);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    private static String datagramLog(LogSettings log) {
        if (log == null) {
            return null;
        }
        for (LogTarget t : log.targets()) {
            String why = datagramLog(t);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** A log target io_uring has no channel for: a Unix datagram socket. */
    private static String datagramLog(LogTarget t) {
        return switch (t.transport()) {
            case UNIX -> "'log " + t.address().path() + "' is a Unix datagram socket";
            default -> null;
        };
    }

    /**
     * The transport of the stats sockets' own event loops: epoll beside io_uring, which cannot adopt a socket by
     * its descriptor (a stats socket's file must outlive this process on a handoff, see {@link #listenUnix}), and
     * this one otherwise.
     */
    public Transport statsSockets() {
        return uring && Epoll.isAvailable() ? new Transport(Poller.EPOLL) : this;
    }

    /** Why epoll cannot be used here, or null when it can. */
    public static String epollUnavailability() {
        return Poller.EPOLL.unavailability();
    }

    public Poller poller() {
        return poller;
    }

    public String name() {
        return poller.word;
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
        if (uring) {
            return new IoUringDatagramChannel();
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
                if (uring) {
                    return IoUringServerSocketChannel::new;
                }
                return epoll ? () -> new EpollServerSocketChannel(family) : NioServerSocketChannel::new;
            case UNIX:
                // Not io_uring's: it would unlink the file when it closes, a handoff's release included (a
                // configuration with a Unix listener starts on epoll; this is one a reload added).
                if (uring) {
                    requireEpoll(address);
                }
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
        } else if (uring) {
            bootstrap.option(IoUringChannelOption.SO_REUSEPORT, true);
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
                if (uring) {
                    return IoUringSocketChannel.class;
                }
                return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
            case UNIX:
                if (uring) {
                    return IoUringDomainSocketChannel.class;
                }
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
            case UNIX -> epoll || uring ? new DomainSocketAddress(address.path()) : UnixDomainSocketAddress.of(address.path());
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
                    + poller.word + " here (" + (uring ? "chosen at start, when the configuration had no such "
                    + "address: a restart chooses epoll" : "-de, 'noepoll', or epoll unavailable") + ")");
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
