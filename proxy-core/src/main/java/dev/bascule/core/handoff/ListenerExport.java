package dev.bascule.core.handoff;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.FileDescriptor;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The old process's half of a handoff: answers {@link InheritedSockets#COMMAND} with each listening socket as a
 * file descriptor passed over the Unix socket (SCM_RIGHTS), then closes. The sockets stay open here too, so
 * both processes accept from them until the old one stops.
 */
public final class ListenerExport {
    private ListenerExport() {
    }

    public static void send(Channel client, List<Integer> listeningFds) {
        if (!(client instanceof EpollDomainSocketChannel)) {
            client.writeAndFlush(Unpooled.copiedBuffer("Listening sockets are only passed over a Unix socket.\n\n",
                    StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        for (int fd : listeningFds) {
            client.write(new FileDescriptor(fd));
        }
        client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
