package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;

/**
 * Walks a request head that has not fully arrived, so that one already invalid is refused at once (400) as
 * HAProxy does, instead of holding its connection until {@code timeout http-request}. It checks what can be
 * judged from a prefix: the method's characters, the target's, the start of the version, and each header
 * name's; the rest waits for {@link RequestHead#parse}. It resumes where the last walk stopped, so a head sent
 * a byte at a time is walked once.
 */
final class PartialHeadCheck {
    private enum State { LEADING_BLANK_LINES, METHOD, TARGET, VERSION, LINE_START, NAME, VALUE, BLANK_LINE, END }

    private static final byte[] VERSION_PREFIX = HeadBytes.ascii("HTTP/");

    private State state = State.LEADING_BLANK_LINES;
    /** How many bytes from the head's start were walked. */
    private int walked;
    /** Bytes of the version seen so far. */
    private int versionAt;

    /** Starts again for the next head. */
    void reset() {
        state = State.LEADING_BLANK_LINES;
        walked = 0;
        versionAt = 0;
    }

    /**
     * Walks the bytes from {@code start} to {@code end} that were not walked yet.
     *
     * @return null while the prefix may still become a valid head, or why it cannot
     */
    String check(ByteBuf in, int start, int end) {
        for (int i = start + walked; i < end; i++) {
            String invalid = step(in.getByte(i));
            if (invalid != null) {
                return invalid;
            }
        }
        walked = end - start;
        return null;
    }

    private String step(byte b) {
        switch (state) {
            case LEADING_BLANK_LINES -> {
                if (b != '\r' && b != '\n') {
                    state = State.METHOD;
                    return token(b) ? null : "invalid character in the method";
                }
            }
            case METHOD -> {
                if (b == ' ') {
                    state = State.TARGET;
                } else if (!token(b)) {
                    return "invalid character in the method";
                }
            }
            case TARGET -> {
                if (b == ' ') {
                    state = State.VERSION;
                } else if (b < ' ' || b == 127 || b == '#') {
                    return "invalid character in the request target";
                }
            }
            case VERSION -> {
                if (b == '\n') {
                    state = State.LINE_START;
                } else if (versionAt < VERSION_PREFIX.length && b != VERSION_PREFIX[versionAt++]) {
                    return "invalid HTTP version";
                }
            }
            case LINE_START -> {
                if (b == '\r' || b == '\n') {
                    state = b == '\r' ? State.BLANK_LINE : State.END;
                    return null;
                }
                state = HeadBytes.isBlank(b) ? State.VALUE : State.NAME;
                return state == State.VALUE || token(b) ? null : "invalid header name";
            }
            case NAME -> {
                if (b == ':') {
                    state = State.VALUE;
                } else if (!token(b)) {
                    return "invalid header name";
                }
            }
            case VALUE -> {
                if (b == '\n') {
                    state = State.LINE_START;
                }
            }
            case BLANK_LINE -> {
                if (b != '\n') {
                    return "invalid header name";
                }
                state = State.END;
            }
            case END -> {
                // the head's end: what follows is a body or the next head
            }
        }
        return null;
    }

    private static boolean token(byte b) {
        return HeadBytes.isTokenChar(b);
    }
}
