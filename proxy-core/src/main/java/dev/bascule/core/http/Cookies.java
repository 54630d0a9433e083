package dev.bascule.core.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Reads and edits {@code Cookie} request headers as HAProxy does: {@code name=value} pairs separated by
 * {@code ;}, blanks around them ignored, values taken as they are (no RFC 6265 validation, which would drop
 * what applications really send).
 */
public final class Cookies {
    private Cookies() {
    }

    /** @return the value of the first cookie called {@code name} in the request's Cookie headers, or null */
    public static String value(HttpHeaders headers, String name) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (String pair : header.split(";")) {
                String p = pair.trim();
                int eq = p.indexOf('=');
                if (eq == name.length() && p.startsWith(name)) {
                    return p.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    /**
     * Replaces the value of every cookie called {@code name} with {@code value}, or removes those cookies when
     * {@code value} is null (and a Cookie header left empty).
     */
    public static void replace(HttpHeaders headers, String name, String value) {
        var all = headers.getAll(HttpHeaderNames.COOKIE);
        if (all.isEmpty()) {
            return;
        }
        headers.remove(HttpHeaderNames.COOKIE);
        for (String header : all) {
            StringBuilder out = new StringBuilder();
            for (String pair : header.split(";")) {
                String p = pair.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (eq == name.length() && p.startsWith(name)) {
                    if (value == null) {
                        continue;
                    }
                    p = name + "=" + value;
                }
                out.append(out.isEmpty() ? "" : "; ").append(p);
            }
            if (!out.isEmpty()) {
                headers.add(HttpHeaderNames.COOKIE, out.toString());
            }
        }
    }
}
