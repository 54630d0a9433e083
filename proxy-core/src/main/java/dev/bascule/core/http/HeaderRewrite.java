package dev.bascule.core.http;

import dev.bascule.config.model.HttpAction.DelHeaders;
import dev.bascule.config.model.HttpAction.ReplaceHeader;
import dev.bascule.config.sample.MatchMethod;
import dev.bascule.core.sample.HeaderView;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The header edits that act on a head's header objects whichever way it goes, request or response:
 * {@code replace-header}, {@code replace-value} (HAProxy's {@code http_replace_hdrs}, {@code exp_replace}) and
 * {@code del-header -m}. Lines keep their order: an edited line stays where it was.
 */
final class HeaderRewrite {
    private HeaderRewrite() {
    }

    /**
     * {@code replace-header}/{@code replace-value} on a head read through {@code head}: its header objects are made
     * (and it is encoded from them) only when a line would change, so a rule that matches nothing leaves the head to
     * go in its own bytes. The replacement was evaluated before, once, as HAProxy builds it.
     */
    static void replace(HeaderView head, Supplier<HttpHeaders> objects, ReplaceHeader replace, Pattern regex,
                        String replacement) {
        if (finds(head.headerLines(replace.name()), replace.scope(), regex)) {
            replace(objects.get(), replace.name(), replace.scope(), regex, replacement);
        }
    }

    /** {@code del-header -m} on a head read through {@code head}: its header objects made only when a name matches. */
    static void delete(HeaderView head, Supplier<HttpHeaders> objects, DelHeaders del, Pattern regex) {
        if (head.headerNames().stream().anyMatch(n -> named(n, del.pattern(), del.match(), regex))) {
            delete(objects.get(), del.pattern(), del.match(), regex);
        }
    }

    /**
     * Replaces, in every line named {@code name}, the whole value ({@link ReplaceHeader.Scope#LINE}) or each
     * comma-separated value ({@link ReplaceHeader.Scope#VALUE}, the blanks around it kept) in which {@code regex}
     * finds a match, by {@code replacement} with its back-references filled from that match.
     */
    static void replace(HttpHeaders headers, String name, ReplaceHeader.Scope scope, Pattern regex,
                        String replacement) {
        if (!headers.contains(name)) {
            return;
        }
        List<Map.Entry<String, String>> lines = headers.entries();
        headers.clear();
        for (Map.Entry<String, String> line : lines) {
            String value = line.getValue();
            if (line.getKey().equalsIgnoreCase(name)) {
                value = scope == ReplaceHeader.Scope.LINE ? replaced(value, regex, replacement)
                        : eachValue(value, regex, replacement);
            }
            headers.add(line.getKey(), value);
        }
    }

    /** Whether {@link #replace} would change any of these values (a head's lines of the name). */
    private static boolean finds(List<String> lines, ReplaceHeader.Scope scope, Pattern regex) {
        for (String line : lines) {
            if (scope == ReplaceHeader.Scope.LINE ? regex.matcher(line).find()
                    : Arrays.stream(line.split(",", -1)).anyMatch(v -> regex.matcher(v.strip()).find())) {
                return true;
            }
        }
        return false;
    }

    private static String eachValue(String line, Pattern regex, String replacement) {
        StringBuilder out = new StringBuilder(line.length());
        int from = 0;
        while (true) {
            int comma = line.indexOf(',', from);
            int end = comma < 0 ? line.length() : comma;
            int a = from;
            int b = end;
            while (a < b && isBlank(line.charAt(a))) {
                a++;
            }
            while (b > a && isBlank(line.charAt(b - 1))) {
                b--;
            }
            out.append(line, from, a).append(replaced(line.substring(a, b), regex, replacement)).append(line, b, end);
            if (comma < 0) {
                return out.toString();
            }
            out.append(',');
            from = comma + 1;
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** The value, or the replacement when the regex finds a match in it (unanchored, as PCRE's search). */
    static String replaced(String value, Pattern regex, String replacement) {
        Matcher m = regex.matcher(value);
        return m.find() ? expand(replacement, m) : value;
    }

    /**
     * HAProxy's {@code exp_replace}: {@code \N} (one digit) is group N (nothing when it took no part or does not
     * exist), {@code \xHH} that byte, a backslash before any other character that character.
     */
    static String expand(String replacement, Matcher m) {
        if (replacement.indexOf('\\') < 0) {
            return replacement;
        }
        StringBuilder out = new StringBuilder(replacement.length() + 16);
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c != '\\' || i + 1 == replacement.length()) {
                out.append(c);
                continue;
            }
            char next = replacement.charAt(++i);
            if (next >= '0' && next <= '9') {
                int group = next - '0';
                String g = group <= m.groupCount() ? m.group(group) : null;
                if (g != null) {
                    out.append(g);
                }
            } else if (next == 'x' && i + 2 < replacement.length() && hex(replacement.charAt(i + 1)) >= 0
                    && hex(replacement.charAt(i + 2)) >= 0) {
                out.append((char) (hex(replacement.charAt(i + 1)) << 4 | hex(replacement.charAt(i + 2))));
                i += 2;
            } else {
                out.append(next);
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** {@code del-header <pattern> -m beg|end|sub|reg}: names compared in any case; a regex sees them in lower case. */
    static void delete(HttpHeaders headers, String pattern, MatchMethod match, Pattern regex) {
        List<String> names = headers.names().stream().filter(n -> named(n, pattern, match, regex)).toList();
        names.forEach(headers::remove);
    }

    /** Whether {@link #delete} takes the header {@code name}. */
    static boolean named(String name, String pattern, MatchMethod match, Pattern regex) {
        String n = name.toLowerCase(Locale.ROOT);
        String p = pattern.toLowerCase(Locale.ROOT);
        return switch (match) {
            case BEG -> n.startsWith(p);
            case END -> n.endsWith(p);
            case SUB -> n.contains(p);
            case REG -> regex.matcher(n).find();
            default -> n.equals(p);
        };
    }
}
