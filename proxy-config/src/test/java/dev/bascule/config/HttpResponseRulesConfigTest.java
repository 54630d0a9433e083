package dev.bascule.config;

import dev.bascule.config.model.Config;
import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.HttpAction.Redirect;
import dev.bascule.config.model.HttpReply;
import dev.bascule.config.model.HttpRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code http-response} and {@code http-after-response} rules, the replies of deny and return, redirect options. */
class HttpResponseRulesConfigTest {
    @TempDir
    Path dir;

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static List<String> messages(ParseResult r, Diagnostic.Severity severity) {
        return r.diagnostics().stream().filter(d -> d.severity() == severity).map(Diagnostic::text).toList();
    }

    private static String proxies(String frontend, String backend) {
        return "defaults\n    mode http\n    timeout client 1s\n    timeout server 1s\n    timeout connect 1s\n"
                + "frontend f\n    bind :80\n    default_backend b\n" + frontend + "backend b\n" + backend
                + "    server s 127.0.0.1:81\n";
    }

    private static HttpRule only(List<HttpRule> rules) {
        assertEquals(1, rules.size(), rules.toString());
        return rules.get(0);
    }

    @Test
    void frontend_and_backend_keep_their_own_response_rules_in_order() {
        ParseResult r = parse(proxies("    http-response set-header X-Front 1 if { status 200 }\n"
                        + "    http-response del-header Server\n    http-after-response set-header X-After 1\n",
                "    http-response set-status 404 reason Gone if { res.hdr(x-gone) -m found }\n"
                        + "    http-response deny if { shdr_cnt(x-leak) gt 0 }\n"));
        assertTrue(r.valid(), r.diagnostics().toString());
        assertTrue(messages(r, Diagnostic.Severity.WARNING).isEmpty(), r.diagnostics().toString());
        Config c = r.config();
        List<HttpRule> front = c.frontends().get(0).http().httpResponse();
        assertEquals(2, front.size());
        assertEquals(HttpAction.HeaderEdit.Edit.DEL, ((HttpAction.HeaderEdit) front.get(1).action()).edit());
        assertInstanceOf(HttpAction.HeaderEdit.class, only(c.frontends().get(0).http().httpAfterResponse()).action());
        List<HttpRule> back = c.backends().get(0).http().httpResponse();
        assertEquals(new HttpAction.SetStatus(404, "Gone"), back.get(0).action());
        assertEquals(new HttpAction.Deny(HttpReply.page(502)), back.get(1).action(),
                "a response deny answers the proxy's 502 page unless told otherwise");
    }

    @Test
    void set_status_takes_haproxys_range_and_an_optional_reason() {
        assertEquals(new HttpAction.SetStatus(431, null), only(parse(proxies("    http-response set-status 431\n", ""))
                .config().frontends().get(0).http().httpResponse()).action());
        List<String> alerts = messages(parse(proxies("    http-response set-status 99\n"
                + "    http-response set-status 404 because x\n", "")), Diagnostic.Severity.ALERT);
        assertEquals(2, alerts.size(), alerts.toString());
        assertTrue(alerts.get(0).startsWith("parsing [test.cfg:9] : 'http-response set-status' : expects an integer "
                + "status code between 100 and 999, got '99'"), alerts.get(0));
        assertTrue(alerts.get(1).contains("unexpected 'because'; expects <status> [reason <str>]"), alerts.get(1));
    }

    @Test
    void deny_and_return_share_one_reply_with_payloads_and_headers() throws IOException {
        Files.writeString(dir.resolve("body.txt"), "sorry %[status]");
        Files.writeString(dir.resolve("page.http"), "HTTP/1.1 503 Busy\r\nContent-Type: text/plain\r\n\r\nbusy\n");
        ParseResult r = parse(proxies("    http-request deny status 429 content-type text/plain lf-string "
                        + "\"slow down %[src]\" hdr Retry-After 10 if { path /a }\n"
                        + "    http-request return status 503 errorfile " + dir.resolve("page.http") + " if { path /b }\n"
                        + "    http-response return status 500 content-type text/plain file " + dir.resolve("body.txt")
                        + " if { status 500 }\n"
                        + "    http-response return status 404 content-type text/plain lf-file " + dir.resolve("body.txt")
                        + " if { status 404 }\n"
                        + "    http-response deny deny_status 503 if { status 418 }\n", ""));
        assertTrue(r.valid(), r.diagnostics().toString());
        List<HttpRule> req = r.config().frontends().get(0).httpRequest();
        HttpReply slow = ((HttpAction.Deny) req.get(0).action()).reply();
        assertEquals(429, slow.status());
        assertEquals("text/plain", slow.contentType());
        assertInstanceOf(HttpReply.Formatted.class, slow.body());
        assertEquals("Retry-After", slow.headers().get(0).name());
        HttpReply busy = ((HttpAction.Return) req.get(1).action()).reply();
        assertEquals(new HttpReply.WholeResponse(dir.resolve("page.http").toString(),
                "HTTP/1.1 503 Busy\r\nContent-Type: text/plain\r\n\r\nbusy\n"), busy.body());
        List<HttpRule> res = r.config().frontends().get(0).http().httpResponse();
        assertEquals(new HttpReply.Text("sorry %[status]"), ((HttpAction.Return) res.get(0).action()).reply().body(),
                "'file' is raw content");
        assertInstanceOf(HttpReply.Formatted.class, ((HttpAction.Return) res.get(1).action()).reply().body());
        assertEquals(HttpReply.page(503), ((HttpAction.Deny) res.get(2).action()).reply());
    }

    @Test
    void an_errorfiles_reply_takes_the_sections_page_for_its_status() throws IOException {
        Files.writeString(dir.resolve("503.http"), "HTTP/1.1 503 Busy\r\n\r\nbusy\n");
        ParseResult r = parse("http-errors site\n    errorfile 503 " + dir.resolve("503.http") + "\n"
                + proxies("    http-response deny status 503 errorfiles site if { status 500 }\n"
                + "    http-request return status 404 errorfiles site if { path /x }\n", ""));
        assertTrue(r.valid(), r.diagnostics().toString());
        HttpReply busy = ((HttpAction.Deny) only(r.config().frontends().get(0).http().httpResponse()).action()).reply();
        assertEquals(new HttpReply.WholeResponse(dir.resolve("503.http").toString(), "HTTP/1.1 503 Busy\r\n\r\nbusy\n"),
                busy.body());
        assertEquals(HttpReply.page(404), ((HttpAction.Return) only(r.config().frontends().get(0).httpRequest())
                .action()).reply(), "a status the section lacks gets the proxy's page");
        assertEquals(List.of("parsing [test.cfg:12] : proxy 'f': status '404' referenced by http reply not declared "
                + "in http-errors section 'site'; the proxy's page answers"), messages(r, Diagnostic.Severity.WARNING));

        List<String> alerts = messages(parse(proxies("    http-response deny status 503 errorfiles nosuch\n", "")),
                Diagnostic.Severity.ALERT);
        assertEquals(List.of("parsing [test.cfg:9] : proxy 'f': unknown http-errors section 'nosuch'; declare it with "
                + "'http-errors nosuch'"), alerts);
    }

    @Test
    void reply_errors_name_the_line_the_file_and_the_reason() throws IOException {
        Files.writeString(dir.resolve("not-a-response.http"), "<html>oops</html>\n");
        List<String> alerts = messages(parse(proxies("    http-request return status 200 content-type text/plain file "
                + dir.resolve("missing.txt") + "\n"
                + "    http-request return string pong\n"
                + "    http-response deny errorfile " + dir.resolve("not-a-response.http") + "\n"
                + "    http-request return status 299 default-errorfiles\n"
                + "    http-response return string a lf-string b content-type text/plain\n", "")),
                Diagnostic.Severity.ALERT);
        assertEquals(5, alerts.size(), alerts.toString());
        assertTrue(alerts.get(0).startsWith("parsing [test.cfg:9] : 'http-request return' : error opening file '"
                + dir.resolve("missing.txt") + "' : no such file"), alerts.get(0));
        assertTrue(alerts.get(1).contains("a content type must be defined when a non-empty payload is configured"),
                alerts.get(1));
        assertTrue(alerts.get(2).startsWith("parsing [test.cfg:11] : 'http-response deny' : errorfile '")
                && alerts.get(2).contains("does not begin with an HTTP/1.x status line"), alerts.get(2));
        assertTrue(alerts.get(3).contains("status code '299' has no error page"), alerts.get(3));
        assertTrue(alerts.get(4).contains("'lf-string' : only one of"), alerts.get(4));
    }

    @Test
    void redirect_options_and_the_response_side_location_only() {
        ParseResult r = parse(proxies("    redirect prefix /new code 301 drop-query append-slash set-cookie SEEN=1 "
                + "if { path /old }\n"
                + "    http-request redirect location %[hdr(x-to)] ignore-empty clear-cookie SEEN=\n"
                + "    http-response redirect location /moved if { status 410 }\n", ""));
        assertTrue(r.valid(), r.diagnostics().toString());
        List<HttpRule> req = r.config().frontends().get(0).httpRequest();
        Redirect prefix = (Redirect) req.get(0).action();
        assertEquals(Set.of(Redirect.Option.DROP_QUERY, Redirect.Option.APPEND_SLASH), prefix.options());
        assertEquals("SEEN=1; path=/;", prefix.cookie());
        Redirect location = (Redirect) req.get(1).action();
        assertTrue(location.has(Redirect.Option.IGNORE_EMPTY));
        assertEquals("SEEN=; path=/; Max-Age=0;", location.cookie());
        assertEquals(302, ((Redirect) only(r.config().frontends().get(0).http().httpResponse()).action()).code());

        List<String> alerts = messages(parse(proxies("    http-response redirect prefix /x\n", "")),
                Diagnostic.Severity.ALERT);
        assertTrue(alerts.get(0).contains("only 'location' redirects are possible on a response"), alerts.toString());
    }

    @Test
    void after_response_runs_the_cheap_actions_and_says_which() {
        ParseResult r = parse(proxies("    http-after-response strict-mode on\n    http-after-response set-status 200\n",
                ""));
        List<String> alerts = messages(r, Diagnostic.Severity.ALERT);
        assertTrue(alerts.isEmpty(), alerts.toString());
        List<String> warnings = messages(r, Diagnostic.Severity.WARNING);
        assertEquals(List.of("parsing [test.cfg:9] : 'http-after-response strict-mode' is parsed but not implemented "
                + "yet; it has no effect"), warnings);
        assertEquals(new HttpAction.SetStatus(200, null),
                only(r.config().frontends().get(0).http().httpAfterResponse()).action());
    }

    @Test
    void a_rule_reading_what_its_side_lacks_gets_haproxys_warning_or_alert() {
        ParseResult r = parse(proxies("    http-request deny if { status 200 }\n"
                + "    http-response deny if { path /x }\n", "    http-response deny if { path /x }\n"));
        assertEquals(List.of("parsing [test.cfg:9] : anonymous acl will never match because it uses keyword 'status' "
                        + "which is incompatible with 'frontend http-request header rule'",
                "parsing [test.cfg:10] : anonymous acl will never match because it uses keyword 'path' which is "
                        + "incompatible with 'frontend http-response header rule'",
                "parsing [test.cfg:12] : anonymous acl will never match because it uses keyword 'path' which is "
                        + "incompatible with 'backend http-response header rule'"),
                messages(r, Diagnostic.Severity.WARNING));
        List<String> alerts = messages(parse(proxies("    http-request set-header X-A %[res.hdr(x)]\n"
                + "    http-response set-header X-B %[path]\n", "")), Diagnostic.Severity.ALERT);
        assertEquals(List.of("parsing [test.cfg:9] : 'http-request set-header' : sample fetch <res.hdr(x)> may not be "
                        + "reliably used here because it needs 'HTTP response headers' which is not available here",
                "parsing [test.cfg:10] : 'http-response set-header' : sample fetch <path> may not be reliably used here "
                        + "because it needs 'HTTP request headers' which is not available here"), alerts);
    }

    @Test
    void rules_in_defaults_are_kept_as_not_implemented() {
        ParseResult r = parse("defaults d\n    mode http\n    timeout client 1s\n    timeout server 1s\n"
                + "    timeout connect 1s\n    http-response set-header X 1\nfrontend f\n    bind :80\n"
                + "    default_backend b\nbackend b\n    server s 127.0.0.1:81\n");
        assertTrue(r.valid(), r.diagnostics().toString());
        assertEquals(List.of("parsing [test.cfg:6] : 'http-response set-header in a defaults section' is parsed but "
                + "not implemented yet; it has no effect"), messages(r, Diagnostic.Severity.WARNING));
        assertTrue(r.config().frontends().get(0).http().httpResponse().isEmpty());
    }
}
