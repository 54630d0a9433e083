package dev.bascule.config;

import dev.bascule.config.model.Config;
import dev.bascule.config.model.ServerRules;
import dev.bascule.config.model.TcpRule;
import dev.bascule.config.model.TcpRules;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tcp-request} lines, {@code use-server}, {@code force-persist} and {@code ignore-persist}, as HAProxy 2.6 reads them. */
class TcpRulesConfigTest {
    private static final String HEAD = "defaults\n    mode tcp\nfrontend f\n    bind :80\n    default_backend b\n";
    private static final String BACKEND = "backend b\n    server s1 127.0.0.1:81\n    server s2 127.0.0.1:82\n";

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static List<String> messages(String text, Diagnostic.Severity severity) {
        return parse(text).diagnostics().stream().filter(d -> d.severity() == severity).map(Diagnostic::text).toList();
    }

    private static Config valid(String text) {
        ParseResult r = parse(text);
        assertTrue(r.valid(), () -> "expected a valid config, got " + r.diagnostics());
        return r.config();
    }

    @Test
    void tcp_request_rules_are_kept_by_layer_in_order_with_the_inspect_delay() {
        Config c = valid("defaults d\n    mode tcp\n    tcp-request inspect-delay 5s\nfrontend f from d\n    bind :80\n"
                + "    default_backend b\n    tcp-request connection reject if { src 10.0.0.0/8 }\n"
                + "    tcp-request session accept\n    tcp-request content accept if { req.ssl_hello_type 1 }\n"
                + "    tcp-request content reject\n" + BACKEND);
        TcpRules rules = c.frontends().get(0).tcpRequest();
        assertEquals(5000, rules.inspectDelayMs(), "the delay is inherited from defaults");
        assertEquals(List.of(TcpRule.Action.REJECT), rules.connection().stream().map(TcpRule::action).toList());
        assertEquals(List.of(TcpRule.Action.ACCEPT), rules.session().stream().map(TcpRule::action).toList());
        assertEquals(List.of(TcpRule.Action.ACCEPT, TcpRule.Action.REJECT),
                rules.content().stream().map(TcpRule::action).toList());
    }

    @Test
    void errors_and_warnings_are_haproxys() {
        assertEquals(List.of("parsing [test.cfg:6] : 'tcp-request connection' expects 'accept', 'reject', 'capture', "
                + "'expect-proxy', 'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', in frontend 'f' (got 'rejet')"
                + "; did you mean 'reject' maybe ?"),
                messages(HEAD + "    tcp-request connection rejet\n" + BACKEND, Diagnostic.Severity.ALERT));
        assertEquals(List.of("parsing [test.cfg:3] : tcp-request inspect-delay is not allowed in anonymous 'defaults' "
                + "sections"), messages("defaults\n    mode tcp\n    tcp-request inspect-delay 1s\n",
                Diagnostic.Severity.ALERT));
        assertTrue(messages(HEAD + "    tcp-request content accept foo\n" + BACKEND, Diagnostic.Severity.ALERT).get(0)
                .contains("only accepts 'if' or 'unless'"));
        List<String> warnings = messages(HEAD + "    tcp-request content accept\n"
                + "    tcp-request connection reject if { req.ssl_sni -i x }\n" + BACKEND, Diagnostic.Severity.WARNING);
        assertTrue(warnings.contains("parsing [test.cfg:7] : anonymous acl will never match in 'tcp-request connection' "
                + "because it uses keyword 'req.ssl_sni' which is incompatible with 'frontend tcp-request connection "
                + "rule'; use 'tcp-request content'"), warnings.toString());
        assertTrue(warnings.contains("parsing [test.cfg:7] : a 'tcp-request connection' rule placed after a "
                + "'tcp-request content' rule will still be processed before."), warnings.toString());
        assertTrue(messages(HEAD + "    tcp-request content track-sc0 src\n" + BACKEND, Diagnostic.Severity.WARNING)
                .get(0).contains("'tcp-request content track-sc0' is parsed but not implemented yet"));
    }

    @Test
    void content_captures_take_the_next_request_capture_slot_and_only_content_rules_have_them() {
        Config c = valid("defaults\n    mode http\nfrontend f\n    bind :80\n    default_backend b\n"
                + "    capture request header Host len 20\n    tcp-request content capture req.hdr(x-id),lower len 8\n"
                + "    capture request header User-Agent len 5\n" + BACKEND);
        TcpRule.Capture capture = c.frontends().get(0).tcpRequest().content().get(0).capture();
        assertEquals("req.hdr(x-id),lower", capture.expr().toString());
        assertEquals(1, capture.slot());
        assertEquals(8, capture.length());
        assertEquals(List.of("Host", "-", "User-Agent"), c.frontends().get(0).log().requestCaptures().stream()
                .map(x -> x.name() == null ? "-" : x.name()).toList());
        assertEquals(List.of("parsing [test.cfg:6] : 'capture src' is not allowed in 'tcp-request connection' rules "
                + "in frontend 'f'"), messages(HEAD + "    tcp-request connection capture src len 10\n" + BACKEND,
                Diagnostic.Severity.ALERT));
        assertEquals(List.of("parsing [test.cfg:6] : 'capture src' is not allowed in 'tcp-request session' rules "
                + "in frontend 'f'"), messages(HEAD + "    tcp-request session capture src len 10\n" + BACKEND,
                Diagnostic.Severity.ALERT));
        assertEquals(List.of("parsing [test.cfg:6] : 'tcp-request content capture' : a positive 'len' argument is "
                + "mandatory"), messages(HEAD + "    tcp-request content capture src\n" + BACKEND,
                Diagnostic.Severity.ALERT));
    }

    @Test
    void use_server_and_persistence_rules_need_a_condition_and_a_server_of_the_backend() {
        Config c = valid(HEAD + BACKEND + "    use-server s2 if { src 10.0.0.1 }\n    force-persist if { src 10.0.0.2 }\n"
                + "    ignore-persist unless { src 10.0.0.3 }\n");
        ServerRules rules = c.backends().get(0).serverRules();
        assertEquals("s2", rules.useServer().get(0).server());
        assertEquals(List.of(true, false), rules.persist().stream().map(ServerRules.Persist::force).toList());
        assertEquals(List.of("parsing [test.cfg:9] : 'use-server' requires either 'if' or 'unless' followed by a "
                + "condition."), messages(HEAD + BACKEND + "    use-server s1\n", Diagnostic.Severity.ALERT));
        assertEquals(List.of("parsing [test.cfg:9] : 'force-persist' requires either 'if' or 'unless' followed by a "
                + "condition."), messages(HEAD + BACKEND + "    force-persist\n", Diagnostic.Severity.ALERT));
        List<String> alerts = messages(HEAD + BACKEND + "    use-server nope if TRUE\n", Diagnostic.Severity.ALERT);
        assertFalse(alerts.isEmpty());
        assertTrue(alerts.get(0).contains("backend 'b' : unable to find server 'nope' referenced in a 'use-server' "
                + "rule"), alerts.toString());
    }
}
