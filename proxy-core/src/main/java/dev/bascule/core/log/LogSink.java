package dev.bascule.core.log;

import io.netty.buffer.ByteBuf;

/** Where a target's lines go. Sending never blocks: a line that cannot be queued now is dropped. */
interface LogSink {
    /**
     * Hands over {@code line} (the sink releases it).
     *
     * @return false when it was dropped
     */
    boolean send(ByteBuf line);

    void close();
}
