package dev.bascule.core.http;

import dev.bascule.config.model.LogSettings;
import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** A message head kept in the bytes it arrived in (a retained slice of the read buffer), which it releases. */
abstract class MessageHead extends AbstractReferenceCounted implements MessageFramer.Head {
    protected final ByteBuf raw;
    /** What HAProxy's internal form of its chunked body leaves out of the bytes, so far (see {@link HtxSize}). */
    private long chunkFraming;

    MessageHead(ByteBuf raw) {
        this.raw = raw;
    }

    /** Its size in HAProxy's internal form, which its logs count ({@link HtxSize}). */
    long htxSize() {
        return HtxSize.head(raw, dropsContentLength());
    }

    /** Transfer-Encoding and Content-Length both: the latter is dropped. */
    abstract boolean dropsContentLength();

    @Override
    public void chunkFraming(int wire, int kept) {
        chunkFraming += wire - kept;
    }

    /** How many bytes of its chunked body so far are not in HAProxy's internal form (0 for other bodies). */
    long chunkFraming() {
        return chunkFraming;
    }

    /** How many bytes the head took on the wire, as it came. */
    int size() {
        return raw.readableBytes();
    }

    /**
     * {@code capture request|response header}: for each capture, the value of the last line of its name (cut at its
     * length), read from the bytes as they came; null where none came.
     */
    String[] captures(List<LogSettings.Capture> captures) {
        String[] values = new String[captures.size()];
        int to = raw.writerIndex();
        int pos = raw.indexOf(raw.readerIndex(), to, (byte) '\n') + 1;
        while (pos > 0 && pos < to) {
            int lf = raw.indexOf(pos, to, (byte) '\n');
            int end = HeadBytes.lineEnd(raw, pos, lf < 0 ? to : lf);
            int colon = end <= pos ? -1 : raw.indexOf(pos, end, (byte) ':');
            if (colon < 0) {
                break;
            }
            for (int i = 0; i < values.length; i++) {
                String name = captures.get(i).name();
                if (colon - pos == name.length() && raw.toString(pos, colon - pos, StandardCharsets.ISO_8859_1)
                        .equalsIgnoreCase(name)) {
                    String v = raw.toString(colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1).trim();
                    values[i] = v.length() > captures.get(i).length() ? v.substring(0, captures.get(i).length()) : v;
                }
            }
            pos = lf + 1;
        }
        return values;
    }

    @Override
    protected void deallocate() {
        raw.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        raw.touch(hint);
        return this;
    }
}
