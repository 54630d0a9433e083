package dev.bascule.core.handoff;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Listening sockets received from the process being replaced, by their bound address: the new process accepts on
 * the very sockets the old one listened on, so the connections waiting in their backlog are not reset when the old
 * one stops (HAProxy's {@code -x}). Those the new configuration does not take are closed once it listens.
 */
public final class InheritedSockets implements AutoCloseable {
    /** What a new process sends to be given the sockets, as HAProxy's {@code -x} does on the stats socket. */
    public static final String COMMAND = "_getsocks";
    private static final long TIMEOUT_MS = 5_000;
    private static final long POLL_MS = 5;

    private final Map<SocketAddress, Integer> byAddress;

    private InheritedSockets(Map<SocketAddress, Integer> byAddress) {
        this.byAddress = byAddress;
    }

    public static InheritedSockets none() {
        return new InheritedSockets(new LinkedHashMap<>());
    }

    /**
     * Asks the process behind {@code socket} for its listening sockets.
     *
     * @throws IOException when it cannot be reached or does not answer in time; nothing received stays open
     */
    public static InheritedSockets fetch(Path socket) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("receiving sockets needs the epoll polling system");
        }
        if (!Files.exists(socket)) {
            throw new IOException("no such socket");
        }
        Map<SocketAddress, Integer> received = new LinkedHashMap<>();
        Socket s = Socket.newSocketDomain();
        try {
            if (!s.connect(new DomainSocketAddress(socket.toString()))) {
                throw new IOException("connection in progress");
            }
            ByteBuffer request = ByteBuffer.allocateDirect(COMMAND.length() + 1);
            request.put((COMMAND + "\n").getBytes(StandardCharsets.US_ASCII)).flip();
            s.send(request, 0, request.limit());
            // The socket is non-blocking (Netty's native sockets are): 0 means nothing yet, a negative value the end.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            for (int fd; (fd = s.recvFd()) >= 0; ) {
                if (fd > 0) {
                    received.put(boundAddress(fd), fd);
                } else if (System.nanoTime() > deadline) {
                    throw new IOException("no answer within " + TIMEOUT_MS + " ms");
                } else {
                    Thread.sleep(POLL_MS);
                }
            }
        } catch (IOException | RuntimeException e) {
            new InheritedSockets(received).close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            new InheritedSockets(received).close();
            throw new IOException("interrupted");
        } finally {
            s.close();
        }
        return new InheritedSockets(received);
    }

    private static SocketAddress boundAddress(int fd) throws IOException {
        Socket s = new Socket(fd);
        return InheritedFd.isUnix(fd) ? s.localDomainSocketAddress() : s.localAddress();
    }

    /** The socket bound to {@code address}, now the caller's to close, if the old process had one. */
    public synchronized OptionalInt take(SocketAddress address) {
        Integer fd = byAddress.remove(address);
        return fd == null ? OptionalInt.empty() : OptionalInt.of(fd);
    }

    public synchronized int size() {
        return byAddress.size();
    }

    /** Closes the sockets nobody took: the old process closes its copies as it stops, and the port is free. */
    @Override
    public synchronized void close() {
        for (int fd : byAddress.values()) {
            try {
                new Socket(fd).close();
            } catch (IOException ignored) {
                // closed already: nothing is left open either way
            }
        }
        byAddress.clear();
    }
}
