package dev.bascule.core.log;

import dev.bascule.core.handoff.InheritedFd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * {@code stdout}, {@code stderr} or {@code fd@N}: a file descriptor written in blocking mode (a
 * pipe to a slow reader blocks), so lines go through a bounded queue to a writer thread of their own; when the
 * queue is full, lines are dropped.
 */
final class FdSink implements LogSink {
    private static final int QUEUED_LINES = 8192;

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUED_LINES);
    private final Thread writer;

    FdSink(int fd) throws IOException {
        OutputStream out = fd == 1 ? new FileOutputStream(FileDescriptor.out)
                : fd == 2 ? new FileOutputStream(FileDescriptor.err) : inherited(fd);
        writer = new Thread(() -> drain(out), "bascule-log-fd" + fd);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * {@code fd@N}: a pipe, a file or a socket the process was started with. /proc/self/fd reopens a pipe or a file
     * but not a socket; the descriptor itself serves them all.
     */
    private static OutputStream inherited(int fd) throws IOException {
        FileDescriptor d = InheritedFd.blocking(fd);
        return d != null ? new FileOutputStream(d) : new FileOutputStream("/proc/self/fd/" + fd);
    }

    private void drain(OutputStream out) {
        try {
            while (true) {
                out.write(queue.take());
                out.flush();
            }
        } catch (InterruptedException | IOException e) {
            // Closed, or the descriptor is gone: lines offered from now on are dropped when the queue fills.
        }
    }

    @Override
    public boolean send(ByteBuf line) {
        try {
            return queue.offer(ByteBufUtil.getBytes(line));
        } finally {
            line.release();
        }
    }

    @Override
    public void close() {
        writer.interrupt();
    }
}
