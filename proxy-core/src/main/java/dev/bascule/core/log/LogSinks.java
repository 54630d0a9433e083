package dev.bascule.core.log;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.LogTarget;
import dev.bascule.core.StartupException;
import dev.bascule.core.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The process's log sinks, one per distinct target (frontends writing to the same syslog share its sockets, and a
 * reload keeps those of unchanged targets), and the count of lines dropped ({@code show info}'s DroppedLogs).
 */
public final class LogSinks implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup loops;
    private final Map<LogTarget, LogSink> sinks = new HashMap<>();
    private final LongAdder dropped = new LongAdder();

    public LogSinks(Transport transport, EventLoopGroup loops) {
        this.transport = transport;
        this.loops = loops;
    }

    /** Lines that could not be sent at once and were dropped. */
    public long dropped() {
        return dropped.sum();
    }

    void drop() {
        dropped.increment();
    }

    synchronized LogSink of(LogTarget t) throws StartupException {
        LogSink s = sinks.get(t);
        if (s == null) {
            s = open(t);
            sinks.put(t, s);
        }
        return s;
    }

    private LogSink open(LogTarget t) throws StartupException {
        Address a = t.address();
        try {
            return switch (t.transport()) {
                case UDP -> new DatagramSink(transport, loops, false, new InetSocketAddress(resolve(t), a.port()));
                case UNIX -> {
                    if (!transport.unixDatagrams()) {
                        throw new StartupException("parsing [" + t.source() + "] : 'log " + a.path() + "' needs "
                                + "epoll for Unix datagram sockets, which this process runs without");
                    }
                    yield new DatagramSink(transport, loops, true, new DomainSocketAddress(a.path()));
                }
                case TCP -> new StreamSink(transport, loops, a, new InetSocketAddress(resolve(t), a.port()));
                case FD -> new FdSink(a.fd());
            };
        } catch (IOException e) {
            throw new StartupException("parsing [" + t.source() + "] : cannot write logs to fd@" + a.fd() + ": "
                    + e.getMessage());
        }
    }

    private static InetAddress resolve(LogTarget t) throws StartupException {
        try {
            return InetAddress.getByName(t.address().host());
        } catch (UnknownHostException e) {
            throw new StartupException("parsing [" + t.source() + "] : cannot resolve the log server '"
                    + t.address().host() + "'");
        }
    }

    @Override
    public synchronized void close() {
        sinks.values().forEach(LogSink::close);
        sinks.clear();
    }
}
