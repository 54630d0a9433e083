package dev.bascule.core.sample;

import java.util.ArrayList;
import java.util.List;

/**
 * The layer 7 fetches on a message head, as HAProxy's {@code http_fetch.c} reads it: the target's parts, header
 * values (split at commas for {@code hdr}, whole for {@code fhdr}), cookies. Each reads a {@link RequestView} or
 * a {@link ResponseView}.
 */
public final class HttpFetches {
    private HttpFetches() {
    }

    /** The path and query of an origin-form or absolute-form target ({@code http://h/p?q} gives {@code /p?q}). */
    public static String pathq(String uri) {
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            if (scheme > 0) {
                int slash = uri.indexOf('/', scheme + 3);
                return slash < 0 ? "/" : uri.substring(slash);
            }
        }
        return uri;
    }

    public static String path(String uri) {
        String p = pathq(uri);
        int q = p.indexOf('?');
        return q < 0 ? p : p.substring(0, q);
    }

    /** The query string after the {@code ?}, or null when there is no {@code ?}. */
    static String query(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? null : uri.substring(q + 1);
    }

    /** {@code base}: the Host header's value and the path; the path alone without a Host (HAProxy's smp_fetch_base). */
    static String base(RequestView r) {
        List<String> host = r.headerLines("host");
        if (host.isEmpty() || host.get(0).isBlank()) {
            return path(r.uri());
        }
        return host.get(0).strip() + path(r.uri());
    }

    /** Every value of {@code name=value} in the query string, in order ({@code delim} between parameters). */
    static List<String> urlParams(String uri, String name, char delim) {
        List<String> out = new ArrayList<>();
        String q = query(uri);
        if (q == null) {
            return out;
        }
        int hash = q.indexOf('#');
        if (hash >= 0) {
            q = q.substring(0, hash);
        }
        for (int from = 0; from <= q.length(); ) {
            int end = q.indexOf(delim, from);
            if (end < 0) {
                end = q.length();
            }
            String param = q.substring(from, end);
            int eq = param.indexOf('=');
            String key = eq < 0 ? param : param.substring(0, eq);
            if (name == null ? !key.isEmpty() : key.equals(name)) {
                out.add(eq < 0 ? "" : param.substring(eq + 1));
            }
            from = end + 1;
        }
        return out;
    }

    /** A header's values, each line split at its commas ({@code hdr}), blanks around each removed. */
    static List<String> values(HeaderView r, String name) {
        List<String> lines = lines(r, name);
        List<String> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.indexOf(',') < 0) {
                out.add(line);
                continue;
            }
            for (String v : line.split(",", -1)) {
                out.add(v.strip());
            }
        }
        return out;
    }

    /** Every header line's value ({@code fhdr}), or every line of every header when {@code name} is null. */
    static List<String> lines(HeaderView r, String name) {
        if (name != null) {
            List<String> lines = r.headerLines(name);
            List<String> out = new ArrayList<>(lines.size());
            for (String line : lines) {
                out.add(line.strip());
            }
            return out;
        }
        List<String> out = new ArrayList<>();
        for (String n : new java.util.LinkedHashSet<>(r.headerNames())) {
            out.addAll(r.headerLines(n));
        }
        return out;
    }

    /**
     * The value at occurrence {@code occ}: 1 the first, -1 the last (the default), 0 for any (the first given).
     */
    static String occurrence(List<String> values, int occ) {
        if (values.isEmpty()) {
            return null;
        }
        int i = occ > 0 ? occ - 1 : occ < 0 ? values.size() + occ : 0;
        return i >= 0 && i < values.size() ? values.get(i) : null;
    }

    /** The values of the cookies called {@code name} (all cookies when null) in the Cookie headers, in order. */
    static List<String> cookies(RequestView r, String name) {
        List<String> out = new ArrayList<>();
        for (String header : r.headerLines("cookie")) {
            for (String pair : header.split(";")) {
                String p = pair.strip();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                if (name == null || eq == name.length() && p.startsWith(name)) {
                    out.add(p.substring(eq + 1).strip());
                }
            }
        }
        return out;
    }

    /**
     * The values of the cookies called {@code name} (all when null) that the response sets: the first
     * {@code name=value} of each {@code Set-Cookie} line, the attributes after it left out (HAProxy's {@code res.cook}).
     */
    static List<String> setCookies(ResponseView r, String name) {
        List<String> out = new ArrayList<>();
        for (String header : r.headerLines("set-cookie")) {
            String p = header.split(";", 2)[0].strip();
            int eq = p.indexOf('=');
            if (eq > 0 && (name == null || p.substring(0, eq).strip().equals(name))) {
                out.add(p.substring(eq + 1).strip());
            }
        }
        return out;
    }
}
