package dev.bascule.dist;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * sd_notify(3) for {@code -Ws} under systemd's {@code Type=notify}: a datagram to {@code $NOTIFY_SOCKET} (a path,
 * or an abstract name written with a leading {@code @}). Without the variable, or without epoll (the JDK sends
 * no Unix datagrams), it says nothing, as sd_notify does outside systemd.
 */
final class SystemdNotify {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);

    private final String socket;

    private SystemdNotify(String socket) {
        this.socket = socket;
    }

    /** @param enabled whether {@code -Ws} asked for it */
    static SystemdNotify fromEnvironment(boolean enabled) {
        String s = System.getenv("NOTIFY_SOCKET");
        return new SystemdNotify(enabled && s != null && !s.isEmpty() && Epoll.isAvailable() ? s : null);
    }

    void ready() {
        send("READY=1");
    }

    /** systemd's notify-reload protocol wants the clock with it; Type=notify ignores it. */
    void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
    }

    void stopping() {
        send("STOPPING=1");
    }

    private void send(String state) {
        if (socket == null) {
            return;
        }
        byte[] path = (socket.startsWith("@") ? "\0" + socket.substring(1) : socket)
                .getBytes(StandardCharsets.UTF_8);
        byte[] text = state.getBytes(StandardCharsets.UTF_8);
        ByteBuffer data = ByteBuffer.allocateDirect(text.length).put(text).flip();
        Socket s = Socket.newSocketDomainDgram();
        try {
            s.sendToDomainSocket(data, 0, data.limit(), path);
        } catch (IOException e) {
            log.warn("Failed to notify systemd through {} ({}): {}", socket, state.lines().findFirst().orElse(""),
                    e.getMessage());
        } finally {
            try {
                s.close();
            } catch (IOException ignored) {
                // sent or not, nothing else to do with it
            }
        }
    }
}
