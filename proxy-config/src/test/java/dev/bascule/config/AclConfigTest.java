package dev.bascule.config;

import dev.bascule.config.diff.ConfigDiff;
import dev.bascule.config.model.Config;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.AclPattern;
import dev.bascule.config.sample.FetchKeyword;
import dev.bascule.config.sample.MatchMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code acl} lines and the conditions and expressions of proxy sections, compiled when the file is read. */
class AclConfigTest {
    private static final String HEAD = "defaults\n    mode http\nfrontend f\n    bind :80\n";

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static List<String> alerts(String text) {
        ParseResult r = parse(text);
        assertFalse(r.valid(), "expected alerts");
        return r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ALERT)
                .map(Diagnostic::text).toList();
    }

    private static Config valid(String text) {
        ParseResult r = parse(text);
        assertTrue(r.valid(), () -> "expected a valid config, got " + r.diagnostics());
        return r.config();
    }

    @Test
    void errors_name_the_line_the_keyword_and_a_fix() {
        assertEquals(List.of("parsing [test.cfg:5] : error detected while parsing ACL 'a' : unknown fetch method "
                + "'pth_beg' in ACL expression 'pth_beg'; did you mean 'path_beg' maybe ?"),
                alerts(HEAD + "    acl a pth_beg /x\n"));
        assertEquals(List.of("parsing [test.cfg:5] : error detected while parsing ACL 'a' : unknown converter 'lowr'"
                        + "; did you mean 'lower' maybe ?"),
                alerts(HEAD + "    acl a hdr(host),lowr foo\n"));
        assertTrue(alerts(HEAD + "    acl a hdr_val(x) abc\n").get(0).contains("'abc' is not an integer, a range"));
        assertTrue(alerts(HEAD + "    acl a src 10.0.0.0/33\n").get(0).contains("is not an IPv4 or IPv6 address"));
        assertTrue(alerts(HEAD + "    acl a src example.com\n").get(0).contains("does not resolve host names"));
        assertTrue(alerts(HEAD + "    acl a path_reg (\n").get(0).contains("invalid regular expression '('"));
        assertTrue(alerts(HEAD + "    acl a path -m nope x\n").get(0).contains("unknown matching method 'nope'"));
        assertTrue(alerts(HEAD + "    acl a path -z x\n").get(0).contains("'-z' is not a valid ACL option; known: "
                + "-i -f -m -n -M -u --."));
        assertEquals(List.of("parsing [test.cfg:5] : error detected while parsing ACL 'a' : the argument of -u must be "
                + "an integer, got 'one'"), alerts(HEAD + "    acl a path -u one /x\n"));
        assertTrue(alerts(HEAD + "    acl a req.payload(0,2) 1603\n").get(0).contains("matching method must be "
                + "specified first (using '-m')"));
        assertTrue(alerts(HEAD + "    acl a hdr(x),json(latin1) y\n").get(0).contains("converter 'json' : Unexpected "
                + "input code type 'latin1'"));
        assertTrue(alerts(HEAD + "    acl a path -f /nonexistent/file\n").get(0)
                .contains("failed to open pattern file '/nonexistent/file'"));
        assertTrue(alerts(HEAD + "    acl a int(x) 1\n").get(0).contains("'x' is not an integer"));
        assertTrue(alerts(HEAD + "    acl a path,field(x,/) 1\n").get(0).contains("converter 'field' : 'x'"));
        assertTrue(alerts(HEAD + "    acl a always_true,ipmask(8) x\n").get(0)
                .contains("converter 'ipmask' cannot be applied: it takes ADDR and is given BOOL"),
                "types are checked when the file is read");
        assertTrue(alerts(HEAD + "    acl a req.fhdr 1\n").get(0).contains("expects at least 1 argument, got 0"));
        assertTrue(alerts(HEAD + "    acl a path(x) 1\n").get(0).contains("takes no argument, got 1"));
        assertTrue(alerts(HEAD + "    acl a hdr(host 1\n").get(0).contains("missing closing ')'"));
        assertTrue(alerts(HEAD + "    acl a! path /\n").get(0).contains("invalid character in ACL name 'a!'"));
        assertTrue(alerts(HEAD + "    http-request use-service prometheus-exporter if { path\n").get(0)
                .contains("missing '}'"));
        assertTrue(alerts(HEAD + "    http-request use-service prometheus-exporter if\n").get(0)
                .contains("missing condition after 'if'"));
        assertTrue(alerts(HEAD + "    http-request use-service prometheus-exporter if TRUE ||\n").get(0)
                .contains("missing ACL after '||'"));
        assertTrue(alerts(HEAD + "    http-request use-service prometheus-exporter when TRUE\n").get(0)
                .contains("expected 'if' or 'unless'"));
        assertTrue(alerts("backend b\n    balance hash req.hdr(host),nope\n").get(0)
                .startsWith("parsing [test.cfg:2] : 'balance hash' : unknown converter 'nope'"));
    }

    @Test
    void acl_lines_compile_to_typed_tests() {
        Config c = valid(HEAD + "    acl api path_beg -i /api /v2\n    acl small hdr_val(content-length) lt 10 20:30\n"
                + "    acl lan src 10.0.0.0/8 ::1\n    stats admin if api small lan\n");
        var terms = c.frontends().get(0).stats().admin().alternatives().get(0);
        var api = terms.get(0).tests().get(0);
        assertEquals(FetchKeyword.PATH, api.expr().fetch());
        assertEquals(MatchMethod.BEG, api.match());
        assertTrue(api.ignoreCase());
        assertEquals(List.of(new AclPattern.Text("/api"), new AclPattern.Text("/v2")), api.patterns());
        assertEquals(List.of(new AclPattern.IntRange(Long.MIN_VALUE, 9), new AclPattern.IntRange(20, 30)),
                terms.get(1).tests().get(0).patterns());
        assertEquals(MatchMethod.INT, terms.get(1).tests().get(0).match());
        assertEquals(MatchMethod.IP, terms.get(2).tests().get(0).match());
        assertEquals("[10.0.0.0/8, 0:0:0:0:0:0:0:1/128]", terms.get(2).tests().get(0).patterns().stream()
                .map(p -> ((AclPattern.Net) p).network().toString()).toList().toString());
    }

    @Test
    void an_acl_line_written_after_the_rule_still_counts() {
        Config c = valid(HEAD + "    acl api path_beg /api\n    stats admin if api\n    acl api path_beg /v2\n");
        assertEquals(2, c.frontends().get(0).stats().admin().alternatives().get(0).get(0).tests().size());
    }

    @Test
    void conditions_compare_by_value_so_a_moved_line_reloads_as_no_change(@TempDir Path dir) throws IOException {
        Path map = dir.resolve("hosts.map");
        Files.writeString(map, "a.example.com 1\n");
        String first = HEAD + "    acl api path_beg /api\n    http-request use-service prometheus-exporter if api "
                + "{ req.hdr(host),lower,map(" + map + ") -m found }\n";
        String moved = HEAD + "\n    # a comment\n" + first.substring(HEAD.length());
        Config a = valid(first);
        Config b = valid(moved);
        assertEquals(a, b);
        assertTrue(ConfigDiff.between(a, b).isEmpty());
        Files.writeString(map, "a.example.com 2\n");
        Config changed = valid(first);
        assertFalse(a.equals(changed), "a map file's entries are part of the model");
        assertTrue(ConfigDiff.between(a, changed).summary().contains("use-service prometheus-exporter"),
                ConfigDiff.between(a, changed).summary());
    }

    @Test
    void use_backend_rules_keep_their_order_and_check_their_targets() {
        String backends = "backend api\n    mode http\nbackend web\n    mode http\nbackend raw\n    mode tcp\n";
        Config c = valid(HEAD + "    acl api path_beg /api\n    use_backend api if api\n"
                + "    use_backend be_%[req.hdr(host),lower,field(1,.)] unless { req.hdr(host) -m found } || api\n"
                + "    default_backend web\n" + backends);
        var rules = c.frontends().get(0).switching();
        assertEquals(2, rules.size());
        assertEquals("api if api", rules.get(0).toString());
        assertEquals("be_", rules.get(1).prefix());
        assertEquals("req.hdr(host),lower,field(1,.)", rules.get(1).dynamic().toString());
        assertEquals(List.of("parsing [test.cfg:5] : Proxy 'f': unable to find required use_backend: 'apx'; did you "
                + "mean 'api' maybe ?"), alerts(HEAD + "    use_backend apx if TRUE\n" + backends));
        assertTrue(alerts(HEAD + "    use_backend raw\n" + backends).get(0).contains("with wrong mode"));
        assertTrue(alerts(HEAD + "    use_backend api when TRUE\n" + backends).get(0)
                .contains("expects 'if' or 'unless' after the backend name, got 'when'"));
        assertTrue(alerts(HEAD + "    use_backend be_%[path\n" + backends).get(0)
                .contains("must hold one complete '%[<expression>]'"));
        assertTrue(alerts(HEAD + "    use_backend be_%[pth]\n" + backends).get(0)
                .contains("'use_backend' : unknown fetch method 'pth'"));
    }

    @Test
    void http_request_rules_and_redirect_compile_in_order() {
        Config c = valid(HEAD + "    http-request deny deny_status 429 if { path /x }\n"
                + "    redirect scheme https code 308 drop-query unless { dst_port 443 }\n"
                + "    http-request set-header X-Id %[src]-%%-%[fe_name]\n"
                + "    http-request set-var(txn.x) str(1)\n");
        var rules = c.frontends().get(0).httpRequest();
        assertEquals(4, rules.size(), "set-var runs among them");
        assertTrue(rules.get(3).action() instanceof dev.bascule.config.model.HttpAction.Var, rules.toString());
        assertEquals(new dev.bascule.config.model.HttpAction.Deny(dev.bascule.config.model.HttpReply.page(429)),
                rules.get(0).action());
        assertTrue(rules.get(1).action().toString().contains("SCHEME"), rules.get(1).toString());
        assertEquals("%[src]-%%-%[fe_name]", ((dev.bascule.config.model.HttpAction.HeaderEdit) rules.get(2).action())
                .value().toString());
        assertTrue(alerts(HEAD + "    http-request set-header X-A %ci\n").get(0).contains("%[src] for %ci"));
        assertTrue(alerts(HEAD + "    http-request redirect location /x code 304\n").get(0)
                .contains("'code' expects 301, 302, 303, 307 or 308"));
        assertTrue(alerts(HEAD + "    http-request deny deny_status 99\n").get(0).contains("from 200 to 599"));
        assertTrue(alerts(HEAD + "    http-request return string x\n").get(0).contains("a content type must be "
                + "defined when a non-empty payload is configured"));
        assertTrue(alerts(HEAD + "    http-request set-header X-A\n").get(0).contains("expects exactly 2 arguments"));
    }

    @Test
    void balance_hash_compiles_its_expression() {
        Config c = valid("backend b\n    mode http\n    balance hash req.hdr(host),lower\n");
        assertEquals("req.hdr(host),lower", c.backends().get(0).balance().expression().toString());
        assertEquals(AclCondition.Polarity.IF, valid(HEAD + "    stats admin if TRUE\n").frontends().get(0).stats()
                .admin().polarity());
    }
}
