package dev.bascule.core.http;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A second reading of chunked framing (RFC 9112 section 7.1), written apart from {@link MessageFramer} to check
 * it: lines end in CR LF and are judged once whole (or once longer than the framer's limit), sizes are hex up to
 * {@link Long#MAX_VALUE}, extensions hold field-value characters, trailers are header lines.
 */
final class ChunkedBody {
    static final long INVALID = -1;
    static final long INCOMPLETE = -2;

    private static final int MAX_LINE = 4096;
    private static final String FIELD_VALUE = "[\\t\\x20-\\x7e\\x80-\\xff]*";
    private static final Pattern SIZE_LINE = Pattern.compile("([0-9A-Fa-f]+)[ \\t]*(;" + FIELD_VALUE + ")?");
    private static final Pattern TRAILER = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+:" + FIELD_VALUE);
    private static final BigInteger LARGEST = BigInteger.valueOf(Long.MAX_VALUE);

    private ChunkedBody() {
    }

    /** How many bytes the chunked body at the start of {@code bytes} takes, {@link #INVALID} or {@link #INCOMPLETE}. */
    static long length(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (true) {
            int lf = lineFeed(s, pos);
            if (lf < 0) {
                return lf;
            }
            var size = SIZE_LINE.matcher(s.substring(pos, lf - 1));
            if (!size.matches() || new BigInteger(size.group(1), 16).compareTo(LARGEST) > 0) {
                return INVALID;
            }
            long n = new BigInteger(size.group(1), 16).longValue();
            pos = lf + 1;
            if (n == 0) {
                return trailers(s, pos);
            }
            if (s.length() - pos < n) {
                return INCOMPLETE;
            }
            pos += (int) n;
            lf = lineFeed(s, pos);
            if (lf < 0) {
                return lf;
            }
            if (lf - 1 != pos) {
                return INVALID;
            }
            pos = lf + 1;
        }
    }

    private static long trailers(String s, int pos) {
        while (true) {
            int lf = lineFeed(s, pos);
            if (lf < 0) {
                return lf;
            }
            if (lf - 1 == pos) {
                return lf + 1;
            }
            if (!TRAILER.matcher(s.substring(pos, lf - 1)).matches()) {
                return INVALID;
            }
            pos = lf + 1;
        }
    }

    /** The LF that ends the line at {@code pos}, after its CR; or INVALID (bare LF, too long), INCOMPLETE. */
    private static int lineFeed(String s, int pos) {
        int lf = s.indexOf('\n', pos);
        if (lf < 0 || lf - pos >= MAX_LINE) {
            return s.length() - pos >= MAX_LINE ? (int) INVALID : (int) INCOMPLETE;
        }
        return lf > pos && s.charAt(lf - 1) == '\r' ? lf : (int) INVALID;
    }
}
