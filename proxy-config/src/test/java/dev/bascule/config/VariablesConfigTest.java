package dev.bascule.config;

import dev.bascule.config.model.Config;
import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.TcpRule;
import dev.bascule.config.model.VarAction;
import dev.bascule.config.sample.VarName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code set-var}, {@code set-var-fmt}, {@code unset-var} and {@code var()} as HAProxy 2.6 reads them. */
class VariablesConfigTest {
    private static final String HEAD = "defaults\n    mode http\n    timeout client 1s\n    timeout server 1s\n"
            + "    timeout connect 1s\nfrontend f\n    bind :80\n    default_backend b\n";
    private static final String BACKEND = "backend b\n    server s1 127.0.0.1:81\n";

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static List<String> alerts(String rules) {
        return parse(HEAD + rules + BACKEND).diagnostics().stream()
                .filter(d -> d.severity() == Diagnostic.Severity.ALERT).map(Diagnostic::text).toList();
    }

    private static Config valid(String rules) {
        ParseResult r = parse(HEAD + rules + BACKEND);
        assertTrue(r.valid(), () -> "expected a valid config, got " + r.diagnostics());
        assertTrue(r.diagnostics().isEmpty(), () -> "expected no warning, got " + r.diagnostics());
        return r.config();
    }

    @Test
    void http_request_variable_actions_are_rules_with_their_scope_name_value_and_conditions() {
        Config c = valid("    http-request set-var(txn.host,ifnotempty,ifnotset) req.hdr(host),lower\n"
                + "    http-request set-var-fmt(sess.from) %[src]:%[src_port] if { path_beg /api }\n"
                + "    http-request unset-var(req.tmp)\n"
                + "    http-request set-header X-Host %[var(txn.host)]\n");
        List<VarAction> vars = c.frontends().get(0).httpRequest().stream().map(r -> r.action())
                .filter(a -> a instanceof HttpAction.Var).map(a -> ((HttpAction.Var) a).var()).toList();
        assertEquals(3, vars.size());
        assertEquals(new VarName(VarName.Scope.TXN, "host"), vars.get(0).var());
        assertEquals("req.hdr(host),lower", vars.get(0).expr().toString());
        assertEquals(List.of(VarAction.When.IFNOTEMPTY, VarAction.When.IFNOTSET), vars.get(0).when());
        assertEquals(VarAction.Op.SET_FMT, vars.get(1).op());
        assertEquals("%[src]:%[src_port]", vars.get(1).format().toString());
        assertEquals(new VarAction(VarAction.Op.UNSET, new VarName(VarName.Scope.REQ, "tmp"), null, null, List.of()),
                vars.get(2));
    }

    @Test
    void tcp_request_rules_of_every_layer_set_variables() {
        Config c = valid("    tcp-request connection set-var(sess.src) src\n"
                + "    tcp-request session unset-var(sess.src) if { src 10.0.0.1 }\n"
                + "    tcp-request content set-var(txn.len) req.len\n");
        var rules = c.frontends().get(0).tcpRequest();
        assertEquals(TcpRule.Action.VAR, rules.connection().get(0).action());
        assertEquals("sess.src", rules.connection().get(0).var().var().toString());
        assertEquals(VarAction.Op.UNSET, rules.session().get(0).var().op());
        assertEquals("req.len", rules.content().get(0).var().expr().toString());
    }

    @Test
    void names_and_arguments_are_checked_in_haproxys_words() {
        assertEquals(List.of("parsing [test.cfg:9] : 'http-request set-var(foo.ok)' : invalid variable name 'foo.ok'. "
                + "A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req' or 'res'."),
                alerts("    http-request set-var(foo.ok) str(a)\n"));
        assertEquals(List.of("parsing [test.cfg:9] : 'http-request set-var(txn.y)' : expects either 'if' or 'unless' "
                + "followed by a condition but found 'str(b)'"), alerts("    http-request set-var(txn.y) str(a) str(b)\n"));
        assertEquals(List.of("parsing [test.cfg:9] : 'http-request set-var(txn.y,bogus)' : unknown condition \"bogus\"."),
                alerts("    http-request set-var(txn.y,bogus) str(a)\n"));
        assertTrue(alerts("    http-request set-var(txn.) str(a)\n").get(0).contains("invalid variable name 'txn.'"));
        assertTrue(alerts("    http-request set-header x %[var(txn.a-b)]\n").get(0)
                .contains("invalid args in fetch method 'var' : invalid syntax at char '-b'"));
        assertTrue(alerts("    http-request set-header x %[var(nope.a)]\n").get(0)
                .contains("invalid variable name 'nope.a'"));
        assertTrue(alerts("    tcp-request content set-var(txn.x)\n").get(0)
                .startsWith("parsing [test.cfg:9] : 'tcp-request content set-var(txn.x)' : expects a sample expression"));
        assertTrue(alerts("    http-request set-header x %[str(a),set-var(txn.q,never)]\n").get(0)
                .contains("converter 'set-var' : unknown condition \"never\"."));
    }

    @Test
    void the_global_section_sets_process_variables_from_what_needs_no_traffic() {
        ParseResult r = parse("global\n    set-var proc.prio int(100)\n    set-var-fmt proc.name \"%[env(HOME)]-x\"\n"
                + "    set-var txn.x str(a)\n    set-var proc.y src\n" + HEAD + BACKEND);
        assertEquals(List.of("parsing [test.cfg:4] : 'set-var': cannot set variable 'txn.x', only scope 'proc' is "
                + "permitted in the global section.", "parsing [test.cfg:5] : fetch method 'src' extracts information "
                + "from the traffic, none of which is available in the global section; use int(), str(), bool(), env() "
                + "or var()"), r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ALERT)
                .map(Diagnostic::text).toList());
        Config c = valid("");
        assertEquals(List.of(), c.global().procVars());
        ParseResult ok = parse("global\n    set-var proc.prio int(100)\n    set-var-fmt proc.name \"%[env(HOME)]-x\"\n"
                + HEAD + BACKEND);
        assertEquals(List.of("proc.prio", "proc.name"), ok.config().global().procVars().stream()
                .map(a -> a.var().toString()).toList());
    }

    @Test
    void the_set_var_converter_passes_its_type_on() {
        valid("    http-request set-header x %[src,set-var(txn.ip),ipmask(24)]\n"
                + "    http-request set-var(txn.n) req.hdr_val(x-n),set-var(txn.raw),add(1)\n"
                + "    http-request set-var(txn.m) int(200),sub(txn.n),mul(txn.raw)\n");
        assertTrue(alerts("    http-request set-var(txn.m) int(200),sub(prio)\n").get(0)
                .contains("converter 'sub' : 'prio' is not an integer"));
    }

    @Test
    void a_variable_read_but_never_set_is_accepted_as_haproxy_2_6_does() {
        valid("    http-request deny if { var(sess.other) -m str x }\n");
    }
}
