package dev.bascule.core.http;

import dev.bascule.config.model.HttpAction.ReplaceHeader;
import dev.bascule.config.sample.MatchMethod;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The header edits shared by request and response rules, on the examples of HAProxy's documentation. */
class HeaderRewriteTest {
    private static HttpHeaders headers(String... nameValues) {
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    private static String lines(HttpHeaders h) {
        StringBuilder b = new StringBuilder();
        h.forEach(e -> b.append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
        return b.toString();
    }

    @Test
    void replace_header_replaces_the_whole_value_of_each_line_a_match_is_found_in() {
        HttpHeaders h = headers("Host", "a", "Cookie", "foo=foobar; expires=Tue, 14-Jun-2016 01:40:45 GMT;",
                "User-Agent", "curl/7.47.0", "cookie", "bar=1");
        HeaderRewrite.replace(h, "cookie", ReplaceHeader.Scope.LINE, Pattern.compile("foo=([^;]*);(.*)"),
                "foo=\\1;ip=192.168.1.20;\\2");
        HeaderRewrite.replace(h, "User-Agent", ReplaceHeader.Scope.LINE, Pattern.compile("curl"), "foo");
        assertEquals("""
                Host: a
                Cookie: foo=foobar;ip=192.168.1.20; expires=Tue, 14-Jun-2016 01:40:45 GMT;
                User-Agent: foo
                cookie: bar=1
                """, lines(h), "the lines stay in place; one without a match is left alone");
    }

    @Test
    void replace_value_works_on_each_comma_separated_value() {
        HttpHeaders h = headers("X-Forwarded-For", "192.168.10.1, 192.168.13.24,10.0.0.37", "Accept", "x");
        HeaderRewrite.replace(h, "x-forwarded-for", ReplaceHeader.Scope.VALUE, Pattern.compile("^192\\.168\\.(.*)$"),
                "172.16.\\1");
        assertEquals("X-Forwarded-For: 172.16.10.1, 172.16.13.24,10.0.0.37\nAccept: x\n", lines(h));
    }

    @Test
    void back_references_are_haproxys() {
        var m = Pattern.compile("(a)(b)?(c)").matcher("xac");
        m.find();
        assertEquals("[a][][c][ac]\\x41 A z\\", HeaderRewrite.expand("[\\1][\\2][\\3][\\0]\\\\x41 \\x41 \\z\\", m));
        assertEquals("[]", HeaderRewrite.expand("[\\7]", m), "a group the regex has not is empty");
        assertEquals("plain", HeaderRewrite.expand("plain", m));
    }

    @Test
    void del_header_with_a_matching_method_compares_names_in_any_case() {
        HttpHeaders h = headers("X-Debug-A", "1", "x-debug-b", "2", "X-Trace-Debug", "3", "Host", "h", "X-Ab", "4");
        HeaderRewrite.delete(h, "x-DEBUG-", MatchMethod.BEG, null);
        assertEquals("X-Trace-Debug: 3\nHost: h\nX-Ab: 4\n", lines(h));
        HeaderRewrite.delete(h, "DEBUG", MatchMethod.END, null);
        HeaderRewrite.delete(h, "^x-a", MatchMethod.REG, Pattern.compile("^x-a"));
        assertEquals(List.of("Host"), List.copyOf(h.names()));
        h.add("X-Up", "1");
        HeaderRewrite.delete(h, "^X-Up", MatchMethod.REG, Pattern.compile("^X-Up"));
        assertEquals(2, h.size(), "a regex sees names in lower case, as HAProxy holds them");
        HeaderRewrite.delete(h, "os", MatchMethod.SUB, null);
        assertEquals("X-Up: 1\n", lines(h));
    }
}
