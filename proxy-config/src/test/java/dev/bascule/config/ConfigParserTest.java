package dev.bascule.config;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.Source;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigParserTest {
    private static ParseResult parse(String text) {
        return new ConfigParser(Map.of("BACKEND_PORT", "9100")::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static Config valid(String text) {
        ParseResult r = parse(text);
        assertTrue(r.valid(), () -> "expected a valid config, got " + r.diagnostics());
        return r.config();
    }

    private static List<String> alerts(String text) {
        ParseResult r = parse(text);
        assertFalse(r.valid(), "expected alerts");
        return r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ALERT)
                .map(Diagnostic::text).toList();
    }

    private static List<String> warnings(ParseResult r) {
        return r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING)
                .map(Diagnostic::text).toList();
    }

    private static final String TIMEOUTS = """
            defaults
                mode tcp
                timeout connect 5s
                timeout client 1m
                timeout server 1m
            """;

    @Test
    void the_flume_seed_shape_parses_into_a_frontend_and_a_backend() {
        Config c = valid("""
                global
                    maxconn 51200
                    nbthread 2
                defaults
                    mode tcp
                    retries 3
                    option redispatch
                    timeout connect 5000ms
                    timeout client 30000ms
                    timeout server 30000ms
                listen logservers
                    bind *:18888
                    timeout client 5m
                    server t1 127.168.1.7:8888 weight 2
                    server t2 127.168.1.118:8888
                """);
        assertEquals(51200, c.global().maxconn());
        assertEquals(2, c.global().nbthread());
        Frontend f = c.frontends().get(0);
        assertEquals("logservers", f.name());
        assertEquals(List.of(new Bind(new Source("test.cfg", 12), Address.inet(null, 18888))), f.binds());
        assertEquals(300_000, f.timeouts().clientMs());
        assertEquals("logservers", f.defaultBackend());
        Backend b = c.backend("logservers").orElseThrow();
        assertEquals(Mode.TCP, b.mode());
        assertEquals(3, b.retries());
        assertEquals(-1, b.redispatchInterval());
        assertEquals(5000, b.timeouts().connectMs());
        assertEquals(List.of("t1", "t2"), b.servers().stream().map(Server::name).toList());
        assertEquals(2, b.servers().get(0).weight());
        assertEquals(1, b.servers().get(1).weight());
        assertEquals(8888, b.servers().get(0).address().port());
    }

    @Test
    void defaults_are_resolved_into_each_proxy_and_a_later_defaults_applies_to_later_proxies() {
        Config c = valid(TIMEOUTS + """
                    retries 5
                backend a
                    server s 127.0.0.1:1
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout server 2s
                backend b
                    server s 127.0.0.1:1
                """);
        assertEquals(5, c.backend("a").orElseThrow().retries());
        assertEquals(60_000, c.backend("a").orElseThrow().timeouts().serverMs());
        assertEquals(Backend.DEFAULT_RETRIES, c.backend("b").orElseThrow().retries());
        assertEquals(2000, c.backend("b").orElseThrow().timeouts().serverMs());
    }

    @Test
    void named_defaults_with_from() {
        Config c = valid("""
                defaults tcp_long
                    mode tcp
                    timeout connect 1s
                    timeout client 1h
                    timeout server 1h
                defaults short
                    mode tcp
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                listen redis from tcp_long
                    bind 127.0.0.1:6390
                    server r1 127.0.0.1:6379
                """);
        assertEquals(3_600_000, c.frontends().get(0).timeouts().clientMs());
    }

    @Test
    void bind_forms() {
        Config c = valid(TIMEOUTS + """
                frontend f
                    bind *:80,:81 
                    bind [::]:82
                    bind 127.0.0.1:8000-8002
                    bind ipv4@10.0.0.1:90
                """);
        List<String> addresses = c.frontends().get(0).binds().stream().map(b -> b.address().toString()).toList();
        assertEquals(List.of("*:80", "*:81", "[::]:82", "127.0.0.1:8000", "127.0.0.1:8001", "127.0.0.1:8002",
                "10.0.0.1:90"), addresses);
    }

    @Test
    void a_server_without_port_uses_the_clients_port_and_env_vars_expand() {
        Config c = valid(TIMEOUTS + """
                backend b
                    server s1 127.0.0.1
                    server s2 127.0.0.1:"${BACKEND_PORT}"
                """);
        assertEquals(Server.SAME_PORT, c.backend("b").orElseThrow().servers().get(0).address().port());
        assertEquals(9100, c.backend("b").orElseThrow().servers().get(1).address().port());
    }

    /** HAProxy's address parser runs env_expand() on every address: $NAME and ${NAME} work there unquoted. */
    @Test
    void an_address_expands_variables_outside_quotes_and_an_unset_one_is_named() {
        Config c = valid(TIMEOUTS + """
                frontend f
                    bind 127.0.0.1:$BACKEND_PORT
                    default_backend b
                backend b
                    server s1 127.0.0.1:${BACKEND_PORT}
                """);
        assertEquals(9100, c.frontends().get(0).binds().get(0).address().port());
        assertEquals(List.of(), warnings(parse(TIMEOUTS + "frontend f\n    bind 127.0.0.1:$BACKEND_PORT\n")),
                "HAProxy expands a variable in an address: no warning is due");
        assertEquals(9100, c.backend("b").orElseThrow().servers().get(0).address().port());
        List<String> unset = alerts(TIMEOUTS + """
                frontend f
                    bind *:$PORT
                """);
        assertTrue(unset.get(0).contains("missing port number in bind address '*:'")
                && unset.get(0).contains("'*:$PORT': PORT is unset"), unset.toString());
        List<String> empty = alerts(TIMEOUTS + """
                backend b
                    server s1 $ADDR
                """);
        assertTrue(empty.get(0).contains("resolves to an empty address") && empty.get(0).contains("ADDR is unset"),
                empty.toString());
    }

    /** Measured with HAProxy 2.6.12: 'stats auth $USER:$PASS' with both unset is valid; the words stay as written. */
    @Test
    void a_dollar_outside_quotes_stays_text_elsewhere() {
        ParseResult r = parse(TIMEOUTS + """
                listen stats
                    mode http
                    bind 127.0.0.1:8404
                    stats enable
                    stats auth $USER:$PASS
                    maxconn $BACKEND_PORT
                """);
        List<String> all = r.diagnostics().stream().map(Diagnostic::text).toList();
        assertTrue(all.stream().anyMatch(d -> d.contains("'maxconn'") && d.contains("write \"${BACKEND_PORT}\"")),
                all.toString());
        assertTrue(all.stream().anyMatch(d -> d.contains("environment variable 'BACKEND_PORT' is outside double "
                + "quotes")), all.toString());
        assertTrue(all.stream().noneMatch(d -> d.contains("stats auth")), all.toString());
    }

    /** HAProxy 2.6 reads 'server s1 :' as 0.0.0.0 with the client's port: it connects where the client came. */
    @Test
    void a_server_without_address_takes_the_clients_destination() {
        Config c = valid(TIMEOUTS + """
                backend b
                    server s1 :
                    server s2 :8080
                """);
        Address s1 = c.backend("b").orElseThrow().servers().get(0).address();
        assertEquals(Address.inet("0.0.0.0", Server.SAME_PORT), s1);
        assertEquals(Address.inet("0.0.0.0", 8080), c.backend("b").orElseThrow().servers().get(1).address());
    }

    @Test
    void process_settings_of_the_global_section() {
        ParseResult r = parse("""
                global
                    uid 65534
                    gid 65533
                    stats timeout 30s
                    stats maxconn 3
                    ulimit-n 4096
                    chroot /var/lib/haproxy
                    cpu-map 1 0
                """);
        assertTrue(r.valid(), r.diagnostics().toString());
        var g = r.config().global();
        assertEquals(new dev.bascule.config.model.Identity("65534", 65534, "65533", 65533), g.identity());
        assertEquals(30_000, g.statsTimeout());
        assertEquals(3, g.statsMaxconn());
        assertEquals(4096, g.ulimitN());
        List<String> w = warnings(r);
        assertTrue(w.stream().anyMatch(m -> m.contains("'chroot' is not applied") && m.contains("RootDirectory=")),
                w.toString());
        assertTrue(w.stream().anyMatch(m -> m.contains("'cpu-map' is not applied") && m.contains("CPUAffinity=")),
                w.toString());
        assertTrue(w.stream().noneMatch(m -> m.contains("not implemented")), w.toString());
        ParseResult twice = parse("global\n    user root\n    uid 99\n    uid 98\n");
        assertEquals(99, twice.config().global().identity().uid());
        assertTrue(warnings(twice).get(0).contains("user/uid already specified"), warnings(twice).toString());
        ParseResult unknown = parse("global\n    user no-such-user-here\n");
        assertTrue(unknown.valid());
        assertEquals(-1, unknown.config().global().identity().uid());
    }

    @Test
    void legacy_keywords_are_accepted_with_the_modern_form_named() {
        ParseResult r = parse("""
                global
                    nbproc 4
                defaults
                    mode tcp
                    contimeout 5000
                    clitimeout 50000
                    srvtimeout 50000
                    redispatch
                listen xy102 0.0.0.0:80
                    server rs01 127.0.0.1:80
                """);
        assertTrue(r.valid(), r.diagnostics().toString());
        Backend b = r.config().backend("xy102").orElseThrow();
        assertEquals(5000, b.timeouts().connectMs());
        assertEquals(50_000, b.timeouts().serverMs());
        assertEquals(-1, b.redispatchInterval());
        assertEquals(80, r.config().frontends().get(0).binds().get(0).port());
        List<String> w = warnings(r);
        assertTrue(w.contains("parsing [test.cfg:2] : 'nbproc' was removed in HAProxy 2.5 and is ignored: Bascule "
                + "runs one process with one event loop per thread; use 'nbthread' instead"), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("parsing [test.cfg:5] : the 'contimeout' keyword is "
                + "deprecated") && s.endsWith("use 'timeout connect' instead")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("parsing [test.cfg:8] : keyword 'redispatch' is "
                + "deprecated")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("parsing [test.cfg:9] : the 'listen NAME ADDR' form")),
                w.toString());
    }

    /** Keywords the final mode or hash type leaves without effect get one warning each, at their own line. */
    @Test
    void http_only_balancing_keywords_in_mode_tcp_warn_once_at_their_line() {
        ParseResult r = parse(TIMEOUTS + """
                backend b
                    balance uri
                    cookie SRV insert
                    retry-on empty-response 503
                    hash-balance-factor 150
                    mode tcp
                    server s 127.0.0.1:80 cookie s
                """);
        assertTrue(r.valid());
        List<String> w = warnings(r);
        assertEquals(1, w.stream().filter(x -> x.startsWith("parsing [test.cfg:7] : backend 'b' : 'balance uri' needs "
                + "mode http")).count(), w.toString());
        assertTrue(w.stream().anyMatch(x -> x.startsWith("parsing [test.cfg:8] : backend 'b' : 'cookie' needs mode "
                + "http")), w.toString());
        assertTrue(w.stream().anyMatch(x -> x.startsWith("parsing [test.cfg:9] : backend 'b' : 'retry-on' conditions")),
                w.toString());
        assertTrue(w.stream().anyMatch(x -> x.startsWith("parsing [test.cfg:10] : backend 'b' : 'hash-balance-factor' "
                + "only applies to 'hash-type consistent'")), w.toString());
    }

    @Test
    void keywords_not_supported_yet_warn_with_file_and_line() {
        ParseResult r = parse(TIMEOUTS + """
                    option contstats
                listen l
                    bind :80
                    compression algo gzip
                    server s 127.0.0.1:80 check pool-max-conn 100 tfo
                """);
        assertTrue(r.valid());
        List<String> w = warnings(r);
        String notYet = " is parsed but not implemented yet; it has no effect";
        assertTrue(w.contains("parsing [test.cfg:6] : 'option contstats'" + notYet), w.toString());
        assertTrue(w.contains("parsing [test.cfg:9] : 'compression'" + notYet), w.toString());
        assertTrue(w.contains("parsing [test.cfg:10] : 'pool-max-conn'" + notYet), w.toString());
        assertTrue(w.contains("parsing [test.cfg:10] : 'tfo'" + notYet), w.toString());
        assertEquals("[pool-max-conn 100, tfo]", r.config().backend("l").orElseThrow().servers().get(0).unimplemented()
                .toString());
        assertEquals(List.of("option contstats", "compression"), r.config().frontends().get(0).unimplemented().stream()
                .map(d -> d.keyword()).toList());
    }

    @Test
    void typos_are_alerts_with_a_suggestion() {
        List<String> a = alerts(TIMEOUTS + """
                listen l
                    bind :80
                    balanse roundrobin
                    option redispach
                    server s 127.0.0.1:80 wieght 3
                    timeout conect 1s
                """);
        assertTrue(a.contains("parsing [test.cfg:8] : unknown keyword 'balanse' in 'listen' section; did you mean "
                + "'balance' maybe ?"), a.toString());
        assertTrue(a.contains("parsing [test.cfg:9] : unknown keyword 'option redispach' in 'listen' section; did "
                + "you mean 'option redispatch' maybe ?"), a.toString());
        assertTrue(a.contains("parsing [test.cfg:10] : 'server l/s' unknown keyword 'wieght'; did you mean "
                + "'weight' maybe ?"), a.toString());
        assertTrue(a.contains("parsing [test.cfg:11] : unknown keyword 'timeout conect' in 'listen' section; did "
                + "you mean 'timeout connect' maybe ?"), a.toString());
    }

    @Test
    void http_options_combine_from_defaults_and_are_checked() {
        Config c = valid("""
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 1m
                    timeout server 1m
                    timeout http-request 10s
                    option httpclose
                    option forwardfor except 10.0.0.0/255.0.0.0 header X-Client if-none
                listen l
                    bind :80
                    no option httpclose
                    option http-server-close
                    option originalto except 127.0.0.1
                    monitor-uri /alive
                    server s 127.0.0.1:80
                """);
        var http = c.frontends().get(0).http();
        assertEquals(dev.bascule.config.model.HttpSettings.ConnectionMode.SERVER_CLOSE, http.connection());
        assertEquals("X-Client", http.forwardFor().header());
        assertTrue(http.forwardFor().ifNone());
        assertTrue(http.forwardFor().excepted(new byte[] {10, 9, 8, 7}));
        assertFalse(http.forwardFor().excepted(new byte[] {11, 0, 0, 1}));
        assertEquals("X-Original-To", http.originalTo().header());
        assertEquals(32, http.originalTo().except().prefix());
        assertEquals("10.0.0.0/8", http.forwardFor().except().toString());
        assertEquals("/alive", http.monitorUri());
        assertEquals(10_000, c.frontends().get(0).timeouts().effectiveHttpRequestMs());
        assertEquals(10_000, c.frontends().get(0).timeouts().effectiveHttpKeepAliveMs());

        List<String> a = alerts(TIMEOUTS + """
                listen l
                    bind :80
                    option forwardfor except example.com
                    option originalto if-none
                """);
        assertTrue(a.contains("parsing [test.cfg:8] : 'option forwardfor except' : 'example.com' is not a network; "
                + "write an address with an optional /prefix"), a.toString());
        assertTrue(a.contains("parsing [test.cfg:9] : 'option originalto' : unknown argument 'if-none'; expected "
                + "'except <network>' or 'header <name>'"), a.toString());
    }

    @Test
    void monitor_fail_keeps_its_conditions_in_order_and_wants_if_or_unless() {
        ParseResult r = parse(TIMEOUTS + """
                frontend www
                    mode http
                    bind :80
                    http-request deny if { path /private }
                    monitor-uri /alive
                    acl site_dead nbsrv(web) lt 1
                    monitor fail if site_dead
                    monitor fail unless { nbsrv(static) ge 2 }
                    default_backend web
                backend web
                    mode http
                    server w 127.0.0.1:80
                backend static
                    mode http
                    server s 127.0.0.1:80
                """);
        assertTrue(r.valid(), () -> r.diagnostics().toString());
        var fails = r.config().frontends().get(0).monitorFail();
        assertEquals(2, fails.size());
        assertEquals(dev.bascule.config.sample.AclCondition.Polarity.IF, fails.get(0).polarity());
        assertEquals("site_dead", fails.get(0).alternatives().get(0).get(0).name());
        assertEquals(dev.bascule.config.sample.AclCondition.Polarity.UNLESS, fails.get(1).polarity());
        assertTrue(warnings(r).contains("parsing [test.cfg:13] : a 'monitor fail' rule placed after an 'http-request' "
                + "rule will still be processed before"), warnings(r).toString());
        assertTrue(warnings(r).stream().noneMatch(w -> w.contains("monitor") && w.contains("not implemented")),
                warnings(r).toString());

        List<String> a = alerts(TIMEOUTS + """
                frontend www
                    mode http
                    bind :80
                    monitor-uri /alive
                    monitor fail { nbsrv(web) lt 1 }
                    monitor fail if { nbsrv(web) lt x }
                """);
        assertTrue(a.contains("parsing [test.cfg:10] : 'monitor fail' requires either 'if' or 'unless' followed by a "
                + "condition, such as 'monitor fail if { nbsrv(<backend>) lt 1 }'"), a.toString());
        assertTrue(a.stream().anyMatch(t -> t.startsWith("parsing [test.cfg:11] : error detected while parsing "
                + "'monitor fail' condition : ")), a.toString());
        assertTrue(alerts("""
                defaults
                    monitor fail if { always_true }
                """).stream().anyMatch(t -> t.contains("'monitor fail' not allowed in 'defaults' section")));
    }

    @Test
    void real_mistakes_are_rejected_with_the_reason() {
        List<String> a = alerts(TIMEOUTS + """
                frontend f
                    bind :99999
                    default_backend missing
                    maxconn lots
                backend b
                    server s 127.0.0.1:80 weight 300
                    server t 127.0.0.1:80
                    server t 127.0.0.1:81
                    timeout connect
                backend b
                """);
        assertTrue(a.contains("parsing [test.cfg:7] : port 99999 in ':99999' is out of range; a port is a number "
                + "from 1 to 65535"), a.toString());
        assertTrue(a.contains("parsing [test.cfg:9] : 'maxconn' expects an integer argument between 0 and "
                + "2147483647, got 'lots'"), a.toString());
        assertTrue(a.contains("parsing [test.cfg:11] : 'server b/s' : 'weight' expects an integer argument between 0 "
                + "and 256, got '300'"), a.toString());
        assertTrue(a.stream().anyMatch(s -> s.startsWith("parsing [test.cfg:13] : backend 'b' has the same server "
                + "name 't' declared at test.cfg:12")), a.toString());
        assertTrue(a.contains("parsing [test.cfg:14] : 'timeout connect' expects an integer value (in "
                + "milliseconds, or with a unit: us ms s m h d) as argument"), a.toString());
        assertTrue(a.stream().anyMatch(s -> s.startsWith("parsing [test.cfg:15] : backend 'b' has the same name as "
                + "backend 'b' declared at test.cfg:10")), a.toString());
        assertTrue(a.contains("parsing [test.cfg:8] : Proxy 'f': unable to find required default_backend: "
                + "'missing'"), a.toString());
    }

    @Test
    void a_frontend_and_a_backend_may_share_a_name() {
        Config c = valid(TIMEOUTS + """
                frontend web
                    bind :80
                    default_backend web
                backend web
                    server s 127.0.0.1:80
                """);
        assertEquals("web", c.frontends().get(0).defaultBackend());
    }

    @Test
    void modes_must_match_between_frontend_and_backend() {
        List<String> a = alerts(TIMEOUTS + """
                frontend f
                    mode http
                    bind :80
                    default_backend b
                backend b
                    server s 127.0.0.1:80
                """);
        assertTrue(a.contains("parsing [test.cfg:9] : Proxy 'f': unable to use backend 'b' with wrong mode, "
                + "required: http, has: tcp"), a.toString());
    }

    @Test
    void keywords_in_the_wrong_section_are_ignored_with_haproxys_warning() {
        ParseResult r = parse(TIMEOUTS + """
                backend b
                    bind :80
                    server s 127.0.0.1:80
                """);
        assertTrue(r.valid());
        assertTrue(warnings(r).contains("parsing [test.cfg:7] : 'bind' ignored because backend 'b' has no frontend "
                + "capability"), warnings(r).toString());
    }

    @Test
    void missing_timeouts_warn_like_haproxy() {
        ParseResult r = parse("""
                listen l
                    bind :80
                    server s 127.0.0.1:80
                """);
        assertTrue(r.valid());
        assertTrue(warnings(r).stream().anyMatch(w -> w.startsWith("parsing [test.cfg:1] : missing timeouts for "
                + "listen 'l'")), warnings(r).toString());
    }

    @Test
    void conditional_blocks() {
        Config c = valid(TIMEOUTS + """
                .if version_atleast(2.4)
                listen new
                    bind :80
                    server s 127.0.0.1:80
                .elif defined(BACKEND_PORT)
                listen never
                    bind :81
                .else
                listen neither
                    bind :82
                .endif
                .if !feature(EPOLL)
                listen no_epoll
                    bind :83
                .endif
                """);
        assertEquals(List.of("new"), c.frontends().stream().map(Frontend::name).toList());
    }

    @Test
    void unbalanced_conditions_are_alerts() {
        assertTrue(alerts(".endif\n").contains("parsing [test.cfg:1] : '.endif' without a matching '.if'"));
        assertTrue(alerts(".if 1\n").contains("parsing [test.cfg:1] : unterminated '.if' block: add '.endif' before "
                + "the end of the file"));
        assertTrue(alerts(".alert stop here\n").contains("parsing [test.cfg:1] : stop here"));
    }

    @Test
    void a_keyword_outside_any_section_is_an_alert() {
        assertTrue(alerts("maxconn 10\n").get(0).startsWith("parsing [test.cfg:1] : unknown keyword 'maxconn' out "
                + "of section"));
    }

    @Test
    void a_bare_balance_means_roundrobin() {
        Config c = valid(TIMEOUTS + """
                backend b
                    balance
                    server s 127.0.0.1:80
                """);
        assertEquals("roundrobin", c.backend("b").orElseThrow().balance().algorithm());
    }

    @Test
    void files_and_directories_in_order(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("20-backend.cfg"), "backend b\n    server s 127.0.0.1:80\n");
        Files.writeString(dir.resolve("10-frontend.cfg"), TIMEOUTS + "frontend f\n    bind :80\n"
                + "    default_backend b");
        Files.writeString(dir.resolve("notes.txt"), "this is not a config\n");
        ParseResult r = new ConfigParser(k -> null, Set.of()).parse(List.of(dir));
        assertTrue(r.valid(), r.diagnostics().toString());
        assertEquals("b", r.config().frontends().get(0).defaultBackend());
        assertEquals(60_000, r.config().backend("b").orElseThrow().timeouts().serverMs(),
                "the defaults of the first file apply to the second");
    }

    @Test
    void a_missing_file_is_an_alert() {
        ParseResult r = new ConfigParser(k -> null, Set.of()).parse(List.of(Path.of("/nonexistent/haproxy.cfg")));
        assertNull(r.config());
        assertTrue(r.diagnostics().get(0).text().startsWith("Could not open configuration file "
                + "/nonexistent/haproxy.cfg"));
    }

    @Test
    void a_latin1_comment_is_read_and_a_latin1_argument_is_warned_about(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("latin1.cfg");
        byte[] text = (TIMEOUTS + "# serveur de l'\u00e9quipe\nbackend b\n    description caf\u00e9\n"
                + "    server s 127.0.0.1:80\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(cfg, text);
        ParseResult r = new ConfigParser(k -> null, Set.of()).parse(List.of(cfg));
        assertTrue(r.valid(), r.diagnostics().toString());
        List<Diagnostic> latin1 = r.diagnostics().stream()
                .filter(d -> d.message().contains("read as ISO-8859-1")).toList();
        assertEquals(List.of(new Source(cfg.toString(), 8)), latin1.stream().map(Diagnostic::source).toList(),
                "the argument's line is warned about, the comment's is not");
    }

    @Test
    void a_last_line_without_its_newline_is_accepted_with_haproxys_warning(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("cut.cfg");
        Files.writeString(cfg, TIMEOUTS + "backend b\n    server s1 127.0.0.1:80");
        ParseResult r = new ConfigParser(k -> null, Set.of()).parse(List.of(cfg));
        assertTrue(r.valid(), r.diagnostics().toString());
        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        assertEquals(new Source(cfg.toString(), 7), r.diagnostics().get(0).source());
        assertEquals("Missing LF on last line, file might have been truncated at position 27.",
                r.diagnostics().get(0).message());
        assertEquals(1, r.config().backend("b").orElseThrow().servers().size(), "the cut line still counts");
    }

    @Test
    void other_sections_are_checked_and_kept() {
        ParseResult r = parse(TIMEOUTS + """
                resolvers dns
                    nameserver ns1 127.0.0.1:53
                    hold valid 10s
                userlist admins
                    user admin insecure-password secret
                """);
        assertTrue(r.valid(), r.diagnostics().toString());
        assertEquals(List.of("userlist"), r.config().otherSections().stream().map(o -> o.kind()).toList());
        assertEquals(List.of("admin", "insecure-password", "secret"),
                r.config().otherSections().get(0).lines().get(0).args());
        assertEquals("dns", r.config().resolvers().get(0).name(), "a resolvers section is run, not kept aside");
        assertEquals("admin", r.config().userlist("admins").orElseThrow().users().get(0).name(),
                "a userlist is run too");
        assertTrue(warnings(r).isEmpty(), warnings(r).toString());
    }

    @Test
    void a_nameserver_without_a_name_is_rejected_as_haproxy_does() {
        List<String> a = alerts("""
                resolvers dns
                    nameserver 127.0.0.1:53
                    nameservr ns2 127.0.0.1:53
                """);
        assertTrue(a.contains("parsing [test.cfg:2] : 'nameserver' expects <name> <address>[:port] as arguments"),
                a.toString());
        assertTrue(a.contains("parsing [test.cfg:3] : unknown keyword 'nameservr' in 'resolvers' section; did you "
                + "mean 'nameserver' maybe ?"), a.toString());
    }

    @Test
    void unix_abstract_and_fd_addresses() {
        Config c = valid(TIMEOUTS + """
                frontend f
                    bind unix@/run/haproxy/front.sock
                    bind /run/plain.sock
                    bind abns@inner
                    bind fd@3
                    default_backend b
                backend b
                    server u unix@/run/app.sock
                    server a abns@app
                """);
        assertEquals(List.of("unix@/run/haproxy/front.sock", "unix@/run/plain.sock", "abns@inner", "fd@3"),
                c.frontends().get(0).binds().stream().map(b -> b.address().toString()).toList());
        assertEquals(List.of("unix@/run/app.sock", "abns@app"), c.backend("b").orElseThrow().servers().stream()
                .map(s -> s.address().toString()).toList());
        List<String> a = alerts(TIMEOUTS + """
                frontend f
                    bind udp@:53
                    bind fd@x
                backend b
                    server s fd@3
                """);
        assertTrue(a.get(0).contains("address family 'udp@' in 'udp@:53' is not supported yet"), a.toString());
        assertTrue(a.get(1).contains("'fd@x' : a file descriptor is a number >= 0"), a.toString());
        assertTrue(a.get(2).contains("'fd@' addresses are for listeners"), a.toString());
    }

    @Test
    void legacy_header_rules_map_to_their_exact_modern_form_or_are_rejected_with_it() {
        ParseResult r = parse(TIMEOUTS + """
                frontend f
                    bind :80
                    reqadd X-Forwarded-Proto:\\ https if { ssl_fc }
                    block if { src 10.0.0.0/8 }
                    reqidel ^X-Debug:.* if { src 10.0.0.0/8 }
                    rspdel ^Server:
                    default_backend b
                backend b
                    server s 127.0.0.1:80
                """);
        assertTrue(r.valid(), r.diagnostics().toString());
        List<String> rules = r.config().frontends().get(0).httpRequest().stream().map(h ->
                h.action() instanceof dev.bascule.config.model.HttpAction.HeaderEdit e
                        ? e.edit() + " " + e.name() + " " + h.condition()
                        : h.action() instanceof dev.bascule.config.model.HttpAction.Deny d
                        ? "DENY " + d.status() + " " + h.condition() : h.action().toString()).toList();
        assertEquals(List.of("ADD X-Forwarded-Proto if {ssl_fc}", "DENY 403 if {src 10.0.0.0/8}",
                "DEL X-Debug if {src 10.0.0.0/8}"), rules);
        assertTrue(warnings(r).contains("parsing [test.cfg:10] : 'reqidel' was removed in HAProxy 2.1 (HAProxy 2.6 "
                + "refuses it); read as 'http-request del-header X-Debug if { src 10.0.0.0/8 }', which HAProxy 2.6 "
                + "needs written instead"), warnings(r).toString());
        assertEquals(List.of(new dev.bascule.config.model.HttpAction.HeaderEdit(
                        dev.bascule.config.model.HttpAction.HeaderEdit.Edit.DEL, "Server", null)),
                r.config().frontends().get(0).http().httpResponse().stream().map(h -> h.action()).toList(),
                "rspdel runs as the http-response del-header it stands for");
        assertTrue(r.config().frontends().get(0).unimplemented().isEmpty());
        ParseResult rep = parse(TIMEOUTS + """
                backend b
                    reqirep ^Host:\\ (.*)\\.old$ Host:\\ \\1.new
                """);
        assertTrue(warnings(rep).contains("parsing [test.cfg:7] : 'reqirep' was removed in HAProxy 2.1 (HAProxy 2.6 "
                + "refuses it); read as 'http-request replace-header Host (?i)^(.*)\\.old$ \\1.new', which HAProxy 2.6 "
                + "needs written instead"), warnings(rep).toString());
        List<String> a = alerts(TIMEOUTS + """
                backend b
                    reqrep ^GET\\ /old GET\\ /new
                    reqidel ^X-(Debug|Trace)
                """);
        assertTrue(a.get(0).startsWith("parsing [test.cfg:7] : The 'reqrep' directive is not supported anymore since "
                + "HAProxy 2.1. Use 'http-request replace-path', 'http-request replace-uri' or 'http-request "
                + "replace-header' instead."), a.toString());
        assertTrue(a.get(1).startsWith("parsing [test.cfg:8] : The 'reqidel' directive is not supported anymore since "
                + "HAProxy 2.1. Use 'http-request del-header' instead."), a.toString());
    }

    @Test
    void a_user_that_does_not_exist_is_only_a_warning() {
        ParseResult r = parse("global\n    user bascule-no-such-user\n" + TIMEOUTS);
        assertTrue(r.valid());
        assertTrue(warnings(r).stream().anyMatch(w -> w.startsWith("parsing [test.cfg:2] : 'user "
                + "bascule-no-such-user' : no such user on this system")), warnings(r).toString());
    }

    @Test
    void keywords_in_a_section_that_never_takes_them_are_errors() {
        List<String> a = alerts(TIMEOUTS + """
                    use_backend b
                frontend f
                    bind :80
                    server s 127.0.0.1:80
                """);
        assertTrue(a.contains("parsing [test.cfg:6] : 'use_backend' not allowed in 'defaults' section; it belongs in "
                + "frontend, listen"), a.toString());
    }

    @Test
    void use_backend_targets_must_exist() {
        List<String> a = alerts(TIMEOUTS + """
                frontend f
                    bind :80
                    use_backend api if { path_beg /api }
                    use_backend %[req.hdr(host),lower]
                    default_backend web
                backend web
                    server s 127.0.0.1:80
                """);
        assertEquals(List.of("parsing [test.cfg:8] : Proxy 'f': unable to find required use_backend: 'api'"), a);
    }

    @Test
    void option_values_are_checked_before_they_are_implemented() {
        List<String> a = alerts(TIMEOUTS + """
                backend b
                    server s 127.0.0.1:80 check inter 2x rise two
                """);
        assertTrue(a.get(0).contains("'server b/s' : 'inter' : unexpected character 'x'"), a.toString());
    }

    @Test
    void no_option_and_family_keywords_without_their_second_word() {
        ParseResult r = parse(TIMEOUTS + """
                    no option httplog
                backend b
                    server s 127.0.0.1:80
                """);
        assertTrue(r.valid(), r.diagnostics().toString());
        assertTrue(alerts(TIMEOUTS + "    timeout\n").get(0).startsWith("parsing [test.cfg:6] : 'timeout' expects "
                + "one of: check, client, client-fin, connect"));
    }

    @Test
    void server_check_settings_take_default_server_and_haproxy_defaults() {
        Config c = valid(TIMEOUTS + """
                    default-server inter 3s fall 5 on-marked-down shutdown-sessions
                backend b
                    default-server rise 4
                    server s1 127.0.0.1:80 check
                    server s2 127.0.0.1:81 check fastinter 500 downinter 10s port 8081 backup slowstart 30s
                    server s3 127.0.0.1:82 disabled
                backend plain
                    server p 127.0.0.1:80 check
                """);
        var servers = c.backend("b").orElseThrow().servers();
        var s1 = servers.get(0).check();
        assertTrue(s1.enabled());
        assertEquals(3000, s1.interMs());
        assertEquals(3000, s1.fastinterMs(), "fastinter defaults to inter");
        assertEquals(4, s1.rise());
        assertEquals(5, s1.fall());
        assertEquals("shutdown-sessions", s1.onMarkedDown());
        var s2 = servers.get(1).check();
        assertEquals(500, s2.fastinterMs());
        assertEquals(10_000, s2.downinterMs());
        assertEquals(8081, s2.port());
        assertEquals(30_000, s2.slowstartMs());
        assertTrue(servers.get(1).backup());
        assertTrue(servers.get(2).disabled());
        assertFalse(servers.get(2).check().enabled());
        var p = c.backend("plain").orElseThrow().servers().get(0).check();
        assertEquals(2, p.rise(), "HAProxy's default rise");
        assertEquals(5, p.fall(), "the defaults section's default-server");
    }

    @Test
    void check_types_and_their_settings() {
        Config c = valid(TIMEOUTS + """
                    timeout check 2s
                backend legacy
                    option httpchk HEAD / HTTP/1.0
                    server s 127.0.0.1:80 check
                backend bare
                    option httpchk
                    server s 127.0.0.1:80 check
                backend modern
                    option httpchk
                    http-check send meth GET uri /health ver HTTP/1.1 hdr Host www.example.com
                    http-check expect status 200-299
                    http-check expect ! string maintenance
                    server s 127.0.0.1:80 check
                backend redis
                    option tcp-check
                    tcp-check connect port 6379
                    tcp-check send "PING\\r\\n"
                    tcp-check expect string +PONG
                    server r 127.0.0.1:6379 check
                backend mysql
                    option mysql-check user haproxy post-41
                    option log-health-checks
                    server m 127.0.0.1:3306 check
                """);
        var legacy = c.backend("legacy").orElseThrow().checks();
        assertEquals("http", legacy.type().toString());
        assertEquals("HEAD / HTTP/1.0", legacy.http().method() + " " + legacy.http().uri() + " " + legacy.http().version());
        assertEquals(2000, legacy.timeoutCheckMs());
        assertEquals("OPTIONS / HTTP/1.0", String.join(" ", c.backend("bare").orElseThrow().checks().http().method(),
                c.backend("bare").orElseThrow().checks().http().uri(), c.backend("bare").orElseThrow().checks().http()
                        .version()));
        var modern = c.backend("modern").orElseThrow().checks();
        assertEquals("GET", modern.http().method());
        assertEquals(List.of("Host: www.example.com"), modern.http().headers());
        assertEquals(2, modern.httpExpect().size());
        assertTrue(modern.httpExpect().get(1).negate());
        var redis = c.backend("redis").orElseThrow().checks();
        assertEquals(List.of("connect", "send", "expect"), redis.tcpRules().stream().map(r -> r.action()).toList());
        assertEquals(6379, redis.tcpRules().get(0).port());
        assertEquals("PING\r\n", redis.tcpRules().get(1).data());
        var mysql = c.backend("mysql").orElseThrow().checks();
        assertEquals("haproxy", mysql.user());
        assertTrue(mysql.mysqlPost41());
        assertTrue(mysql.logHealthChecks());
    }

    @Test
    void check_mistakes_are_caught() {
        List<String> a = alerts(TIMEOUTS + """
                backend b
                    option pgsql-check
                    http-check expect statuss 200
                    tcp-check send-binary 0g
                    server s 127.0.0.1:80 check rise 0 observe layer5 agent-check
                """);
        assertTrue(a.get(0).contains("'option pgsql-check' expects 'user <name>'"), a.toString());
        assertTrue(a.get(1).contains("'http-check expect' : expects one of rstatus, rstring, status, string"),
                a.toString());
        assertTrue(a.get(2).contains("'tcp-check send-binary' expects an even number of hexadecimal digits"),
                a.toString());
        assertTrue(a.get(3).contains("'server b/s' : 'rise' expects an integer argument between 1"), a.toString());
    }

    @Test
    void use_service_and_stats_admin_compile_their_conditions_on_the_sample_layer() {
        String head = "defaults\n    mode http\nfrontend f\n    bind :80\n";
        Frontend always = valid(head + "    http-request use-service prometheus-exporter\n").frontends().get(0);
        assertEquals(dev.bascule.config.sample.AclCondition.ALWAYS, always.prometheus());
        Frontend beg = valid(head + "    acl metrics path_beg /metrics\n"
                + "    http-request use-service prometheus-exporter if metrics || { hdr(host) -i -m beg metrics. }\n"
                + "    stats admin unless !LOCALHOST\n").frontends().get(0);
        assertEquals("if metrics || {hdr(host) -i -m beg metrics.}", beg.prometheus().toString());
        assertEquals(2, beg.prometheus().alternatives().size());
        assertEquals("unless !LOCALHOST", beg.stats().admin().toString());
        List<String> a = alerts(head + "    http-request use-service prometheus-exporter if METRICS\n");
        assertEquals(1, a.size(), a.toString());
        assertTrue(a.get(0).startsWith("parsing [test.cfg:5] : error detected while parsing 'http-request use-service' "
                + "condition : no such ACL : 'METRICS'"), a.get(0));
    }

    @Test
    void http_reuse_takes_haproxys_four_modes_and_inherits_from_defaults() {
        Config c = valid("""
                defaults
                    mode http
                    http-reuse always
                backend inherits
                backend own
                    http-reuse never
                """);
        assertEquals(dev.bascule.config.model.HttpSettings.Reuse.ALWAYS, c.backends().get(0).http().reuse());
        assertEquals(dev.bascule.config.model.HttpSettings.Reuse.NEVER, c.backends().get(1).http().reuse());
        assertEquals(List.of("parsing [test.cfg:3] : 'http-reuse' : unknown mode 'sometimes'; expected 'never', "
                + "'safe', 'aggressive' or 'always'"), alerts("defaults\n    mode http\n    http-reuse sometimes\n"));
    }
}
