package dev.bascule.config;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.LogFormat;
import dev.bascule.config.model.LogSettings;
import dev.bascule.config.model.LogTarget;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogConfigTest {
    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static Config valid(String text) {
        ParseResult r = parse(text);
        assertTrue(r.valid(), () -> "expected a valid config, got " + r.diagnostics());
        return r.config();
    }

    private static String alert(String text) {
        ParseResult r = parse(text);
        assertFalse(r.valid(), "expected an alert");
        return r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ALERT).findFirst()
                .orElseThrow().toString();
    }

    private static String proxy(String lines) {
        return "defaults\n    mode http\n    timeout client 1s\n    timeout server 1s\n    timeout connect 1s\n"
                + "frontend fe\n    bind :8080\n" + lines + "    default_backend be\nbackend be\n    server s 127.0.0.1:80\n";
    }

    @Test
    void global_targets_in_every_shape() {
        Config c = valid("""
                global
                    log 127.0.0.1 local0
                    log 10.0.0.1:1514 len 200 format rfc5424 sample 1-2,5:10 local3 notice err
                    log tcp@127.0.0.1:601 daemon
                    log /dev/log local1 info
                    log stdout format raw local0
                    log stderr local0
                    log fd@3 local7
                    log-tag web
                    log-send-hostname node1
                """ + proxy("    log global\n"));
        List<LogTarget> logs = c.global().logs();
        assertEquals(7, logs.size());
        assertEquals(new LogTarget(null, LogTarget.Transport.UDP, Address.inet("127.0.0.1", 514), 1024,
                LogTarget.Framing.RFC3164, null, 16, 7, 0), logs.get(0));
        LogTarget second = logs.get(1);
        assertEquals(Address.inet("10.0.0.1", 1514), second.address());
        assertEquals(200, second.maxLength());
        assertEquals(LogTarget.Framing.RFC5424, second.framing());
        assertEquals(19, second.facility());
        assertEquals(5, second.level());
        assertEquals(3, second.minLevel());
        assertTrue(second.sample().takes(1) && second.sample().takes(12) && !second.sample().takes(3));
        assertEquals(-1, second.levelFor(6));
        assertEquals(3, second.levelFor(0));
        assertEquals(LogTarget.Transport.TCP, logs.get(2).transport());
        assertEquals(Address.unix("/dev/log"), logs.get(3).address());
        assertEquals(1, logs.get(4).address().fd());
        assertEquals(LogTarget.Framing.RAW, logs.get(4).framing());
        assertEquals(2, logs.get(5).address().fd());
        assertEquals(3, logs.get(6).address().fd());
        assertEquals("web", c.global().logTag());
        assertEquals("node1", c.global().logHostname());
        assertTrue(c.frontends().get(0).log().global());
    }

    @Test
    void options_and_formats_inherit_from_defaults_and_no_log_clears() {
        Config c = valid("""
                defaults
                    mode http
                    log 127.0.0.1 local0
                    option httplog
                    option dontlognull
                    timeout client 1s
                    timeout server 1s
                    timeout connect 1s
                frontend a
                    bind :8080
                    capture request header Host len 20
                    capture response header Content-Type len 10
                    unique-id-format %{+X}o\\ %ci:%cp_%Ts
                    unique-id-header X-Unique-ID
                    default_backend be
                frontend b
                    bind :8081
                    no log
                    no option dontlognull
                    option httplog clf
                    option log-separate-errors
                    default_backend be
                frontend c
                    bind :8082
                    mode tcp
                    default_backend tcp
                backend be
                    server s 127.0.0.1:80
                backend tcp
                    mode tcp
                    server s 127.0.0.1:80
                """);
        LogSettings a = c.frontends().get(0).log();
        assertEquals(1, a.targets().size());
        assertEquals(LogFormat.HTTPLOG, a.format().text());
        assertTrue(a.dontLogNull());
        assertEquals(List.of(new LogSettings.Capture("Host", 20)), a.requestCaptures());
        assertEquals(List.of(new LogSettings.Capture("Content-Type", 10)), a.responseCaptures());
        assertEquals("X-Unique-ID", a.uniqueIdHeader());
        LogFormat.Var first = (LogFormat.Var) a.uniqueIdFormat().nodes().get(0);
        assertTrue(first.hex(), "%{+X}o applies to the variables after it");
        LogSettings b = c.frontends().get(1).log();
        assertFalse(b.logs());
        assertFalse(b.dontLogNull());
        assertTrue(b.separateErrors());
        assertEquals(LogFormat.CLF, b.format().text());
        Frontend tcp = c.frontends().get(2);
        assertEquals(LogFormat.TCPLOG, tcp.log().format().text(), "option httplog falls back to tcplog in mode tcp");
    }

    @Test
    void the_compiler_merges_spaces_and_reads_flags() throws Exception {
        LogFormat f = LogFormatCompiler.compile("%{+Q}o %ci  %{-Q}b%%x %{+E+X}HU", LogFormatCompiler.When.LOG);
        assertEquals(List.of(new LogFormat.Var(LogFormat.Variable.CI, LogFormat.QUOTE), new LogFormat.Separator(),
                new LogFormat.Var(LogFormat.Variable.BACKEND, 0), new LogFormat.Literal("%x"),
                new LogFormat.Separator(), new LogFormat.Var(LogFormat.Variable.HU,
                        LogFormat.QUOTE | LogFormat.ESCAPE | LogFormat.HEX)), f.nodes());
    }

    @Test
    void samples_are_compiled_with_their_flags_and_read_the_head_only_where_it_is_there() throws Exception {
        LogFormat f = LogFormatCompiler.compile("%[src] %{+Q}[method,lower]x", LogFormatCompiler.When.LOG);
        assertEquals(4, f.nodes().size(), f.nodes().toString());
        LogFormat.Sample quoted = (LogFormat.Sample) f.nodes().get(2);
        assertEquals("method,lower", quoted.expr().toString());
        assertTrue(quoted.quoted());
        assertEquals(new LogFormat.Literal("x"), f.nodes().get(3));
        ParseResult r = parse(proxy("    unique-id-format %[req.hdr(host)]-%rt\n"));
        assertTrue(r.diagnostics().stream().noneMatch(d -> d.severity() == Diagnostic.Severity.ALERT),
                r.diagnostics().toString());
    }

    @Test
    void errors_name_the_line_and_the_fix() {
        String spaces = alert(proxy("    log-format %ci %cp\n"));
        assertTrue(spaces.contains("test.cfg:8") && spaces.contains("don't forget to escape spaces"), spaces);
        assertTrue(alert(proxy("    log-format %zz\n")).contains("no such format variable 'zz'"));
        String head = alert(proxy("    log-format %[req.hdr(host)]\n"));
        assertTrue(head.contains("needs 'HTTP request headers'") && head.contains("capture request header"), head);
        assertTrue(alert(proxy("    log-format %[nosuchfetch]\n")).contains("failed to parse sample expression "
                + "<nosuchfetch>"));
        assertTrue(alert(proxy("    log-format %[src\n")).contains("missing ']'"));
        assertTrue(alert(proxy("    log 127.0.0.1 local9\n")).contains("did you mean 'local0'"));
        assertTrue(alert(proxy("    log 127.0.0.1 format json local0\n")).contains("unknown log format 'json'"));
        assertTrue(alert(proxy("    log 127.0.0.1 len 10 local0\n")).contains("log len"));
        assertTrue(alert(proxy("    log 127.0.0.1 local0 loud\n")).contains("unknown optional log level 'loud'"));
        assertTrue(alert(proxy("    capture request header Host\n")).contains("header <name> len <length>"));
        assertTrue(alert(proxy("    option httplog json\n")).contains("'clf'"));
        assertTrue(alert(proxy("    capture cookie JSESSIONID 20\n")).contains("expects 'cookie' <cookie_name> 'len' <len>"));
    }

    @Test
    void capture_cookie_is_one_per_proxy_and_cut_as_haproxy_cuts_it() {
        ParseResult r = parse(proxy("    capture cookie ASP len 8\n    capture cookie JSESSIONID len 100\n"));
        assertTrue(r.valid(), r.diagnostics()::toString);
        // The later line wins; HAProxy keeps tune.cookie_len - 1 bytes and says so.
        assertEquals(new LogSettings.Capture("JSESSIONID", 63), r.config().frontends().get(0).log().cookieCapture());
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.severity() == Diagnostic.Severity.WARNING
                && d.toString().contains("test.cfg:9") && d.toString().contains(
                        "truncating capture length to 63 bytes for frontend 'fe'")), r.diagnostics()::toString);
    }

    @Test
    void logasap_inherits_and_is_negated() {
        Config c = valid("defaults\n    option logasap\n" + proxy("    no option logasap\n").substring(9)
                .replace("frontend fe\n", "frontend other\n    bind :8081\n    default_backend be\nfrontend fe\n"));
        assertTrue(c.frontends().get(0).log().logAsap());
        assertFalse(c.frontends().get(1).log().logAsap());
    }
}
