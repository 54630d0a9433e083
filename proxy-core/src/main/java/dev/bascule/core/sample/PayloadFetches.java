package dev.bascule.core.sample;

import dev.bascule.core.Buffers;

import java.nio.charset.StandardCharsets;

/**
 * The layer 6 fetches on the client's first bytes, as HAProxy's {@code payload.c} reads them: the length, bytes at
 * an offset, a length-prefixed block, and the TLS ClientHello's handshake type, version and server name. Each
 * returns null when there is no sample; when that is for lack of bytes that may still come, it says so on the
 * context ({@link SampleContext#mayChange()}), and a rule waits for more instead of deciding.
 */
final class PayloadFetches {
    private PayloadFetches() {
    }

    /** {@code req.len}: always subject to change while more bytes may come. */
    static Long length(Payload p, SampleContext c) {
        if (!p.complete()) {
            c.mayChange();
        }
        return (long) p.length();
    }

    /** {@code req.payload(offset,length)}: length 0 takes everything from the offset. */
    static byte[] payload(Payload p, long offset, long length, SampleContext c) {
        long max = Buffers.BUFSIZE;
        if (length > max || offset + length > max) {
            return null;
        }
        if (offset + length > p.length()) {
            return tooShort(p, c);
        }
        int n = (int) (length == 0 ? p.length() - offset : length);
        if (length == 0 && !p.complete()) {
            c.mayChange();
        }
        return p.copy((int) offset, n);
    }

    /**
     * {@code req.payload_lv(offset1,length[,offset2])}: a block whose size is the {@code length}-byte big-endian
     * integer at {@code offset1}; it starts right after that integer, at {@code offset2}, or {@code offset2} after
     * it when that is written with a sign.
     */
    static byte[] payloadLv(Payload p, long lenOffset, long lenSize, String offset2, SampleContext c) {
        if (lenOffset + lenSize > p.length()) {
            return tooShort(p, c);
        }
        long size = 0;
        for (int i = 0; i < lenSize; i++) {
            size = (size << 8) + p.at((int) (lenOffset + i));
        }
        long start = lenOffset + lenSize;
        if (offset2 != null) {
            long o = Long.parseLong(offset2.strip());
            start = offset2.strip().startsWith("+") || offset2.strip().startsWith("-") ? start + o : o;
        }
        long max = Buffers.BUFSIZE;
        if (size == 0 || size > max || start + size > max) {
            return null;
        }
        if (start + size > p.length()) {
            return tooShort(p, c);
        }
        return p.copy((int) start, (int) size);
    }

    /** {@code req.ssl_hello_type}: the handshake message type of a whole first TLS handshake message (1: hello). */
    static Long helloType(Payload p, SampleContext c) {
        int left = p.length();
        if (left == 0) {
            return tooShort(p, c);
        }
        int type = p.at(0);
        if (!(type >= 0x14 && type <= 0x17 || type == 0xFF)) {
            return null;
        }
        if (left < 9) {
            return tooShort(p, c);
        }
        if ((p.at(1) << 16) + p.at(2) < 0x00030000 || (p.at(3) << 8) + p.at(4) < 4) {
            return null;
        }
        int hsLen = (p.at(6) << 16) + (p.at(7) << 8) + p.at(8);
        if (left < 9 + hsLen) {
            return tooShort(p, c);
        }
        return (long) p.at(5);
    }

    /**
     * {@code req.ssl_ver}: the ClientHello's version as {@code (major << 16) + minor} (an SSLv3 or later record, or an
     * SSLv2 hello), once the whole message (or as much of it as the buffer holds) is there.
     */
    static Long sslVersion(Payload p, SampleContext c) {
        int left = p.length();
        if (left == 0) {
            return tooShort(p, c);
        }
        int at = 0;
        int version;
        int msgLen;
        int first = p.at(0);
        if (first >= 0x14 && first <= 0x17 || first == 0xFF) {
            if (left < 11) {
                return tooShort(p, c);
            }
            version = (p.at(1) << 16) + p.at(2);
            msgLen = (p.at(3) << 8) + p.at(4);
            if (version < 0x00030000 || msgLen < 6 || msgLen > (1 << 14) + 2048) {
                return null;
            }
            left -= 5;
            at = 5;
            version = (p.at(at + 4) << 16) + p.at(at + 5);
        } else {
            int rlen;
            int plen;
            if ((first & 0x80) != 0) {
                if (left < 3) {
                    return tooShort(p, c);
                }
                rlen = ((first & 0x7F) << 8) | p.at(1);
                plen = 0;
                left -= 2;
                at = 2;
            } else {
                if (left < 4) {
                    return tooShort(p, c);
                }
                rlen = ((first & 0x3F) << 8) | p.at(1);
                plen = p.at(2);
                left -= 3;
                at = 3;
            }
            if (p.at(at) != 0x01) {
                return null;
            }
            left--;
            at++;
            if (left < 8) {
                return tooShort(p, c);
            }
            version = (p.at(at) << 16) + p.at(at + 1);
            int cilen = (p.at(at + 2) << 8) + p.at(at + 3);
            int silen = (p.at(at + 4) << 8) + p.at(at + 5);
            int chlen = (p.at(at + 6) << 8) + p.at(at + 7);
            left -= 8;
            if (cilen % 3 != 0 || silen != 0 && silen != 16 || chlen < 16 || chlen > 32
                    || rlen != 9 + cilen + silen + chlen) {
                return null;
            }
            msgLen = cilen + silen + chlen + plen;
        }
        // As much of the message as a buffer can hold is enough.
        msgLen = Math.min(msgLen, Buffers.BUFSIZE - at);
        if (left < msgLen) {
            return tooShort(p, c);
        }
        return (long) version;
    }

    /**
     * {@code req.ssl_sni}: the host name of the server_name extension of a whole TLS ClientHello (RFC 5246, RFC
     * 6066), read as HAProxy's {@code smp_fetch_ssl_hello_sni} does, bound checks included.
     */
    static String serverName(Payload p, SampleContext c) {
        int left = p.length();
        if (left == 0) {
            return tooShort(p, c);
        }
        if (p.at(0) != 0x16) {
            return null;
        }
        if (left < 3) {
            return tooShort(p, c);
        }
        if (p.at(1) < 0x03) {
            return null;
        }
        if (left < 5) {
            return tooShort(p, c);
        }
        int hsLen = (p.at(3) << 8) + p.at(4);
        if (hsLen < 1 + 3 + 2 + 32 + 1 + 2 + 2 + 1 + 1 + 2 + 2) {
            return null;
        }
        int d = 5;
        left -= 5;
        if (left < 1) {
            return tooShort(p, c);
        }
        if (p.at(d) != 0x01) {
            return null;
        }
        if (left < 4) {
            return tooShort(p, c);
        }
        hsLen = (p.at(d + 1) << 16) + (p.at(d + 2) << 8) + p.at(d + 3);
        if (hsLen < 2 + 32 + 1 + 2 + 2 + 1 + 1 + 2 + 2) {
            return null;
        }
        if (left < hsLen) {
            return tooShort(p, c);
        }
        d += 4;
        // Past here HAProxy trusts the lengths it checked against the handshake's, not the buffer's: so do the
        // checks below, and a lying length reads beyond what came only as far as hsLen allows.
        if (p.length() < d + hsLen) {
            return tooShort(p, c);
        }
        if (p.at(d) < 0x03 || p.at(d + 1) < 0x01) {
            return null;
        }
        int extLen = p.at(d + 34);
        if (extLen > 32 || extLen > hsLen - 35) {
            return null;
        }
        hsLen -= 35 + extLen;
        d += 35 + extLen;
        if (hsLen < 4) {
            return null;
        }
        extLen = (p.at(d) << 8) + p.at(d + 1);
        if (extLen < 2 || extLen > hsLen) {
            return null;
        }
        hsLen -= 2 + extLen;
        d += 2 + extLen;
        if (hsLen < 2 || p.at(d) < 1 || p.at(d) > hsLen) {
            return null;
        }
        int compression = p.at(d);
        hsLen -= 1 + compression;
        d += 1 + compression;
        if (hsLen < 2) {
            return null;
        }
        extLen = (p.at(d) << 8) + p.at(d + 1);
        if (extLen > hsLen - 2) {
            return null;
        }
        hsLen = extLen;
        d += 2;
        while (hsLen >= 4) {
            int type = (p.at(d) << 8) + p.at(d + 1);
            extLen = (p.at(d + 2) << 8) + p.at(d + 3);
            if (extLen > hsLen - 4) {
                return null;
            }
            if (type == 0) {
                if (extLen < 2) {
                    return null;
                }
                int listLen = (p.at(d + 4) << 8) + p.at(d + 5);
                if (listLen < 4 || listLen > hsLen - 6) {
                    return null;
                }
                int nameLen = (p.at(d + 7) << 8) + p.at(d + 8);
                if (p.at(d + 6) == 0) {
                    if (d + 9 + nameLen > p.length()) {
                        return null;
                    }
                    return new String(p.copy(d + 9, nameLen), StandardCharsets.ISO_8859_1);
                }
            }
            hsLen -= 4 + extLen;
            d += 4 + extLen;
        }
        return null;
    }

    /**
     * {@code req.proto_http} on a TCP session: true when the bytes start a whole HTTP/1 request head (a method, a
     * target, an {@code HTTP/x.y} version, then headers up to the blank line), else no sample.
     */
    static Boolean protoHttp(Payload p, SampleContext c) {
        int n = p.length();
        int end = -1;
        for (int i = 0; i + 3 < n; i++) {
            if (p.at(i) == '\r' && p.at(i + 1) == '\n' && p.at(i + 2) == '\r' && p.at(i + 3) == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return tooShort(p, c);
        }
        String head = new String(p.copy(0, end), StandardCharsets.ISO_8859_1);
        int eol = head.indexOf("\r\n");
        String line = eol < 0 ? head : head.substring(0, eol);
        // As HAProxy's, true or no sample: never false.
        return line.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+ \\S+ HTTP/\\d\\.\\d") ? Boolean.TRUE : null;
    }

    /** {@code wait_end}: no sample, which may change, until the bytes are final. */
    static Boolean waiting(SampleContext c) {
        c.mayChange();
        return null;
    }

    /**
     * {@code req.rdp_cookie([name])}: the value of the {@code Cookie: name=value} line that follows the 11 bytes of an
     * RDP connection request's headers (the name, any case, when given), up to its CR LF.
     */
    static String rdpCookie(Payload p, String name, SampleContext c) {
        int n = p.length();
        int at = 11;
        if (n <= at + 7) {
            return tooShort(p, c);
        }
        if (!p.text(at, 7).equalsIgnoreCase("Cookie:")) {
            return null;
        }
        at += 7;
        while (at < n && p.at(at) == ' ') {
            at++;
        }
        if (name != null) {
            if (n - at <= name.length()) {
                return tooShort(p, c);
            }
            if (p.at(at + name.length()) != '=' || !p.text(at, name.length()).equalsIgnoreCase(name)) {
                return null;
            }
            at += name.length() + 1;
        } else {
            while (at < n && p.at(at) != '=') {
                if (p.at(at) == '\r' || p.at(at) == '\n') {
                    return null;
                }
                at++;
            }
            if (at >= n) {
                return tooShort(p, c);
            }
            at++;
        }
        int value = at;
        while (at < n && p.at(at) != '\r') {
            at++;
        }
        if (n - at < 2) {
            return tooShort(p, c);
        }
        return p.at(at + 1) == '\n' ? p.text(value, at - value) : null;
    }

    /** {@code req.rdp_cookie_cnt([name])}: 1 when there is such a cookie, 0 when not; no sample while it may come. */
    static Long rdpCookieCount(Payload p, String name, SampleContext c) {
        if (rdpCookie(p, name, c) != null) {
            return 1L;
        }
        if (c.peekMayChange()) {
            return null;
        }
        return 0L;
    }

    private static <T> T tooShort(Payload p, SampleContext c) {
        if (!p.complete()) {
            c.mayChange();
        }
        return null;
    }
}
