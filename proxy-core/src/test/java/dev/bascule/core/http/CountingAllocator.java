package dev.bascule.core.http;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * An allocator that keeps every buffer it hands out, so a test can tell at once that all were released: Netty's
 * leak detector only reports a leak when the garbage collector finds it, long after the input that caused it.
 */
final class CountingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();

    CountingAllocator() {
        super(false);
    }

    /** A buffer holding {@code bytes[from, from + length)}, counted like the others. */
    ByteBuf copy(byte[] bytes, int from, int length) {
        return heapBuffer(length).writeBytes(bytes, from, length);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return counted(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return counted(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    private ByteBuf counted(ByteBuf buf) {
        allocated.add(buf);
        return buf;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    void assertAllReleased() {
        for (ByteBuf buf : allocated) {
            if (buf.refCnt() != 0) {
                fail("a buffer still held " + buf.refCnt() + " time(s): "
                        + buf.toString(0, Math.min(buf.writerIndex(), 200), StandardCharsets.ISO_8859_1));
            }
        }
    }
}
