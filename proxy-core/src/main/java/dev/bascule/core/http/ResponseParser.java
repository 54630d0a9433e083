package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Frames the responses of a server connection without rebuilding them: each head comes as a
 * {@link ResponseHead}, the body as the slices of the read buffers it arrived in (a chunked body keeps its
 * chunk framing, which the client reads as the server wrote it), then {@link #END}. Netty's client codec
 * decoded every header into objects and its response encoder wrote them back; forwarding the bytes halves the
 * work per response. After a {@code 101} everything is passed on as it comes.
 */
final class ResponseParser extends ByteToMessageDecoder {
    /** The end of a response's body. */
    static final Object END = new Object() {
        @Override
        public String toString() {
            return "END";
        }
    };

    /** A response that cannot be framed: the connection is of no further use. */
    record Invalid(String reason) {
    }

    private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, TUNNEL, BROKEN }

    /** A chunk-size or trailer line longer than this is refused (HAProxy's limit is its buffer). */
    private static final int MAX_LINE = 4096;

    private final int maxHead;
    private State state = State.HEAD;
    private long remaining;
    private boolean headRequest;

    ResponseParser(int maxHead) {
        this.maxHead = maxHead;
    }

    /** The request just sent was a HEAD: its response has no body, whatever its headers say. */
    void expectResponseTo(boolean head) {
        headRequest = head;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case HEAD -> {
                    ResponseHead head;
                    try {
                        head = ResponseHead.parse(in, maxHead, headRequest);
                    } catch (IllegalArgumentException e) {
                        broken(in, out, e.getMessage());
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

    private void bodyOf(ResponseHead head, List<Object> out) {
        if (head.status == 101) {
            state = State.TUNNEL;
        } else if (head.interim()) {
            state = State.HEAD;
        } else if (head.bodiless || head.contentLength == 0) {
            ended(out);
        } else if (head.chunked) {
            state = State.CHUNK_SIZE;
        } else if (head.contentLength > 0) {
            remaining = head.contentLength;
            state = State.LENGTH;
        } else {
            state = State.UNTIL_CLOSE;
        }
    }

    private void ended(List<Object> out) {
        out.add(END);
        state = State.HEAD;
        headRequest = false;
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
            int lineEnd = lf > pos && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            switch (state) {
                case CHUNK_SIZE -> {
                    long size = chunkSize(in, pos, lineEnd);
                    if (size < 0) {
                        return brokenAfter(in, out, start, pos, "invalid chunk size");
                    }
                    remaining = size;
                    state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
                }
                case CHUNK_END -> {
                    if (lineEnd != pos) {
                        return brokenAfter(in, out, start, pos, "chunk not followed by CRLF");
                    }
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    if (lineEnd == pos) {
                        pos = lf + 1;
                        ended = true;
                        break walk;
                    }
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

    /** The size of a chunk-size line (hex, then optional extensions after ';'), or -1. */
    private static long chunkSize(ByteBuf in, int from, int to) {
        long size = -1;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            int digit = Character.digit(b, 16);
            if (digit < 0) {
                return b == ';' || b == ' ' || b == '\t' ? size : -1;
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
        broken(in, out, reason);
        return false;
    }

    private void broken(ByteBuf in, List<Object> out, String reason) {
        state = State.BROKEN;
        in.skipBytes(in.readableBytes());
        out.add(new Invalid(reason));
    }

    /** The server closed: a body delimited by the close ends here. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state == State.UNTIL_CLOSE) {
            ended(out);
        }
    }
}
