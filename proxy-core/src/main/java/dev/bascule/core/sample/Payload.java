package dev.bascule.core.sample;

import io.netty.buffer.ByteBuf;

/**
 * The client's first bytes as {@code tcp-request content} rules hold them back (HAProxy's request channel before
 * anything is forwarded), read by the layer 6 fetches ({@link PayloadFetches}). {@code complete} is HAProxy's
 * {@code SMP_OPT_FINAL}: no more bytes will be waited for (the inspect delay is over or absent, the buffer is full,
 * the client closed), so a fetch that finds too few bytes fails instead of asking to wait.
 */
public final class Payload {
    private final ByteBuf bytes;
    private final boolean complete;

    /** @param bytes read from its reader index to its writer index, never moved */
    public Payload(ByteBuf bytes, boolean complete) {
        this.bytes = bytes;
        this.complete = complete;
    }

    public int length() {
        return bytes.readableBytes();
    }

    /** The unsigned byte at {@code i} from the start; 0 past the end, so that a length that lies reads no further. */
    int at(int i) {
        return i < bytes.readableBytes() ? bytes.getUnsignedByte(bytes.readerIndex() + i) : 0;
    }

    byte[] copy(int offset, int length) {
        byte[] out = new byte[length];
        bytes.getBytes(bytes.readerIndex() + offset, out);
        return out;
    }

    /** The bytes from {@code offset} as ISO-8859-1 text. */
    String text(int offset, int length) {
        return bytes.toString(bytes.readerIndex() + offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    public boolean complete() {
        return complete;
    }
}
