package dev.bascule.core;

import io.netty.channel.WriteBufferWaterMark;

/**
 * How much a connection holds for a peer that does not read. Past the high mark the other side stops reading
 * (autoRead off) until the writes drain below the low mark: at HAProxy's {@code tune.bufsize} a slow reader
 * costs what it costs HAProxy, instead of Netty's default 64 KiB per connection (a slow-read attack of
 * 1,000 clients held 60 MB).
 */
public final class Buffers {
    private Buffers() {
    }

    /** HAProxy's default {@code tune.bufsize}. */
    public static final int BUFSIZE = 16384;

    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(BUFSIZE / 2, BUFSIZE);
}
