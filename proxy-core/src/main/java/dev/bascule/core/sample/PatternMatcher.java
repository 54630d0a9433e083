package dev.bascule.core.sample;

import dev.bascule.config.sample.AclPattern;
import dev.bascule.config.sample.MatchMethod;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compares a sample with a list of patterns by one match method (HAProxy's {@code pat_match_*}), prepared once:
 * exact strings in a hash map, regular expressions compiled. Gives the index of the first pattern that matches, so
 * that a map converter can take that entry's value and an ACL just whether there is one.
 */
final class PatternMatcher {
    private final MatchMethod method;
    private final boolean ignoreCase;
    private final List<AclPattern> patterns;
    /** {@code -m str}: each pattern (lower-cased with {@code -i}) to its first index. */
    private final Map<String, Integer> exact;
    /** {@code -m reg}: the compiled expressions. */
    private final Pattern[] regexes;
    /** {@code -m beg/end/sub/dir/dom}: the texts (lower-cased with {@code -i}). */
    private final String[] texts;

    PatternMatcher(MatchMethod method, boolean ignoreCase, List<AclPattern> patterns) {
        this.method = method;
        this.ignoreCase = ignoreCase;
        this.patterns = patterns;
        this.exact = method == MatchMethod.STR ? new HashMap<>() : null;
        this.regexes = method == MatchMethod.REG ? new Pattern[patterns.size()] : null;
        this.texts = new String[patterns.size()];
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i) instanceof AclPattern.Text t) {
                texts[i] = ignoreCase ? t.value().toLowerCase(Locale.ROOT) : t.value();
                if (exact != null) {
                    exact.putIfAbsent(texts[i], i);
                }
                if (regexes != null) {
                    regexes[i] = Pattern.compile(t.value(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
                }
            }
        }
    }

    /** The index of the first pattern {@code sample} matches, or -1. */
    int indexOf(Object sample) {
        switch (method) {
            case FOUND:
                return 0;
            case BOOL:
                return Boolean.TRUE.equals(Casts.to(dev.bascule.config.sample.SampleType.BOOL, sample)) ? 0 : -1;
            case INT:
                return inRange(Casts.integer(sample));
            case LEN:
                return inRange((long) Casts.string(sample).length());
            case IP:
                return inNetwork(Casts.address(sample));
            case BIN:
                return sameBytes(Casts.bytes(sample));
            default:
                break;
        }
        String s = Casts.string(sample);
        if (method == MatchMethod.REG) {
            for (int i = 0; i < regexes.length; i++) {
                if (regexes[i].matcher(s).find()) {
                    return i;
                }
            }
            return -1;
        }
        if (ignoreCase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        if (method == MatchMethod.STR) {
            return exact.getOrDefault(s, -1);
        }
        for (int i = 0; i < texts.length; i++) {
            if (matches(s, texts[i])) {
                return i;
            }
        }
        return -1;
    }

    private boolean matches(String s, String p) {
        return switch (method) {
            case BEG -> s.startsWith(p);
            case END -> s.endsWith(p);
            case SUB -> s.contains(p);
            case DIR -> word(s, p, "/");
            case DOM -> word(s, p, "/?.:");
            default -> throw new IllegalStateException(method.name());
        };
    }

    /**
     * HAProxy's {@code match_word}: the pattern, its own leading and trailing delimiters ignored, appears in the
     * sample with a delimiter (or an end of the sample) on both sides.
     */
    static boolean word(String s, String p, String delims) {
        int a = 0;
        int b = p.length();
        while (a < b && delims.indexOf(p.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && delims.indexOf(p.charAt(b - 1)) >= 0) {
            b--;
        }
        String w = p.substring(a, b);
        if (w.isEmpty()) {
            return false;
        }
        for (int at = s.indexOf(w); at >= 0; at = s.indexOf(w, at + 1)) {
            int end = at + w.length();
            if ((at == 0 || delims.indexOf(s.charAt(at - 1)) >= 0)
                    && (end == s.length() || delims.indexOf(s.charAt(end)) >= 0)) {
                return true;
            }
        }
        return false;
    }

    private int inRange(Long v) {
        if (v == null) {
            return -1;
        }
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i) instanceof AclPattern.IntRange r && r.contains(v)) {
                return i;
            }
        }
        return -1;
    }

    private int inNetwork(InetAddress a) {
        if (a == null) {
            return -1;
        }
        byte[] raw = a.getAddress();
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i) instanceof AclPattern.Net n && n.network().contains(raw)) {
                return i;
            }
        }
        return -1;
    }

    private int sameBytes(byte[] b) {
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i) instanceof AclPattern.Bytes p && p.bytes().size() == b.length) {
                boolean same = true;
                for (int j = 0; j < b.length && same; j++) {
                    same = (b[j] & 0xff) == p.bytes().get(j);
                }
                if (same) {
                    return i;
                }
            }
        }
        return -1;
    }
}
