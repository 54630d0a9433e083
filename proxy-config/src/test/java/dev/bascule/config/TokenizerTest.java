package dev.bascule.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTest {
    private final Tokenizer tokenizer = new Tokenizer(Map.of("PORT", "8080", "EMPTY", "")::get);

    private List<String> words(String line) {
        Tokenizer.Result r = tokenizer.split(line);
        assertNull(r.error(), r.error());
        return r.words();
    }

    @Test
    void blanks_separate_words_and_a_hash_starts_a_comment() {
        assertEquals(List.of("server", "s1", "127.0.0.1:80", "check"),
                words("  server\ts1   127.0.0.1:80 check   # the first one"));
        assertEquals(List.of(), words("# only a comment"));
        assertEquals(List.of(), words("   "));
    }

    @Test
    void backslash_escapes_a_blank_as_in_stats_realm() {
        assertEquals(List.of("stats", "realm", "Haproxy Manager"), words("stats realm Haproxy\\ Manager"));
    }

    @Test
    void other_backslashes_are_kept_for_regexes() {
        assertEquals(List.of("acl", "a", "path_reg", "^/img\\.png$"), words("acl a path_reg ^/img\\.png$"));
    }

    @Test
    void escape_sequences() {
        assertEquals(List.of("a#b", "c\td", "A"), words("a\\#b c\\td \\x41"));
    }

    @Test
    void quotes_group_words_single_quotes_are_literal() {
        assertEquals(List.of("log-format", "%ci %ST"), words("log-format \"%ci %ST\""));
        assertEquals(List.of("x", "${PORT} \\t"), words("x '${PORT} \\t'"));
        assertEquals(List.of("x", ""), words("x \"\""));
        assertEquals(List.of("ab cd"), words("a\"b c\"d"));
    }

    @Test
    void environment_variables_expand_inside_double_quotes_as_in_haproxy_2_6() {
        assertEquals(List.of("bind", ":8080"), words("bind \":${PORT}\""));
        assertEquals(List.of("bind", ":8080"), words("bind \":$PORT\""));
        assertEquals(List.of("x", "fallback"), words("x \"${UNSET-fallback}\""));
        assertEquals(List.of("x", "8080-y"), words("x \"$PORT-y\""));
        assertEquals(List.of("x", ""), words("x \"${EMPTY}\""));
        assertEquals(List.of("x", ""), words("x \"$UNSET\""));
        assertEquals(List.of("x", "$PORT"), words("x \"\\$PORT\""));
    }

    @Test
    void word_expansion_splits_a_value_into_words() {
        Tokenizer t = new Tokenizer(Map.of("ADDRS", "a:1 b:2")::get);
        assertEquals(List.of("bind", "a:1", "b:2"), t.split("bind \"${ADDRS[*]}\"").words());
        assertNotNull(t.split("bind \"${ADDRS[x]}\"").error());
    }

    /** Measured with HAProxy 2.6.12: {@code mode $M} with M=foo is refused as "unknown proxy mode '$M'". */
    @Test
    void outside_double_quotes_a_dollar_is_text_with_a_warning_when_the_variable_is_set() {
        Tokenizer.Result set = tokenizer.split("stats auth $PORT:${PORT}");
        assertEquals(List.of("stats", "auth", "$PORT:${PORT}"), set.words());
        assertEquals(List.of("PORT", "PORT"), set.unquotedVariables());
        Tokenizer.Result unset = tokenizer.split("stats auth $USER:$PASS");
        assertEquals(List.of("stats", "auth", "$USER:$PASS"), unset.words());
        assertEquals(List.of(), unset.unquotedVariables());
        assertEquals(List.of("x", "${UNSET-fallback}"), words("x ${UNSET-fallback}"));
        assertEquals(List.of("x", "\\$PORT"), words("x \\$PORT"));
        assertEquals(List.of("x", "${PORT}"), words("x '${PORT}'"));
    }

    @Test
    void malformed_variables_inside_double_quotes_are_errors_in_haproxy_words() {
        assertTrue(tokenizer.split("x \"$1\"").error().startsWith("forbidden first char"));
        assertTrue(tokenizer.split("x \"${PORT\"").error().startsWith("unmatched brace"));
    }

    @Test
    void crlf_line_endings_are_blanks() {
        assertEquals(List.of("mode", "tcp"), words("mode tcp\r"));
    }

    @Test
    void an_unterminated_quote_is_an_error() {
        assertNotNull(tokenizer.split("stats realm \"oops").error());
    }
}
