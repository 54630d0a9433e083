package dev.bascule.config;

import dev.bascule.config.model.Config;
import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.HttpAction.DelHeaders;
import dev.bascule.config.model.HttpAction.HeaderEdit;
import dev.bascule.config.model.HttpAction.ReplaceHeader;
import dev.bascule.config.model.HttpAction.SetLogLevel;
import dev.bascule.config.model.HttpAction.SetRequestLine;
import dev.bascule.config.model.HttpRule;
import dev.bascule.config.sample.MatchMethod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator rewrites requests with {@code replace-header}, {@code replace-value}, {@code del-header -m},
 * {@code set-method|path|pathq|query|uri} and {@code set-log-level}, in frontends and in backends.
 */
class HttpRequestActionsConfigTest {
    private static final String DEFAULTS = "defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n"
            + "    timeout server 5s\n";
    private static final String HEAD = DEFAULTS + "frontend f\n    bind :80\n    default_backend b\n";

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static Config valid(String text) {
        ParseResult r = parse(text);
        assertTrue(r.valid(), () -> "expected a valid config, got " + r.diagnostics());
        assertTrue(r.diagnostics().isEmpty(), () -> "expected no warning, got " + r.diagnostics());
        return r.config();
    }

    private static String alert(String text) {
        ParseResult r = parse(text);
        assertFalse(r.valid(), "expected an alert");
        return r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ALERT)
                .map(Diagnostic::text).collect(java.util.stream.Collectors.joining("\n"));
    }

    private static List<HttpAction> frontendActions(String rules) {
        return valid("global\n    expose-experimental-directives\n" + HEAD + rules + "backend b\n    server s 127.0.0.1:80\n").frontends().get(0).httpRequest().stream()
                .map(HttpRule::action).toList();
    }

    @Test
    void rewriting_actions_are_read_into_the_model() {
        List<HttpAction> a = frontendActions("""
                    http-request replace-header Cookie foo=([^;]*);(.*) foo=\\1;ip=%[src];\\2
                    http-request replace-value X-Forwarded-For ^192\\.168\\.(.*)$ 172.16.\\1
                    http-request del-header X-Debug- -m beg
                    http-request del-header ^x-(a|b)$ -m reg
                    http-request del-header X-Plain -m str
                    http-request set-method POST
                    http-request set-path /v2%[path]
                    http-request set-pathq /
                    http-request set-query a=1
                    http-request set-uri http://example.com/
                    http-request set-log-level silent if { path /health }
                    http-request set-log-level err
                    http-request early-hint Link "</a.css>; rel=preload"
                """);
        ReplaceHeader cookie = (ReplaceHeader) a.get(0);
        assertEquals(ReplaceHeader.Scope.LINE, cookie.scope());
        assertEquals("Cookie", cookie.name());
        assertEquals("foo=([^;]*);(.*)", cookie.regex());
        assertEquals("foo=\\1;ip=%[src];\\2", cookie.replacement().toString());
        assertEquals(ReplaceHeader.Scope.VALUE, ((ReplaceHeader) a.get(1)).scope());
        assertEquals(new DelHeaders("X-Debug-", MatchMethod.BEG), a.get(2));
        assertEquals(new DelHeaders("^x-(a|b)$", MatchMethod.REG), a.get(3));
        assertEquals(new HeaderEdit(HeaderEdit.Edit.DEL, "X-Plain", null), a.get(4), "-m str is the plain deletion");
        assertEquals(SetRequestLine.Part.METHOD, ((SetRequestLine) a.get(5)).part());
        assertEquals("/v2%[path]", ((SetRequestLine) a.get(6)).value().toString());
        assertEquals(SetRequestLine.Part.PATHQ, ((SetRequestLine) a.get(7)).part());
        assertEquals(SetRequestLine.Part.QUERY, ((SetRequestLine) a.get(8)).part());
        assertEquals(SetRequestLine.Part.URI, ((SetRequestLine) a.get(9)).part());
        assertEquals(new SetLogLevel(SetLogLevel.SILENT), a.get(10));
        assertEquals(new SetLogLevel(3), a.get(11));
        assertEquals("Link", ((HttpAction.EarlyHint) a.get(12)).name());
        assertEquals("</a.css>; rel=preload", ((HttpAction.EarlyHint) a.get(12)).value().toString());
    }

    @Test
    void tarpit_answers_500_by_default_after_timeout_tarpit() {
        Config c = valid(HEAD + """
                    timeout tarpit 2s
                    http-request tarpit if { path /a }
                    http-request tarpit deny_status 429 if { path /b }
                    http-request tarpit status 503
                backend b
                    server s 127.0.0.1:80
                """);
        assertEquals(2000, c.frontends().get(0).timeouts().effectiveTarpitMs());
        assertEquals(List.of(new HttpAction.Tarpit(500), new HttpAction.Tarpit(429), new HttpAction.Tarpit(503)),
                c.frontends().get(0).httpRequest().stream().map(HttpRule::action).toList());
        assertEquals(5000, valid(DEFAULTS + "backend b\n"
                + "    server s 127.0.0.1:80\n").backends().get(0).timeouts().effectiveTarpitMs(),
                "timeout connect stands in for an unset timeout tarpit");
    }

    @Test
    void captures_take_slots_in_the_order_written_with_the_header_captures() {
        Config c = valid(HEAD + """
                    capture request header Host len 4
                    http-request capture path len 5
                    declare capture request len 8
                    http-request capture req.hdr(x-id) id 2
                backend b
                    http-request capture method id 1
                    server s 127.0.0.1:80
                """);
        var slots = c.frontends().get(0).log().requestCaptures();
        assertEquals(List.of(4, 5, 8), slots.stream().map(s -> s.length()).toList());
        assertEquals(List.of("Host", "-", "-"), slots.stream().map(s -> s.name() == null ? "-" : s.name()).toList());
        List<HttpAction> rules = c.frontends().get(0).httpRequest().stream().map(HttpRule::action).toList();
        assertEquals(1, ((HttpAction.Capture) rules.get(0)).slot());
        assertEquals(2, ((HttpAction.Capture) rules.get(1)).slot());
        assertEquals(1, ((HttpAction.Capture) c.backends().get(0).httpRequest().get(0).action()).slot());

        assertTrue(alert(HEAD + "    http-request capture path id 0\n").contains("no request capture slot 0 is "
                + "declared before this rule; declare it with 'declare capture request len <length>'"));
        assertTrue(alert(HEAD + "    http-request capture path len 0\n").contains("'len' expects a positive length"));
        assertTrue(alert(HEAD + "    http-request capture path\n").contains("expects <sample> [ len <length> | id <id> ]"));
        assertTrue(alert(HEAD + "backend x\n    http-request capture path len 3\n")
                .contains("only a frontend or listen section has"));
        assertTrue(alert(HEAD + "    declare capture request length 3\n").contains("'declare capture' expects"));
    }

    @Test
    void normalize_uri_takes_a_normalizer_and_its_option() {
        assertEquals(List.of(new HttpAction.NormalizeUri(HttpAction.NormalizeUri.Normalizer.PATH_STRIP_DOTDOT, true),
                        new HttpAction.NormalizeUri(HttpAction.NormalizeUri.Normalizer.PATH_STRIP_DOTDOT, false),
                        new HttpAction.NormalizeUri(HttpAction.NormalizeUri.Normalizer.PERCENT_TO_UPPERCASE, true),
                        new HttpAction.NormalizeUri(HttpAction.NormalizeUri.Normalizer.QUERY_SORT_BY_NAME, false)),
                frontendActions("""
                            http-request normalize-uri path-strip-dotdot full
                            http-request normalize-uri path-strip-dotdot if { path_beg /a }
                            http-request normalize-uri percent-to-uppercase strict
                            http-request normalize-uri query-sort-by-name
                        """));
        assertTrue(alert(HEAD + "    http-request normalize-uri path-strip-dot\n").contains("parsing [test.cfg:9] : "
                + "'http-request normalize-uri' : the action is experimental in HAProxy 2.6 and must be allowed via a "
                + "global 'expose-experimental-directives'"));
        String experimental = "global\n    expose-experimental-directives\n";
        assertTrue(alert(experimental + HEAD + "    http-request normalize-uri path-strip\n").contains("expects one of "
                + "fragment-encode, fragment-strip, path-merge-slashes, path-strip-dot, path-strip-dotdot, "
                + "percent-decode-unreserved, percent-to-uppercase, query-sort-by-name, got 'path-strip'"));
        assertTrue(alert(experimental + HEAD + "    http-request normalize-uri path-strip-dot full\n")
                .contains("'path-strip-dot' takes no option, got 'full'"));
        assertTrue(alert(experimental + HEAD + "    http-request normalize-uri percent-to-uppercase full\n")
                .contains("takes only the 'strict' option, got 'full'"));
    }

    @Test
    void wait_for_body_takes_a_time_and_a_size_and_the_body_fetches_read_what_it_held() {
        assertEquals(List.of(new HttpAction.WaitForBody(1000, 1024), new HttpAction.WaitForBody(250, 0)),
                frontendActions("""
                            http-request wait-for-body time 1s at-least 1k if METH_POST
                            http-request wait-for-body time 250ms
                            http-request deny if { req.body -m sub secret } || { req.body_len gt 100 }
                            http-request set-header X-Size %[req.body_size]
                        """).subList(0, 2));
        assertTrue(alert(HEAD + "    http-request wait-for-body 1s\n")
                .contains("expects 'time <time> [ at-least <bytes> ]'"));
        assertTrue(alert(HEAD + "    http-request wait-for-body time 1s at-least lots\n")
                .contains("'at-least' expects a size in bytes (with an optional k, m or g), got 'lots'"));
    }

    @Test
    void a_backend_has_its_own_rules_and_a_listen_section_its_rules_once_in_each_side() {
        Config c = valid(HEAD + """
                    http-request set-header X-From frontend
                backend b
                    http-request set-timeout tunnel 5s
                    http-request set-timeout server req.hdr(x-ms)
                    http-request set-path /b%[path]
                    http-request deny if { path /b/secret }
                    redirect location /elsewhere if { path /b/old }
                    server s 127.0.0.1:80
                listen l
                    bind :81
                    http-request add-header X-Listen 1
                    server s 127.0.0.1:80
                """);
        assertEquals(1, c.frontends().get(0).httpRequest().size());
        assertEquals(5, c.backends().get(0).httpRequest().size());
        assertInstanceOf(HttpAction.Redirect.class, c.backends().get(0).httpRequest().get(4).action());
        assertEquals(new HttpAction.SetTimeout(HttpAction.SetTimeout.Which.TUNNEL, 5000, null),
                c.backends().get(0).httpRequest().get(0).action());
        assertEquals("req.hdr(x-ms)", String.valueOf(((HttpAction.SetTimeout) c.backends().get(0).httpRequest().get(1)
                .action()).expr()));
        assertInstanceOf(SetRequestLine.class, c.backends().get(0).httpRequest().get(2).action());
        assertEquals(c.frontends().get(1).httpRequest(), c.backends().get(1).httpRequest());
    }

    @Test
    void mistakes_are_alerts_that_say_what_is_expected() {
        assertTrue(alert(HEAD + "    http-request replace-header Host (\n").contains("expects exactly 3 arguments"));
        assertTrue(alert(HEAD + "    http-request replace-header Host ( x\n").contains("invalid regex '('"));
        assertTrue(alert(HEAD + "    http-request replace-value Host a b c\n").contains("expects exactly 3"));
        assertTrue(alert(HEAD + "    http-request del-header X -m dom\n")
                .contains("'-m' expects str, beg, end, sub or reg, got 'dom'"));
        assertTrue(alert(HEAD + "    http-request del-header X -m\n").contains("expects <name> [ -m <meth> ]"));
        assertTrue(alert(HEAD + "    http-request del-header [ -m reg\n").contains("invalid regex '['"));
        assertTrue(alert(HEAD + "    http-request set-path\n").contains("expects exactly 1 argument: <fmt>"));
        assertTrue(alert(HEAD + "    http-request set-query \"\"\n").contains("<fmt>, not empty"), "as HAProxy");
        assertTrue(alert(HEAD + "    http-request replace-value X \"\" b\n").contains("none may be empty"));
        assertTrue(alert(HEAD + "    http-request set-uri /a %[path]\n").contains("quote a value that has spaces"));
        assertTrue(alert(HEAD + "    http-request early-hint Link\n").contains("expects exactly 2 arguments"));
        assertTrue(alert(HEAD + "    http-request set-timeout server 5s\n").contains("the server and tunnel "
                + "timeouts are a backend's; write the rule in a backend or listen section"));
        assertTrue(alert(HEAD + "backend b\n    http-request set-timeout client 5s\n")
                .contains("expects 'server' or 'tunnel', then a time or an expression"));
        String level = alert(HEAD + "    http-request set-log-level loud\n");
        assertTrue(level.startsWith("parsing [test.cfg:9] : 'http-request set-log-level' : unknown log level 'loud'; "
                + "expects one of emerg, alert, crit, err, warning, notice, info, debug or silent"), level);
    }

    @Test
    void option_http_buffer_request_is_inherited_and_turned_off_by_no() {
        Config c = valid(DEFAULTS.replace("defaults\n", "defaults\n    option http-buffer-request\n")
                + "frontend f\n    bind :80\n    default_backend b\n"
                + "backend b\n    no option http-buffer-request\n    server s 127.0.0.1:80\n");
        assertTrue(c.frontends().get(0).http().bufferRequest(), "the frontend inherits it from defaults");
        assertFalse(c.backends().get(0).http().bufferRequest(), "'no option' turns it off in the backend");
    }
}
