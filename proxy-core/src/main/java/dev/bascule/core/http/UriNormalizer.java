package dev.bascule.core.http;

import dev.bascule.config.model.HttpAction.NormalizeUri;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@code http-request normalize-uri}: HAProxy's URI normalizers (its {@code uri_normalizer.c}) on a request target.
 * The path normalizers see the path without its query, the percent ones the path and the query, the sort the
 * query alone; an absolute target's scheme and authority stay. The fragment normalizers have nothing to do: a
 * target carrying a {@code #} is refused before any rule runs.
 */
final class UriNormalizer {
    /** A {@code strict} normalizer met a {@code %} not followed by two hexadecimal digits: the request is a 400. */
    static final class InvalidUri extends Exception {
        InvalidUri() {
            super(null, null, false, false);
        }
    }

    private UriNormalizer() {
    }

    /** @return the target normalized (the same string when nothing changed) */
    static String normalize(String uri, NormalizeUri n) throws InvalidUri {
        int from = RequestLine.pathStart(uri);
        int query = uri.indexOf('?', from);
        int pathEnd = query < 0 ? uri.length() : query;
        String before = uri.substring(0, from);
        String path = uri.substring(from, pathEnd);
        String after = uri.substring(pathEnd);
        return switch (n.normalizer()) {
            case FRAGMENT_ENCODE, FRAGMENT_STRIP -> uri;
            case PATH_MERGE_SLASHES -> before + path.replaceAll("/{2,}", "/") + after;
            case PATH_STRIP_DOT -> before + stripDot(path) + after;
            case PATH_STRIP_DOTDOT -> before + stripDotDot(path, n.option()) + after;
            case PERCENT_DECODE_UNRESERVED -> before + decodeUnreserved(path + after, n.option());
            case PERCENT_TO_UPPERCASE -> before + uppercase(path + after, n.option());
            case QUERY_SORT_BY_NAME -> query < 0 ? uri : uri.substring(0, query + 1) + sortByName(after.substring(1));
        };
    }

    /** Segments that are "." go; the slash after each segment that had one stays ({@code /.} is {@code /}). */
    private static String stripDot(String path) {
        if (!path.contains(".")) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        int from = 0;
        while (from <= path.length()) {
            int slash = path.indexOf('/', from);
            int end = slash < 0 ? path.length() : slash;
            if (end - from != 1 || path.charAt(from) != '.') {
                out.append(path, from, end);
                if (slash >= 0) {
                    out.append('/');
                }
            }
            if (slash < 0) {
                break;
            }
            from = slash + 1;
        }
        return out.toString();
    }

    /**
     * A ".." segment takes the segment before it away (an empty one too); one with none before it stays, unless
     * {@code full}.
     */
    private static String stripDotDot(String path, boolean full) {
        if (!path.contains("..") || !path.startsWith("/")) {
            return path;
        }
        List<String> kept = new ArrayList<>();
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (!s.equals("..")) {
                kept.add(s);
                continue;
            }
            if (!kept.isEmpty() && !kept.get(kept.size() - 1).equals("..")) {
                kept.remove(kept.size() - 1);
            } else if (!full) {
                kept.add(s);
                continue;
            }
            if (i == segments.length - 1) {
                // "/a/.." is the directory "/", as "/a/../" is.
                kept.add("");
            }
        }
        return "/" + String.join("/", kept);
    }

    private static boolean unreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    /** The byte {@code %XY} at {@code i} encodes, or -1 when it is not two hexadecimal digits. */
    private static int encoded(String s, int i) {
        if (i + 2 >= s.length()) {
            return -1;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    private static String decodeUnreserved(String s, boolean strict) throws InvalidUri {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int b = encoded(s, i);
            if (b < 0) {
                if (strict) {
                    throw new InvalidUri();
                }
                out.append(c);
            } else if (unreserved(b)) {
                out.append((char) b);
                i += 2;
            } else {
                out.append(s, i, i + 3);
                i += 2;
            }
        }
        return out.toString();
    }

    private static String uppercase(String s, boolean strict) throws InvalidUri {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && encoded(s, i) >= 0) {
                out.append('%').append(Character.toUpperCase(s.charAt(i + 1)))
                        .append(Character.toUpperCase(s.charAt(i + 2)));
                i += 2;
            } else if (c == '%' && strict) {
                throw new InvalidUri();
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Parameters by name ({@code &}-separated, the name before the {@code =}), those of one name in their order. */
    private static String sortByName(String query) {
        if (query.indexOf('&') < 0) {
            return query;
        }
        String[] params = query.split("&", -1);
        Arrays.sort(params, Comparator.comparing(UriNormalizer::name));
        return String.join("&", params);
    }

    private static String name(String param) {
        int eq = param.indexOf('=');
        return eq < 0 ? param : param.substring(0, eq);
    }
}
