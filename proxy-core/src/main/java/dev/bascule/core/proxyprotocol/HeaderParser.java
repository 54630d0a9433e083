package dev.bascule.core.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static dev.bascule.core.proxyprotocol.HeaderFormat.*;

/**
 * Reads a PROXY protocol header, version 1 or 2, from the first bytes of a connection, as far as they have come:
 * the header, or that more bytes are needed, or why these cannot begin one. It reads without consuming; the caller
 * skips the header's length. Version 2's TLVs are walked within the header's announced length (each must fit),
 * a CRC32c one is checked, the authority and unique id kept, the others skipped.
 */
final class HeaderParser {
    /** What the bytes so far make. */
    sealed interface Result permits NeedMore, Invalid, Parsed {
    }

    record NeedMore() implements Result {
    }

    record Invalid(HeaderError error) implements Result {
    }

    /** A whole header of {@code length} bytes. */
    record Parsed(ProxyHeader header, int length) implements Result {
    }

    private static final NeedMore NEED_MORE = new NeedMore();
    private static final Invalid NOT_A_HEADER = new Invalid(HeaderError.NOT_A_HEADER);
    private static final Invalid INVALID = new Invalid(HeaderError.INVALID);

    private HeaderParser() {
    }

    static Result parse(ByteBuf in) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (startsWith(in, start, available, V1_PREFIX)) {
            return available < V1_PREFIX.length ? NEED_MORE : v1(in, start, available);
        }
        if (startsWith(in, start, available, V2_SIGNATURE)) {
            return available < V2_FIXED ? NEED_MORE : v2(in, start, available);
        }
        return NOT_A_HEADER;
    }

    /** Whether the bytes so far agree with {@code prefix} (all of them, when fewer have come). */
    private static boolean startsWith(ByteBuf in, int start, int available, byte[] prefix) {
        int n = Math.min(available, prefix.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(start + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    // --- version 1: "PROXY TCP4 <src> <dst> <sport> <dport>\r\n" or "PROXY UNKNOWN ...\r\n" ---

    private static Result v1(ByteBuf in, int start, int available) {
        int limit = Math.min(available, V1_MAX);
        int cr = -1;
        for (int i = start + V1_PREFIX.length; i < start + limit; i++) {
            byte b = in.getByte(i);
            if (b == '\r') {
                cr = i;
                break;
            }
            if (b == '\n') {
                return INVALID;
            }
        }
        if (cr < 0) {
            return available >= V1_MAX ? INVALID : NEED_MORE;
        }
        if (cr + 1 >= start + available) {
            return NEED_MORE;
        }
        if (in.getByte(cr + 1) != '\n') {
            return INVALID;
        }
        int length = cr + 2 - start;
        String line = in.toString(start + V1_PREFIX.length, cr - start - V1_PREFIX.length, StandardCharsets.US_ASCII);
        if (line.equals("UNKNOWN") || line.startsWith("UNKNOWN ")) {
            return new Parsed(new ProxyHeader(1, null, null, null, null), length);
        }
        String[] w = line.split(" ", -1);
        if (w.length != 5 || !(w[0].equals("TCP4") || w[0].equals("TCP6"))) {
            return INVALID;
        }
        boolean v6 = w[0].equals("TCP6");
        InetAddress src = address(w[1], v6);
        InetAddress dst = address(w[2], v6);
        int sport = port(w[3]);
        int dport = port(w[4]);
        if (src == null || dst == null || sport < 0 || dport < 0) {
            return INVALID;
        }
        return new Parsed(new ProxyHeader(1, new InetSocketAddress(src, sport), new InetSocketAddress(dst, dport),
                null, null), length);
    }

    /** A literal of the family the line names (no name is ever looked up). */
    private static InetAddress address(String text, boolean v6) {
        if (v6 ? !NetUtil.isValidIpV6Address(text) : !NetUtil.isValidIpV4Address(text)) {
            return null;
        }
        byte[] raw = NetUtil.createByteArrayFromIpAddressString(text);
        if (raw == null) {
            return null;
        }
        try {
            // A v4-mapped IPv6 literal is the IPv4 client it maps, as the JDK reads it everywhere else.
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int port(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return -1;
        }
        int p = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            p = p * 10 + (c - '0');
        }
        return p <= 65535 ? p : -1;
    }

    // --- version 2: signature, version and command, family, length, addresses, TLVs ---

    private static Result v2(ByteBuf in, int start, int available) {
        int verCmd = in.getUnsignedByte(start + 12);
        if ((verCmd & 0xF0) != V2_VERSION) {
            return INVALID;
        }
        int command = verCmd & 0x0F;
        if (command != CMD_LOCAL && command != CMD_PROXY) {
            return INVALID;
        }
        int family = in.getUnsignedByte(start + 13);
        int length = V2_FIXED + in.getUnsignedShort(start + 14);
        if (length > V2_MAX) {
            return INVALID;
        }
        if (available < length) {
            return NEED_MORE;
        }
        if (command == CMD_LOCAL) {
            // The proxy in front speaking for itself (its health check): the socket's addresses stay.
            return new Parsed(new ProxyHeader(2, null, null, null, null), length);
        }
        InetSocketAddress src;
        InetSocketAddress dst;
        int tlvs;
        int a = start + V2_FIXED;
        if (family == FAM_TCP4) {
            if (length - V2_FIXED < ADDR_LEN_TCP4) {
                return INVALID;
            }
            src = new InetSocketAddress(inet(in, a, 4), in.getUnsignedShort(a + 8));
            dst = new InetSocketAddress(inet(in, a + 4, 4), in.getUnsignedShort(a + 10));
            tlvs = a + ADDR_LEN_TCP4;
        } else if (family == FAM_TCP6) {
            if (length - V2_FIXED < ADDR_LEN_TCP6) {
                return INVALID;
            }
            src = new InetSocketAddress(inet(in, a, 16), in.getUnsignedShort(a + 32));
            dst = new InetSocketAddress(inet(in, a + 16, 16), in.getUnsignedShort(a + 34));
            tlvs = a + ADDR_LEN_TCP6;
        } else {
            // UDP, Unix sockets, unspecified: nothing Bascule relays as a client address; the socket's stay, as HAProxy.
            return new Parsed(new ProxyHeader(2, null, null, null, null), length);
        }
        return tlvs(in, start, length, tlvs, src, dst);
    }

    private static InetAddress inet(ByteBuf in, int at, int size) {
        byte[] raw = new byte[size];
        in.getBytes(at, raw);
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a raw address of " + size + " bytes", e);
        }
    }

    private static Result tlvs(ByteBuf in, int start, int length, int at, InetSocketAddress src,
                               InetSocketAddress dst) {
        int end = start + length;
        String authority = null;
        String uniqueId = null;
        while (at < end) {
            if (end - at < 3) {
                return INVALID;
            }
            int type = in.getUnsignedByte(at);
            int size = in.getUnsignedShort(at + 1);
            int value = at + 3;
            if (value + size > end) {
                return INVALID;
            }
            switch (type) {
                case TLV_CRC32C -> {
                    if (size != 4 || !checksumHolds(in, start, length, value)) {
                        return INVALID;
                    }
                }
                case TLV_AUTHORITY -> {
                    if (size > AUTHORITY_MAX) {
                        return INVALID;
                    }
                    authority = in.toString(value, size, StandardCharsets.UTF_8);
                }
                case TLV_UNIQUE_ID -> {
                    if (size > UNIQUE_ID_MAX) {
                        return INVALID;
                    }
                    uniqueId = in.toString(value, size, StandardCharsets.UTF_8);
                }
                default -> {
                    // ALPN, SSL, NOOP, NETNS and custom TLVs: nothing a stream reads yet.
                }
            }
            at = value + size;
        }
        return new Parsed(new ProxyHeader(2, src, dst, authority, uniqueId), length);
    }

    /** The CRC32c of the whole header with its checksum field taken as zeros equals the field. */
    private static boolean checksumHolds(ByteBuf in, int start, int length, int field) {
        byte[] header = new byte[length];
        in.getBytes(start, header);
        long sent = in.getUnsignedInt(field);
        for (int i = 0; i < 4; i++) {
            header[field - start + i] = 0;
        }
        CRC32C crc = new CRC32C();
        crc.update(header);
        return crc.getValue() == sent;
    }
}
