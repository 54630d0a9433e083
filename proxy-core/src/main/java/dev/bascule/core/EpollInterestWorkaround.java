package dev.bascule.core;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.Native;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Works around a Netty 4.2.18 epoll bug that truncates half-closed streams. When a socket's epoll interest set
 * becomes empty, Netty removes the socket from epoll (EPOLL_CTL_DEL, netty#16689) but still believes it is
 * registered, so its next change (EPOLL_CTL_MOD) fails with ENOENT. A client that half-closes while reading
 * is paused for backpressure gets exactly that: no read interest, no RDHUP interest; then the first write that
 * needs EPOLLOUT fails, Netty shuts the output down and the rest of the response is lost.
 *
 * <p>Keeping EPOLLERR in the interest set, which epoll reports whether asked or not, means the set is never
 * empty. Netty's {@code setFlag} is not public, hence the reflection. Drop this class once the runtime uses a
 * Netty whose native epoll transport carries the fix (4.2.19+ native jars are not available here).
 */
final class EpollInterestWorkaround {
    private static final Method SET_FLAG = setFlagMethod();

    private EpollInterestWorkaround() {
    }

    static void apply(Channel channel) {
        try {
            SET_FLAG.invoke(channel, Native.EPOLLERR);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new ChannelException("cannot keep EPOLLERR in the epoll interest set of " + channel, e);
        }
    }

    private static Method setFlagMethod() {
        try {
            Method m = Class.forName("io.netty.channel.epoll.AbstractEpollChannel")
                    .getDeclaredMethod("setFlag", int.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
