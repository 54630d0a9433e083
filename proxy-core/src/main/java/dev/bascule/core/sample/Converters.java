package dev.bascule.core.sample;

import dev.bascule.config.sample.Converter;
import dev.bascule.config.sample.ConverterKeyword;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The converters of the keyword table ({@link ConverterKeyword}), each prepared once from its arguments into a
 * function of a sample (regular expressions compiled, maps indexed); a function gives null where HAProxy's
 * converter fails, and the sample is then missing.
 */
final class Converters {
    private Converters() {
    }

    static UnaryOperator<Object> of(Converter c) {
        ConverterKeyword k = c.keyword();
        UnaryOperator<Object> f = switch (k) {
            case LOWER -> v -> ((String) v).toLowerCase(Locale.ROOT);
            case UPPER -> v -> ((String) v).toUpperCase(Locale.ROOT);
            case HEX -> v -> hex((byte[]) v);
            case BASE64 -> v -> Base64.getEncoder().encodeToString((byte[]) v);
            case B64DEC -> v -> {
                try {
                    return Base64.getDecoder().decode((String) v);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            };
            case URL_DEC -> v -> urlDecode((String) v, c.arg(0) != null && !c.arg(0).strip().equals("0"));
            case LENGTH -> v -> (long) ((String) v).length();
            case JSON -> json(JsonInput.of(c.arg(0)));
            case FIELD -> field(c, false);
            case WORD -> field(c, true);
            case BYTES -> bytes(c);
            case REGSUB -> regsub(c);
            case IPMASK -> ipmask(c);
            case ADD, SUB, MUL, DIV, MOD, AND, OR, XOR -> arithmetic(c, operation(k));
            case NEG -> v -> -(Long) v;
            case NOT -> v -> (Long) v == 0;
            case BOOL -> v -> (Long) v != 0;
            default -> MapLookup.of(c);
        };
        return v -> {
            Object in = Casts.to(k.input(), v);
            return in == null ? null : f.apply(in);
        };
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
                    .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
        }
        return s.toString();
    }

    /** {@code url_dec([in_form])}: %XX decoded, '+' a space only in form data. */
    private static String urlDecode(String s, boolean form) {
        try {
            return URLDecoder.decode(form ? s : s.replace("+", "%2B"), StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** How {@code json} reads its input: bytes as they are, or UTF-8 strictly, skipping, permissively, or both. */
    private enum JsonInput {
        ASCII, UTF8, UTF8S, UTF8P, UTF8PS;

        static JsonInput of(String arg) {
            return arg == null || arg.equals("ascii") ? ASCII : valueOf(arg.toUpperCase(Locale.ROOT));
        }

        /** Whether a character decoded with these problems is skipped (else kept); null fails the whole sample. */
        Boolean skips(boolean invalid, boolean overlong) {
            boolean bad = switch (this) {
                case ASCII -> false;
                case UTF8, UTF8S -> invalid || overlong;
                case UTF8P, UTF8PS -> invalid;
            };
            if (!bad) {
                return false;
            }
            return this == UTF8S || this == UTF8PS ? Boolean.TRUE : null;
        }
    }

    /**
     * {@code json([input])}: the string escaped for a JSON string literal as HAProxy's {@code sample_conv_json}:
     * quote, backslash and slash escaped, the usual control escapes, any other byte that is not printable ASCII (or a
     * decoded character above 0xFF) as a backslash, {@code u} and four hex digits; characters above 0xFFFF fail the
     * sample or are skipped.
     */
    private static UnaryOperator<Object> json(JsonInput input) {
        return v -> {
            byte[] b = ((String) v).getBytes(StandardCharsets.ISO_8859_1);
            StringBuilder out = new StringBuilder(b.length + 8);
            for (int i = 0; i < b.length; ) {
                int c;
                if (input == JsonInput.ASCII) {
                    c = b[i++] & 0xff;
                } else {
                    long decoded = Utf8.next(b, i);
                    c = (int) (decoded & 0xffffffffL);
                    i += (int) (decoded >>> 40);
                    Boolean skip = input.skips((decoded & Utf8.INVALID) != 0, (decoded & Utf8.OVERLONG) != 0);
                    if (skip == null) {
                        return null;
                    }
                    if (skip) {
                        continue;
                    }
                    if (c > 0xffff) {
                        if (input == JsonInput.UTF8 || input == JsonInput.UTF8P) {
                            return null;
                        }
                        continue;
                    }
                }
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '/' -> out.append("\\/");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\r' -> out.append("\\r");
                    case '\n' -> out.append("\\n");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20 || c > 0x7e) {
                            out.append(String.format("\\u%04x", c));
                        } else {
                            out.append((char) c);
                        }
                    }
                }
            }
            return out.toString();
        };
    }

    interface Op {
        long apply(long a, long b);
    }

    /** The arithmetic of {@code add} ... {@code xor}. */
    static Op operation(ConverterKeyword k) {
        return switch (k) {
            case ADD -> Long::sum;
            case SUB -> (a, b) -> a - b;
            case MUL -> (a, b) -> a * b;
            // HAProxy: a division or modulo by zero gives the largest integer and 0.
            case DIV -> (a, b) -> b == 0 ? Long.MAX_VALUE : a / b;
            case MOD -> (a, b) -> b == 0 ? 0 : a % b;
            case AND -> (a, b) -> a & b;
            case OR -> (a, b) -> a | b;
            case XOR -> (a, b) -> a ^ b;
            default -> throw new IllegalArgumentException(k + " is not arithmetic");
        };
    }

    private static UnaryOperator<Object> arithmetic(Converter c, Op op) {
        long arg = Long.parseLong(c.arg(0).strip());
        return v -> op.apply((Long) v, arg);
    }

    /**
     * {@code field(index,delims[,count])} and {@code word(...)}: the index-th field (from the end when negative) and
     * the count-1 after it, split at any of the delimiters; {@code word} skips empty fields.
     */
    private static UnaryOperator<Object> field(Converter c, boolean words) {
        int index = Integer.parseInt(c.arg(0).strip());
        String delims = c.arg(1);
        int count = c.arg(2) == null ? 1 : Integer.parseInt(c.arg(2).strip());
        return v -> {
            String s = (String) v;
            java.util.List<int[]> spans = new java.util.ArrayList<>();
            int start = 0;
            for (int i = 0; i <= s.length(); i++) {
                if (i == s.length() || delims.indexOf(s.charAt(i)) >= 0) {
                    if (!words || i > start) {
                        spans.add(new int[] {start, i});
                    }
                    start = i + 1;
                }
            }
            // HAProxy: a field or word that is not there is no sample (index 0 is refused when the file is read).
            if (Math.abs(index) > spans.size()) {
                return null;
            }
            int first = index > 0 ? index - 1 : spans.size() + index;
            int last = count <= 0 ? spans.size() - 1 : Math.min(spans.size() - 1, first + count - 1);
            if (index < 0 && count > 0) {
                int from = Math.max(0, first - count + 1);
                return s.substring(spans.get(from)[0], spans.get(first)[1]);
            }
            return s.substring(spans.get(first)[0], spans.get(last)[1]);
        };
    }

    /**
     * {@code bytes(offset[,length])}, as HAProxy 2.6 gives it to rules: past the end an empty sample, a length past the
     * end cut there, a negative offset or length no sample.
     */
    private static UnaryOperator<Object> bytes(Converter c) {
        int offset = Integer.parseInt(c.arg(0).strip());
        Integer length = c.arg(1) == null ? null : Integer.parseInt(c.arg(1).strip());
        return v -> {
            byte[] b = (byte[]) v;
            if (offset < 0 || length != null && length < 0) {
                return null;
            }
            int from = Math.min(offset, b.length);
            int end = length == null ? b.length : (int) Math.min(b.length, (long) from + length);
            return java.util.Arrays.copyOfRange(b, from, end);
        };
    }

    /** {@code regsub(regex,subst[,flags])}: {@code g} replaces every match, {@code i} ignores case; \1 for groups. */
    private static UnaryOperator<Object> regsub(Converter c) {
        String flags = c.arg(2) == null ? "" : c.arg(2);
        Pattern p = Pattern.compile(c.arg(0), flags.contains("i") ? Pattern.CASE_INSENSITIVE : 0);
        String replacement = Matcher.quoteReplacement(c.arg(1)).replaceAll("\\\\\\\\(\\d)", "\\$$1");
        boolean global = flags.contains("g");
        return v -> {
            Matcher m = p.matcher((String) v);
            return global ? m.replaceAll(replacement) : m.replaceFirst(replacement);
        };
    }

    /** {@code ipmask(mask4[,mask6])}: the address with its host bits cleared. */
    private static UnaryOperator<Object> ipmask(Converter c) {
        int v4 = prefix(c.arg(0));
        int v6 = c.arg(1) == null ? -1 : prefix(c.arg(1));
        return v -> {
            byte[] a = ((InetAddress) v).getAddress();
            int bits = a.length == 4 ? v4 : v6;
            if (bits < 0) {
                return null;
            }
            for (int i = 0; i < a.length; i++) {
                int kept = Math.max(0, Math.min(8, bits - i * 8));
                a[i] &= (byte) (0xff00 >>> kept);
            }
            try {
                return InetAddress.getByAddress(a);
            } catch (UnknownHostException e) {
                return null;
            }
        };
    }

    private static int prefix(String mask) {
        if (mask.indexOf('.') < 0) {
            return Integer.parseInt(mask.strip());
        }
        int bits = 0;
        for (String part : mask.split("\\.")) {
            bits += Integer.bitCount(Integer.parseInt(part));
        }
        return bits;
    }
}
