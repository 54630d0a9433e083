package dev.bascule.core.handoff;

import io.netty.channel.ChannelException;
import io.netty.channel.unix.Socket;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A descriptor this process was started with ({@code fd@N}): a test harness, a socket-activating supervisor
 * ({@code systemd-socket-activate}, systemd's {@code .socket} units) or a wrapper opened it and passed it as file
 * descriptor N. A listening socket may be a TCP or a Unix one, and may be in blocking mode: it is made non-blocking,
 * so that the event loop can accept until the queue is empty (up to {@code tune.maxaccept} per turn) without ever
 * blocking in {@code accept()}. A log target's descriptor is made blocking instead, for its writer thread.
 */
public final class InheritedFd {
    // <sys/socket.h>
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_DOMAIN = 39;
    private static final int SOCK_STREAM = 1;
    private static final int AF_UNIX = 1;
    /**
     * The JDK's own fcntl(O_NONBLOCK), reachable when the JVM runs with
     * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (bin/bascule gives it); Netty has no call for it.
     */
    private static final Method NEW_FD;
    private static final Method CONFIGURE_BLOCKING;

    static {
        Method newFd = null;
        Method configure = null;
        try {
            Class<?> io = Class.forName("sun.nio.ch.IOUtil");
            newFd = io.getMethod("newFD", int.class);
            configure = io.getMethod("configureBlocking", FileDescriptor.class, boolean.class);
            newFd.invoke(null, -1);
        } catch (ReflectiveOperationException | RuntimeException e) {
            newFd = null;
            configure = null;
        }
        NEW_FD = newFd;
        CONFIGURE_BLOCKING = configure;
    }

    /** A socket checked to be a listening stream socket. */
    public record Listening(int fd, boolean unix, boolean nonBlocking) {
    }

    private InheritedFd() {
    }

    /**
     * Checks that {@code fd} is a listening stream socket and makes it non-blocking.
     *
     * @throws IOException naming what it is instead (not open, not a socket, not listening)
     */
    public static Listening listening(int fd) throws IOException {
        Socket s;
        int type;
        try {
            s = new Socket(fd);
            type = s.getIntOpt(SOL_SOCKET, SO_TYPE);
        } catch (IOException | ChannelException e) {
            // Netty's words are "getsockname(...) failed: Bad file descriptor": the system's part says it.
            throw new IOException("file descriptor " + fd + " is not an open socket (" + e.getMessage()
                    .replaceFirst("^.*: ", "") + ")");
        }
        if (type != SOCK_STREAM) {
            throw new IOException("file descriptor " + fd + " is not a stream socket");
        }
        if (s.getIntOpt(SOL_SOCKET, SO_ACCEPTCONN) == 0) {
            throw new IOException("file descriptor " + fd + " is a socket that does not listen");
        }
        return new Listening(fd, isUnix(fd), makeNonBlocking(fd));
    }

    /** Whether {@code fd} is a Unix socket rather than a TCP one. */
    public static boolean isUnix(int fd) throws IOException {
        try {
            return new Socket(fd).getIntOpt(SOL_SOCKET, SO_DOMAIN) == AF_UNIX;
        } catch (ChannelException e) {
            throw new IOException(e.getMessage());
        }
    }

    /**
     * The descriptor {@code fd} in blocking mode, for a thread of its own to read or write with Java's streams
     * (whatever it is: a pipe, a file, a socket, which /proc/self/fd cannot reopen); null without the JDK's export.
     */
    public static FileDescriptor blocking(int fd) throws IOException {
        if (CONFIGURE_BLOCKING == null) {
            return null;
        }
        try {
            Object d = NEW_FD.invoke(null, fd);
            CONFIGURE_BLOCKING.invoke(null, d, true);
            return (FileDescriptor) d;
        } catch (InvocationTargetException e) {
            throw new IOException("file descriptor " + fd + ": " + e.getCause().getMessage());
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /** Makes {@code fd} non-blocking; false without the JDK's export (it stays as it was given). */
    public static boolean makeNonBlocking(int fd) throws IOException {
        if (CONFIGURE_BLOCKING == null) {
            return false;
        }
        try {
            CONFIGURE_BLOCKING.invoke(null, NEW_FD.invoke(null, fd), false);
            return true;
        } catch (InvocationTargetException e) {
            throw new IOException("cannot make file descriptor " + fd + " non-blocking: "
                    + e.getCause().getMessage());
        } catch (IllegalAccessException e) {
            return false;
        }
    }
}
