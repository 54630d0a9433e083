package dev.bascule.config.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ACLs every proxy has without declaring them (doc section 7.4, HAProxy's {@code default_acl_list}), written as
 * the ACL lines they are and compiled by the same parser, once.
 */
public final class PredefinedAcls {
    private static final Map<String, List<String>> LINES = new LinkedHashMap<>();

    static {
        LINES.put("TRUE", List.of("always_true"));
        LINES.put("FALSE", List.of("always_false"));
        LINES.put("LOCALHOST", List.of("src", "127.0.0.1/8", "::1"));
        LINES.put("HTTP", List.of("req.proto_http"));
        LINES.put("HTTP_1.0", List.of("req.ver", "1.0"));
        LINES.put("HTTP_1.1", List.of("req.ver", "1.1"));
        LINES.put("HTTP_2.0", List.of("req.ver", "2.0"));
        LINES.put("HTTP_3.0", List.of("req.ver", "3.0"));
        for (String m : List.of("CONNECT", "DELETE", "HEAD", "OPTIONS", "POST", "PUT", "TRACE")) {
            LINES.put("METH_" + m, List.of("method", m));
        }
        LINES.put("METH_GET", List.of("method", "GET", "HEAD"));
        LINES.put("HTTP_URL_ABS", List.of("url_reg", "^[^/:]*://"));
        LINES.put("HTTP_URL_SLASH", List.of("url_beg", "/"));
        LINES.put("HTTP_URL_STAR", List.of("url", "*"));
        LINES.put("HTTP_CONTENT", List.of("hdr_val(content-length)", "gt", "0"));
        LINES.put("RDP_COOKIE", List.of("req.rdp_cookie_cnt", "gt", "0"));
        LINES.put("REQ_CONTENT", List.of("req.len", "gt", "0"));
        LINES.put("WAIT_END", List.of("wait_end"));
    }

    private static final Map<String, List<AclTest>> COMPILED = new LinkedHashMap<>();

    static {
        AclParser parser = new AclParser(new SampleParser(path -> {
            throw new java.io.IOException("predefined ACLs read no file");
        }));
        for (var e : LINES.entrySet()) {
            try {
                COMPILED.put(e.getKey(), parser.parse(e.getValue()));
            } catch (SampleException ex) {
                throw new IllegalStateException("predefined ACL " + e.getKey() + ": " + ex.getMessage(), ex);
            }
        }
    }

    private PredefinedAcls() {
    }

    /** The predefined ACL of that name (its tests), or null. */
    public static List<AclTest> named(String name) {
        return COMPILED.get(name);
    }

    /** The ACL line a predefined ACL is ({@code src 127.0.0.1/8 ::1} for LOCALHOST), or null. */
    public static List<String> definition(String name) {
        return LINES.get(name);
    }

    public static List<String> names() {
        return List.copyOf(COMPILED.keySet());
    }
}
