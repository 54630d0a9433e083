package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Frames HTTP/1.x messages without rebuilding them: each head as its subclass parses it, the body as the slices
 * of the read buffers it arrived in (a chunked body keeps its chunk framing, which the peer reads as the sender
 * wrote it), then {@link #END}. Netty's codecs decoded every header into objects and encoded them again on the
 * other side; forwarding the bytes halves the work per message.
 */
abstract class MessageFramer extends ByteToMessageDecoder {
    /** The end of a message's body. */
    static final Object END = new Object() {
        @Override
        public String toString() {
            return "END";
        }
    };

    /** A message that cannot be framed, and the status HAProxy answers it with; nothing after it is read. */
    record Invalid(int status, String reason) {
    }

    /** What follows a head. */
    enum Body { NONE, INTERIM, LENGTH, CHUNKED, UNTIL_CLOSE, TUNNEL }

    /** A parsed head, as far as framing goes. */
    interface Head {
        Body body();

        long contentLength();

        /**
         * Bytes of its chunked body's framing went by: {@code wire} on the wire, of which HAProxy's internal form
         * (HTX, what its logs count) keeps {@code kept} (a trailer's name and value, 1 for the end of trailers).
         */
        void chunkFraming(int wire, int kept);
    }

    /** A head that is not valid HTTP/1.x, with the status that says why. */
    static final class BadMessage extends RuntimeException {
        final int status;

        BadMessage(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, TUNNEL, BROKEN }

    /** A chunk-size or trailer line longer than this is refused (HAProxy's limit is its buffer). */
    private static final int MAX_LINE = 4096;

    private State state = State.HEAD;
    private long remaining;
    /** The head whose chunked body is being walked, told of the body's framing. */
    private Head chunked;
    /** How many bytes at the reader index were searched for the end of a head without finding it. */
    private int scanned;
    /** Where the first line of that head ends (its LF, from the reader index), or -1 while unknown. */
    private int firstLf = -1;

    /**
     * The head at the reader index, if all of it is there: moves the reader index past it.
     *
     * @return the head, or null when more bytes are needed
     * @throws BadMessage a head that is not valid
     */
    protected abstract Head head(ByteBuf in);

    /**
     * How many bytes without the end of a head make {@link #head} refuse it (it throws from there on).
     *
     * @param firstLf where the first line ends, or -1 when no line has ended yet
     */
    protected abstract int headLimit(int firstLf);

    /**
     * Parses a head once it has come whole (or is too large), searching only the bytes that came since the last
     * search: a head sent a byte at a time costs a parse, not a parse per byte.
     */
    private Head headWhenComplete(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        for (int lf = in.indexOf(Math.max(start, start + scanned - 2), end, (byte) '\n'); lf >= 0;
             lf = in.indexOf(lf + 1, end, (byte) '\n')) {
            if (firstLf < 0) {
                firstLf = lf - start;
            }
            if (lf + 1 < end && in.getByte(lf + 1) == '\n'
                    || lf + 2 < end && in.getByte(lf + 1) == '\r' && in.getByte(lf + 2) == '\n') {
                return parsed(in);
            }
        }
        if (end - start >= headLimit(firstLf)) {
            return parsed(in);
        }
        scanned = end - start;
        checkPartial(in);
        return null;
    }

    private Head parsed(ByteBuf in) {
        scanned = 0;
        firstLf = -1;
        headParsed();
        return head(in);
    }

    /**
     * Judges a head that has not fully arrived (at the reader index of {@code in}): nothing by default.
     *
     * @throws BadMessage when its bytes so far cannot start a valid head
     */
    protected void checkPartial(ByteBuf in) {
    }

    /** A head is parsed: the next {@link #checkPartial} is about the next head. */
    protected void headParsed() {
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case HEAD -> {
                    Head head;
                    try {
                        head = headWhenComplete(in);
                    } catch (BadMessage e) {
                        broken(in, out, e.status, e.getMessage());
                        return;
                    }
                    if (head == null) {
                        return;
                    }
                    out.add(head);
                    bodyOf(head, out);
                }
                case LENGTH -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    out.add(in.readRetainedSlice(n));
                    remaining -= n;
                    if (remaining == 0) {
                        ended(out);
                    }
                }
                case CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS -> {
                    if (!chunks(in, out)) {
                        return;
                    }
                }
                case UNTIL_CLOSE, TUNNEL -> out.add(in.readRetainedSlice(in.readableBytes()));
                case BROKEN -> in.skipBytes(in.readableBytes());
            }
        }
    }

    private void bodyOf(Head head, List<Object> out) {
        switch (head.body()) {
            case NONE -> ended(out);
            case INTERIM -> state = State.HEAD;
            case LENGTH -> {
                remaining = head.contentLength();
                if (remaining == 0) {
                    ended(out);
                } else {
                    state = State.LENGTH;
                }
            }
            case CHUNKED -> {
                chunked = head;
                state = State.CHUNK_SIZE;
            }
            case UNTIL_CLOSE -> state = State.UNTIL_CLOSE;
            case TUNNEL -> state = State.TUNNEL;
        }
    }

    /** A message ended: the next bytes are a new head. */
    protected void ended(List<Object> out) {
        out.add(END);
        state = State.HEAD;
        chunked = null;
    }

    /**
     * Walks a chunked body as far as the buffer goes and passes on what it walked over in one slice.
     *
     * @return false when the rest must wait for more bytes (a line cut in the middle), or the body is broken
     */
    private boolean chunks(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int limit = in.writerIndex();
        int pos = start;
        boolean complete = true;
        boolean ended = false;
        walk:
        while (pos < limit) {
            if (state == State.CHUNK_DATA) {
                int n = (int) Math.min(remaining, limit - pos);
                pos += n;
                remaining -= n;
                if (remaining == 0) {
                    state = State.CHUNK_END;
                }
                continue;
            }
            int lf = in.indexOf(pos, Math.min(limit, pos + MAX_LINE), (byte) '\n');
            if (lf < 0) {
                if (limit - pos >= MAX_LINE) {
                    return brokenAfter(in, out, start, pos, "chunk line too long");
                }
                complete = false;
                break;
            }
            int lineEnd = HeadBytes.lineEnd(in, pos, lf);
            if (lineEnd == lf) {
                // The framing goes on as it came: a bare LF that ends a line here might not end it for the peer
                // (HAProxy refuses it in chunk lines too).
                return brokenAfter(in, out, start, pos, "bare LF in a chunked body");
            }
            switch (state) {
                case CHUNK_SIZE -> {
                    long size = chunkSize(in, pos, lineEnd);
                    if (size < 0) {
                        return brokenAfter(in, out, start, pos, "invalid chunk size");
                    }
                    remaining = size;
                    state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
                    chunked.chunkFraming(lf + 1 - pos, 0);
                }
                case CHUNK_END -> {
                    if (lineEnd != pos) {
                        return brokenAfter(in, out, start, pos, "chunk not followed by CRLF");
                    }
                    state = State.CHUNK_SIZE;
                    chunked.chunkFraming(lf + 1 - pos, 0);
                }
                case TRAILERS -> {
                    if (lineEnd == pos) {
                        chunked.chunkFraming(lf + 1 - pos, HtxSize.END_BLOCK);
                        pos = lf + 1;
                        ended = true;
                        break walk;
                    }
                    if (!HeadBytes.isFieldLine(in, pos, lineEnd)) {
                        return brokenAfter(in, out, start, pos, "invalid trailer");
                    }
                    chunked.chunkFraming(lf + 1 - pos, HtxSize.field(in, pos, lineEnd));
                }
                default -> throw new IllegalStateException(state.name());
            }
            pos = lf + 1;
        }
        if (pos > start) {
            out.add(in.readRetainedSlice(pos - start));
        }
        if (ended) {
            ended(out);
        }
        return complete;
    }

    /**
     * The size of a chunk-size line (hex, optional blanks, then optional extensions after ';' without control
     * characters), or -1.
     */
    private static long chunkSize(ByteBuf in, int from, int to) {
        long size = -1;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            int digit = Character.digit(b, 16);
            if (digit < 0) {
                while (i < to && HeadBytes.isBlank(in.getByte(i))) {
                    i++;
                }
                return i == to || in.getByte(i) == ';' && HeadBytes.isFieldValue(in, i + 1, to) ? size : -1;
            }
            if (size > (Long.MAX_VALUE >> 4)) {
                return -1;
            }
            size = (size < 0 ? 0 : size << 4) | digit;
        }
        return size;
    }

    private boolean brokenAfter(ByteBuf in, List<Object> out, int start, int pos, String reason) {
        if (pos > start) {
            out.add(in.readRetainedSlice(pos - start));
        }
        broken(in, out, 400, reason);
        return false;
    }

    private void broken(ByteBuf in, List<Object> out, int status, String reason) {
        state = State.BROKEN;
        in.skipBytes(in.readableBytes());
        out.add(new Invalid(status, reason));
    }

    /** The peer closed: a body delimited by the close ends here. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state == State.UNTIL_CLOSE) {
            ended(out);
        }
    }
}
