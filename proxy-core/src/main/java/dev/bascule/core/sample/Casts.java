package dev.bascule.core.sample;

import dev.bascule.config.sample.SampleParser;
import dev.bascule.config.sample.SampleType;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Casts between the run-time forms of the sample types (HAProxy's {@code sample_casts}): Boolean, Long,
 * InetAddress, String, byte[]. A cast that cannot be made gives null: the sample is then missing, as in HAProxy.
 */
final class Casts {
    private Casts() {
    }

    static Object to(SampleType type, Object v) {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case STR, METH -> string(v);
            case SINT -> integer(v);
            case BOOL -> v instanceof Boolean ? v : v instanceof Long l ? l != 0 : null;
            case ADDR -> address(v);
            // An integer as binary is its 8 bytes, big-endian (HAProxy's c_int2bin: ssl_fc_err,hex is 16 digits).
            case BIN -> v instanceof Long l ? java.nio.ByteBuffer.allocate(8).putLong(l).array()
                    : v instanceof Boolean b ? java.nio.ByteBuffer.allocate(8).putLong(b ? 1 : 0).array() : bytes(v);
        };
    }

    static String string(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        if (v instanceof InetAddress a) {
            return a.getHostAddress();
        }
        if (v instanceof Boolean b) {
            return b ? "1" : "0";
        }
        return String.valueOf(v);
    }

    /** HAProxy's {@code c_str2int}: leading blanks skipped, an optional sign, the digits that follow; none is no sample. */
    static Long integer(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof InetAddress a && a.getAddress().length == 4) {
            byte[] b = a.getAddress();
            return (long) ((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff)) & 0xffffffffL;
        }
        if (!(v instanceof String) && !(v instanceof byte[])) {
            return null;
        }
        String s = string(v);
        int i = 0;
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        boolean negative = i < s.length() && s.charAt(i) == '-';
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        int start = i;
        long value = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < 18) {
            value = value * 10 + (s.charAt(i) - '0');
            i++;
        }
        return i == start ? null : negative ? -value : value;
    }

    /**
     * HAProxy's {@code strl2ic}, by which {@code hdr_val} and {@code cook_val} read a value: the digits from the start
     * (after a '-'), up to the first character that is not one; 0 when there is none.
     */
    static long leadingInteger(String s) {
        boolean negative = s.startsWith("-");
        int value = 0;
        for (int i = negative ? 1 : 0; i < s.length(); i++) {
            int digit = s.charAt(i) - '0';
            if (digit > 9) {
                break;
            }
            value = negative ? value * 10 - digit : value * 10 + digit;
        }
        return value;
    }

    static InetAddress address(Object v) {
        if (v instanceof InetAddress a) {
            return a;
        }
        byte[] raw;
        if (v instanceof Long l) {
            raw = new byte[] {(byte) (l >>> 24), (byte) (l >>> 16), (byte) (l >>> 8), (byte) (long) l};
        } else if (v instanceof String || v instanceof byte[]) {
            raw = SampleParser.literal(string(v).strip());
        } else {
            return null;
        }
        try {
            return raw == null ? null : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static byte[] bytes(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof InetAddress a) {
            return a.getAddress();
        }
        return string(v).getBytes(StandardCharsets.ISO_8859_1);
    }
}
