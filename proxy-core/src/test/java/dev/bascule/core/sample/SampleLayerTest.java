package dev.bascule.core.sample;

import dev.bascule.config.sample.AclParser;
import dev.bascule.config.sample.ConditionParser;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleParser;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample layer end to end below the proxy: text compiled by proxy-config's parsers, run here on a request,
 * per fetch family, match method, converter and condition operator.
 */
class SampleLayerTest {
    private final Map<String, List<String>> files = new HashMap<>();
    private final SampleParser samples = new SampleParser(path -> {
        List<String> lines = files.get(path);
        if (lines == null) {
            throw new java.io.IOException("no such file");
        }
        return lines;
    });
    private final Map<String, List<dev.bascule.config.sample.AclTest>> acls = new HashMap<>();
    private final AclParser aclParser = new AclParser(samples);
    private final ConditionParser conditions = new ConditionParser(aclParser, acls::get);

    private static final TestRequest REQUEST = TestRequest.of("GET /api/v1/users?id=42&lang=fr&id=7 HTTP/1.1",
            "Host: WWW.Example.com:8080", "Accept: text/html, application/json", "Cookie: a=1; sid=abc; a=2",
            "X-Num: 12", "Content-Length: 0", "X-Fwd: 10.1.2.3");
    private static final SampleContext CONTEXT = new SampleContext(new InetSocketAddress("192.168.1.20", 40000),
            new InetSocketAddress("127.0.0.1", 8080), REQUEST, null, null, null, SampleContext.NO_BACKENDS);
    private static final SampleContext TCP = new SampleContext(new InetSocketAddress("::1", 5000),
            new InetSocketAddress("127.0.0.1", 6379), null, null, null, null, SampleContext.NO_BACKENDS);

    private Object eval(String expr) throws SampleException {
        return Expression.of(samples.parse(expr)).evaluate(CONTEXT);
    }

    private boolean acl(String words) throws SampleException {
        return acl(words, CONTEXT);
    }

    private boolean acl(String words, SampleContext c) throws SampleException {
        return cond("if { " + words + " }", c);
    }

    private boolean cond(String words, SampleContext c) throws SampleException {
        return Condition.of(conditions.parse(Arrays.asList(words.split(" +")))).holds(c);
    }

    private void declare(String name, String words) throws SampleException {
        acls.computeIfAbsent(name, n -> new java.util.ArrayList<>()).addAll(aclParser.parse(Arrays.asList(words.split(" "))));
    }

    @Test
    void http_fetches_read_the_parts_of_the_target_and_the_headers() throws SampleException {
        assertEquals("GET", eval("method"));
        assertEquals("/api/v1/users", eval("path"));
        assertEquals("/api/v1/users?id=42&lang=fr&id=7", eval("pathq"));
        assertEquals("/api/v1/users?id=42&lang=fr&id=7", eval("url"));
        assertEquals("id=42&lang=fr&id=7", eval("query"));
        assertEquals("WWW.Example.com:8080/api/v1/users", eval("base"));
        assertEquals("42", eval("url_param(id)"), "an expression takes the first parameter");
        assertEquals("fr", eval("urlp(lang)"));
        assertNull(eval("url_param(none)"));
        assertEquals("1.1", eval("req.ver"));
        assertEquals("application/json", eval("hdr(accept)"), "the last value of a comma list");
        assertEquals("text/html", eval("hdr(accept,1)"));
        assertEquals("text/html, application/json", eval("req.fhdr(accept)"));
        assertEquals(2L, eval("hdr_cnt(accept)"));
        assertEquals(1L, eval("req.fhdr_cnt(accept)"));
        assertEquals(12L, eval("hdr_val(x-num)"));
        assertEquals("host,accept,cookie,x-num,content-length,x-fwd", eval("req.hdr_names"), "lower case, as HTX");
        assertEquals("host;accept;cookie;x-num;content-length;x-fwd", eval("req.hdr_names(;:)"), "the first character");
        assertEquals("2", eval("cook(a)"), "a named cookie's last occurrence");
        assertEquals(2L, eval("cook_val(a)"));
        assertEquals("1", eval("req.cook"), "without a name, the first cookie");
        SampleContext odd = new SampleContext(null, null, TestRequest.of("GET /p?x=1 HTTP/1.0", "X-V: 7x",
                "X-W: x7", "Cookie: c=-3z"), null, null, null, SampleContext.NO_BACKENDS);
        assertEquals(7L, Expression.of(samples.parse("hdr_val(x-v)")).evaluate(odd), "the leading digits");
        assertEquals(0L, Expression.of(samples.parse("hdr_val(x-w)")).evaluate(odd), "none: 0, as HAProxy's strl2ic");
        assertEquals(-3L, Expression.of(samples.parse("cook_val(c)")).evaluate(odd));
        assertEquals("/p", Expression.of(samples.parse("base")).evaluate(odd), "no Host: the path alone");
        assertEquals("abc", eval("req.cook(sid)"));
        assertEquals(2L, eval("cook_cnt(a)"));
        assertNull(Expression.of(samples.parse("path")).evaluate(TCP), "no request in mode tcp: no sample");
    }

    @Test
    void connection_and_internal_fetches() throws SampleException {
        assertEquals("192.168.1.20", Expression.of(samples.parse("src")).text(CONTEXT));
        assertEquals(40000L, eval("src_port"));
        assertEquals("127.0.0.1", Expression.of(samples.parse("dst")).text(CONTEXT));
        assertEquals(8080L, eval("dst_port"));
        assertEquals(7L, eval("int(7)"));
        assertEquals("x", eval("str(x)"));
        assertEquals(Boolean.TRUE, eval("always_true"));
        assertEquals(Boolean.FALSE, eval("ssl_fc"), "no TLS yet");
        assertNull(eval("ssl_fc_sni"));
        assertNull(eval("nbsrv"), "no backend in this context");
        assertEquals(System.getenv("PATH"), eval("env(PATH)"));
        assertEquals(Boolean.TRUE, eval("req.proto_http"));
        assertNull(Expression.of(samples.parse("req.proto_http")).evaluate(TCP), "true or no sample, as HAProxy's");
    }

    @Test
    void converters_transform_in_order() throws SampleException {
        files.put("hosts.map", List.of("# comment", "www.example.com:8080 web", "api.example.com api"));
        files.put("prefix.map", List.of("/api/v2 new", "/api old"));
        files.put("nets.map", List.of("192.168.0.0/16 lan", "0.0.0.0/0 wan"));
        assertEquals("www.example.com:8080", eval("req.hdr(host),lower"));
        assertEquals("/API/V1/USERS", eval("path,upper"));
        assertEquals("web", eval("req.hdr(host),lower,map(hosts.map)"));
        assertEquals("none", eval("str(x),map_str(hosts.map,none)"));
        assertNull(eval("str(x),map(hosts.map)"), "no entry and no default: no sample");
        assertEquals("old", eval("path,map_beg(prefix.map)"));
        assertEquals("lan", eval("src,map_ip(nets.map)"));
        assertEquals("wan", eval("str(8.8.8.8),map_ip(nets.map)"));
        assertEquals("v1", eval("path,field(3,/)"));
        assertEquals("api/v1", eval("path,field(2,/,2)"));
        assertEquals("users", eval("path,field(-1,/)"));
        assertEquals("api", eval("path,word(1,/)"));
        assertEquals("6869", eval("str(hi),hex"));
        assertEquals("aGk=", eval("str(hi),base64"));
        assertEquals("hi", new String((byte[]) eval("str(aGk=),b64dec")));
        assertArrayEquals("pi".getBytes(), (byte[]) eval("str(api),bytes(1)"));
        assertArrayEquals("p".getBytes(), (byte[]) eval("str(api),bytes(1,1)"));
        assertArrayEquals("pi".getBytes(), (byte[]) eval("str(api),bytes(1,9)"), "a length past the end is cut");
        assertArrayEquals(new byte[0], (byte[]) eval("str(api),bytes(5)"), "past the end: empty, as HAProxy 2.6");
        assertNull(eval("str(api),bytes(-1)"), "a negative offset: no sample");
        assertTrue(acl("str(abc),bytes(5) -m found"));
        assertEquals("a b+c", eval("str(a%20b+c),url_dec"));
        assertEquals("a b c", eval("str(a%20b+c),url_dec(1)"));
        assertEquals("/api/v2/users", eval("path,regsub(v1,v2)"));
        assertEquals("/x/x/users", eval("path,regsub(^/[^/]+/[^/]+,/x/x)"));
        assertEquals("_a_b", eval("str(.a.b),regsub([.],_,g)"));
        assertEquals("192.168.0.0", Expression.of(samples.parse("src,ipmask(16)")).text(CONTEXT));
        assertEquals(15L, eval("int(12),add(3)"));
        assertEquals(9L, eval("int(12),sub(3)"));
        assertEquals(36L, eval("int(12),mul(3)"));
        assertEquals(4L, eval("int(12),div(3)"));
        assertEquals(Long.MAX_VALUE, eval("int(12),div(0)"));
        assertEquals(2L, eval("int(12),mod(5)"));
        assertEquals(4L, eval("int(12),and(6)"));
        assertEquals(14L, eval("int(12),or(6)"));
        assertEquals(10L, eval("int(12),xor(6)"));
        assertEquals(13L, eval("str(12),add(1)"), "a string is cast to an integer");
        assertEquals(5L, eval("str(hello),length"));
    }

    @Test
    void match_methods_and_suffixes() throws SampleException {
        assertTrue(acl("path /api/v1/users"));
        assertFalse(acl("path /API/v1/users"));
        assertTrue(acl("path -i /API/v1/users"));
        assertTrue(acl("path_beg /static /api"));
        assertTrue(acl("path_end /users"));
        assertTrue(acl("path_sub v1/us"));
        assertTrue(acl("path_dir v1"));
        assertFalse(acl("path_dir v"));
        assertTrue(acl("hdr_dom(host) -i example.com"));
        assertFalse(acl("hdr_dom(host) -i ample.com"));
        assertTrue(acl("path_reg ^/api/v[0-9]+/"));
        assertTrue(acl("path_len 13"));
        assertTrue(acl("path_len gt 10"));
        assertFalse(acl("path_len lt 10"));
        assertTrue(acl("hdr_cnt(accept) 2"));
        assertTrue(acl("hdr_val(x-num) 10:20"));
        assertFalse(acl("hdr_val(x-num) :11"));
        assertTrue(acl("hdr_val(x-num) ge 12"));
        assertTrue(acl("hdr(accept) application/json"), "an ACL tries every value");
        assertTrue(acl("hdr(accept) text/html"));
        assertTrue(acl("urlp(id) 7"), "every parameter of the name");
        assertTrue(acl("url_param(id) -m int 42"));
        assertTrue(acl("cook(a) 2"));
        assertTrue(acl("hdr_ip(x-fwd) 10.0.0.0/8"));
        assertTrue(acl("src 192.168.0.0/16"));
        assertTrue(acl("src 192.168.1.20"));
        assertTrue(acl("src 192.168.0.0/255.255.0.0"));
        assertFalse(acl("src 10.0.0.0/8 ::1"));
        assertTrue(acl("src ::1", TCP));
        assertTrue(acl("src ::/0", TCP));
        assertTrue(acl("dst_port 8080"));
        assertTrue(acl("hdr(host) -m found"));
        assertFalse(acl("hdr(x-none) -m found"));
        assertTrue(acl("req.hdr(host),lower -m end .com:8080"));
        assertTrue(acl("method GET"));
        assertTrue(acl("str(ab) -m bin 6162"));
        assertTrue(acl("always_true"));
        assertFalse(acl("always_false"));
        assertTrue(acl("path -- /api/v1/users"));
        assertFalse(acl("path"), "no pattern: nothing matches");
        assertFalse(acl("path_beg /api", TCP), "no request: no sample");
    }

    @Test
    void pattern_files_give_the_patterns_of_an_acl() throws SampleException {
        files.put("paths.lst", List.of("# admin paths", "", "  /admin", "/api"));
        assertTrue(acl("path_beg -f paths.lst"));
        assertTrue(acl("path_beg -f paths.lst /x"));
        assertFalse(acl("path_beg /x -f paths.lst"), "after a pattern, '-f' is a pattern, as in HAProxy");
        files.put("nets.lst", List.of("10.0.0.0/8"));
        assertFalse(acl("src -f nets.lst"));
    }

    @Test
    void conditions_and_or_not_named_and_predefined() throws SampleException {
        declare("api", "path_beg /api");
        declare("static", "path_beg /static");
        declare("static", "hdr(host) -i static.example.com");
        declare("post", "method POST");
        assertTrue(cond("if api", CONTEXT));
        assertFalse(cond("unless api", CONTEXT));
        assertFalse(cond("if api post", CONTEXT), "implicit AND");
        assertTrue(cond("if api !post", CONTEXT));
        assertTrue(cond("if api ! post", CONTEXT));
        assertTrue(cond("if post || api", CONTEXT));
        assertTrue(cond("if post or api", CONTEXT));
        assertFalse(cond("if static", CONTEXT));
        declare("static", "hdr(host) -i -m beg www.");
        assertTrue(cond("if static", CONTEXT), "lines of one name OR together");
        assertTrue(cond("if TRUE", CONTEXT));
        assertFalse(cond("if FALSE", CONTEXT));
        assertFalse(cond("if LOCALHOST", CONTEXT));
        assertTrue(cond("if LOCALHOST", TCP));
        assertTrue(cond("if HTTP METH_GET HTTP_1.1", CONTEXT));
        assertFalse(cond("if HTTP_1.0", CONTEXT));
        assertFalse(cond("if METH_POST", CONTEXT));
        assertFalse(cond("if HTTP_URL_ABS", CONTEXT));
        assertFalse(cond("if HTTP_CONTENT", CONTEXT));
        assertFalse(cond("if REQ_CONTENT", CONTEXT));
        assertTrue(cond("if { path_beg /api } { method GET } || FALSE", CONTEXT));
        assertTrue(cond("if ! { path_beg /x }", CONTEXT));
        assertTrue(cond("if !{ path_beg /x } !FALSE", CONTEXT), "HAProxy also takes the ! glued to a name or brace");
    }

    @Test
    void a_header_read_from_a_view_of_a_netty_request_is_the_same() throws SampleException {
        var netty = new io.netty.handler.codec.http.DefaultHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_0,
                io.netty.handler.codec.http.HttpMethod.POST, "/m?x=1");
        netty.headers().add("Host", "metrics.local");
        SampleContext c = new SampleContext(null, null, RequestView.of(netty), null, null, null,
                SampleContext.NO_BACKENDS);
        assertTrue(cond("if { hdr_beg(host) metrics. } METH_POST HTTP_1.0 { urlp(x) 1 }", c));
    }

    @Test
    void json_escapes_a_string_for_a_json_literal_reading_its_bytes_as_asked() throws SampleException {
        assertEquals("a\\\"b\\\\c\\/d\\te", eval("str(a\"b\\\\c/d\te),json"));
        assertEquals("\\u0001\\u007f\\u00e9", eval("str(\u0001\u007f\u00e9),json"), "bytes as they are: é is 0xe9");
        String utf8 = new String("é€".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        String broken = "a\u00ffb";
        assertEquals("\\u00c3\\u00a9\\u00e2\\u0082\\u00ac", json(utf8, ""));
        assertEquals("\\u00e9\\u20ac", json(utf8, "(utf8)"), "UTF-8 decoded, above 0xff as \\uXXXX");
        assertNull(json(broken, "(utf8)"), "a broken sequence fails the sample");
        assertEquals("ab", json(broken, "(utf8s)"), "or is skipped");
        String overlong = "\u00c1\u0081x";
        assertNull(json(overlong, "(utf8)"));
        assertEquals("Ax", json(overlong, "(utf8p)"), "permissive: an overlong form is read");
        String astral = new String("😀!".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertNull(json(astral, "(utf8p)"), "above 0xffff: no \\u escape holds it");
        assertEquals("!", json(astral, "(utf8ps)"));
        SampleException e = org.junit.jupiter.api.Assertions.assertThrows(SampleException.class,
                () -> samples.parse("str(x),json(latin1)"));
        assertTrue(e.getMessage().contains("'ascii', 'utf8', 'utf8s', 'utf8p' and 'utf8ps'"), e.getMessage());
    }

    /** The json converter on {@code value} (its bytes as ISO-8859-1 characters), given through a header. */
    private String json(String value, String arg) throws SampleException {
        TestRequest r = TestRequest.of("GET / HTTP/1.1", "X-V: " + value);
        SampleContext c = new SampleContext(null, null, r, null, null, null, SampleContext.NO_BACKENDS);
        return Expression.of(samples.parse("req.fhdr(x-v),json" + arg)).text(c);
    }

    @Test
    void so_name_is_the_name_of_the_bind_line() throws SampleException {
        assertNull(eval("so_name"), "a bind without a name: no sample");
        SampleContext named = CONTEXT.onListener("public");
        assertEquals("public", Expression.of(samples.parse("so_name")).text(named));
        assertTrue(acl("so_name public", named));
        assertFalse(acl("so_name -m found"));
    }

    @Test
    void an_operator_applies_to_every_value_after_it_as_in_haproxy() throws SampleException {
        assertTrue(acl("hdr_val(x-num) gt 20 11"), "gt 20, then gt 11 (12 matches)");
        assertFalse(acl("hdr_val(x-num) lt 5 12"), "lt 5, then lt 12");
        assertTrue(acl("hdr_val(x-num) lt 5 eq 12"), "eq takes the values back as written");
        assertTrue(acl("hdr_val(x-num) gt 100 10:12"), "a range is taken as written");
        assertTrue(acl("hdr_val(x-num) le 12"));
        assertTrue(acl("hdr_val(x-num) ge 12 13"));
        assertFalse(acl("hdr_val(x-num) gt 12"));
    }

    @Test
    void flags_are_checked_as_haproxy_checks_them() throws SampleException {
        files.put("hosts.map", List.of("www.example.com:8080 web", "  api.example.com\tapi"));
        assertTrue(acl("hdr(host),lower -M -f hosts.map"), "-M: the first word of a map line is the pattern");
        assertFalse(acl("hdr(host),lower -f hosts.map"), "without -M: the whole line is");
        assertTrue(acl("hdr(host),lower -u 7 www.example.com:8080"), "-u takes an integer id");
        assertTrue(acl("path -n /api/v1/users"));
        assertTrue(cond("if FALSE OR TRUE", CONTEXT), "'or' in any case");
        assertEquals("the argument of -u must be an integer, got 'x'", error("path -u x /"));
        assertTrue(error("path -f hosts.map -m beg /").startsWith("'-m' must only be specified before patterns and "
                + "files"), "-m after a file");
        assertTrue(error("str(ab),b64dec 6162").startsWith("matching method must be specified first (using '-m')"),
                "a binary sample has no default match");
        assertTrue(error("path -x /").startsWith("'-x' is not a valid ACL option"));
        assertTrue(acl("str(ab),b64dec -m found"));
    }

    @Test
    void ignoring_case_applies_to_the_patterns_and_files_after_the_flag() throws SampleException {
        files.put("exact.lst", List.of("/API/v1/users"));
        files.put("any.lst", List.of("/API/V1/USERS"));
        assertFalse(acl("path -f exact.lst -i"), "a file before -i keeps its case");
        assertTrue(acl("path -f exact.lst -i /API/V1/USERS"), "a pattern after -i matches in any case");
        assertTrue(acl("path -f exact.lst -i -f any.lst"), "so does a file after it");
        assertTrue(acl("path -i -f exact.lst"));
    }

    private String error(String words) {
        return org.junit.jupiter.api.Assertions.assertThrows(SampleException.class,
                () -> aclParser.parse(Arrays.asList(words.split(" ")))).getMessage();
    }
}
