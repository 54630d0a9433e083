package dev.bascule.core.sample;

/**
 * Reads one UTF-8 sequence as HAProxy's {@code utf8_next} does, for the {@code json} converter: leading bytes of up
 * to six-byte forms accepted, overlong forms, surrogates and U+FFFE/U+FFFF flagged rather than refused, and a broken
 * sequence given back one byte (or up to the bad continuation byte) at a time.
 */
final class Utf8 {
    /** The sequence is broken, or decodes to a surrogate or a non-character (UTF8_CODE_BADSEQ, _INVRANGE). */
    static final long INVALID = 1L << 32;
    /** The character is written with more bytes than it needs (UTF8_CODE_OVERLONG). */
    static final long OVERLONG = 1L << 33;

    private Utf8() {
    }

    /** The character at {@code at} in its low 32 bits, the flags above, and the bytes read from bit 40 on. */
    static long next(byte[] b, int at) {
        int first = b[at] & 0xff;
        int left = b.length - at;
        int more;
        long c;
        if (first < 0x80) {
            return first | 1L << 40;
        } else if (first < 0xc0 || first >= 0xfe) {
            return first | INVALID | 1L << 40;
        } else if (first < 0xe0) {
            more = 1;
            c = first & 0x1f;
        } else if (first < 0xf0) {
            more = 2;
            c = first & 0x0f;
        } else if (first < 0xf8) {
            more = 3;
            c = first & 0x07;
        } else if (first < 0xfc) {
            more = 4;
            c = first & 0x03;
        } else {
            more = 5;
            c = first & 0x01;
        }
        if (left < more + 1) {
            return first | INVALID | 1L << 40;
        }
        int read = 1;
        for (; read <= more; read++) {
            int x = b[at + read] & 0xff;
            if ((x & 0xc0) != 0x80) {
                return (c & 0xffffffffL) | INVALID | (long) read << 40;
            }
            c = c << 6 | (x & 0x3f);
        }
        long flags = 0;
        if (c <= 0x7f && read > 1 || c >= 0x80 && c <= 0x7ff && read > 2 || c >= 0x800 && c <= 0xffff && read > 3
                || c >= 0x10000 && c <= 0x1fffff && read > 4) {
            flags |= OVERLONG;
        }
        if (c >= 0xd800 && c <= 0xdfff || c >= 0xfffe && c <= 0xffff) {
            flags |= INVALID;
        }
        return (c & 0xffffffffL) | flags | (long) read << 40;
    }
}
