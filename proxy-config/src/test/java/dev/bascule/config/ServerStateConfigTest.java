package dev.bascule.config;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.LoadServerState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server state keywords and the ids the state file matches on, numbered as HAProxy 2.6 numbers them. */
class ServerStateConfigTest {
    private static final String DEFAULTS = """
            defaults
                timeout connect 1s
                timeout client 1s
                timeout server 1s
            """;

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of()).parse("t.cfg", text);
    }

    private static Config valid(String text) {
        ParseResult r = parse(text);
        assertTrue(r.valid(), () -> r.diagnostics().toString());
        return r.config();
    }

    private static List<String> messages(ParseResult r, Diagnostic.Severity severity) {
        return r.diagnostics().stream().filter(d -> d.severity() == severity)
                .map(Diagnostic::text).toList();
    }

    @Test
    void global_names_the_file_and_its_directory_and_defaults_give_the_mode() {
        Config c = valid("""
                global
                    server-state-base /var/lib/haproxy
                    server-state-file state
                """ + DEFAULTS + """
                    load-server-state-from-file global
                backend app
                    server s1 127.0.0.1:80
                backend own
                    load-server-state-from-file local
                    server-state-file-name /tmp/own.state
                    server s1 127.0.0.1:80
                backend named
                    load-server-state-from-file local
                    server-state-file-name use-backend-name
                    server s1 127.0.0.1:80
                """);
        assertEquals("/var/lib/haproxy/state", c.global().serverStatePath(c.global().serverStateFile()));
        Backend app = c.backend("app").orElseThrow();
        assertEquals(LoadServerState.GLOBAL, app.loadServerStateFromFile(), "inherited from defaults");
        assertEquals("/tmp/own.state", c.global().serverStatePath(c.backend("own").orElseThrow().serverStateFileName()));
        assertEquals("/var/lib/haproxy/named", c.global().serverStatePath(c.backend("named").orElseThrow()
                .serverStateFileName()), "the backend's name, in server-state-base");
    }

    @Test
    void by_default_no_state_is_loaded_and_a_relative_name_without_base_is_from_the_current_directory() {
        Config c = valid(DEFAULTS + """
                backend app
                    server s1 127.0.0.1:80
                """);
        assertEquals(LoadServerState.NONE, c.backend("app").orElseThrow().loadServerStateFromFile());
        assertEquals("app", c.global().serverStatePath(c.backend("app").orElseThrow().serverStateFileName()));
    }

    @Test
    void a_wrong_mode_is_an_alert_naming_file_line_keyword_and_the_choices() {
        List<String> alerts = messages(parse(DEFAULTS + """
                backend app
                    load-server-state-from-file globl
                    server s1 127.0.0.1:80
                """), Diagnostic.Severity.ALERT);
        assertEquals(List.of("parsing [t.cfg:6] : 'load-server-state-from-file' expects 'global', 'local' or 'none', got 'globl'"),
                alerts);
    }

    @Test
    void global_mode_without_a_global_file_warns_at_the_line_that_asked_for_it() {
        List<String> warnings = messages(parse(DEFAULTS + """
                    load-server-state-from-file global
                backend app
                    server s1 127.0.0.1:80
                """), Diagnostic.Severity.WARNING);
        assertTrue(warnings.contains("parsing [t.cfg:5] : backend 'app' : 'load-server-state-from-file global' reads the global "
                + "'server-state-file', which is not set; add 'server-state-file <file>' to the global section"),
                warnings.toString());
    }

    @Test
    void a_file_name_in_defaults_is_not_inherited_and_says_so() {
        ParseResult r = parse(DEFAULTS + """
                    server-state-file-name shared
                backend app
                    load-server-state-from-file local
                    server s1 127.0.0.1:80
                """);
        assertTrue(r.valid());
        assertEquals("app", r.config().backend("app").orElseThrow().serverStateFileName());
        assertTrue(messages(r, Diagnostic.Severity.WARNING).stream().anyMatch(w -> w.startsWith("parsing [t.cfg:5] : "
                + "'server-state-file-name' is not inherited")), r.diagnostics().toString());
    }

    @Test
    void proxies_and_servers_are_numbered_as_haproxy_2_6_numbers_them() {
        // Checked against HAProxy 2.6.12's show stat: the stats socket's GLOBAL proxy takes id 0 and a turn.
        Config c = valid("""
                global
                    stats socket /tmp/bascule-test.sock level admin
                """ + DEFAULTS + """
                frontend web
                    bind 127.0.0.1:8080
                    default_backend app
                backend app
                    server s1 127.0.0.1:80 id 7
                    server s2 127.0.0.1:81
                    server off 127.0.0.1:82 disabled
                backend other
                    id 9
                    server o1 127.0.0.1:80
                listen lst
                    bind 127.0.0.1:8081
                    server l1 127.0.0.1:80
                """);
        assertEquals(2, c.frontends().get(0).id());
        Backend app = c.backend("app").orElseThrow();
        assertEquals(3, app.id());
        assertFalse(app.forcedId());
        assertEquals(List.of(7, 2, 3), app.servers().stream().map(s -> s.id()).toList(), "after id 7 comes 2, not 1");
        assertEquals(9, c.backend("other").orElseThrow().id());
        assertTrue(c.backend("other").orElseThrow().forcedId());
        assertEquals(5, c.backend("lst").orElseThrow().id(), "the counter moved on past the forced 9's turn");
        assertEquals(5, c.frontends().get(1).id(), "a listen section is one proxy");
    }

    @Test
    void without_a_stats_socket_the_first_proxy_is_1() {
        Config c = valid(DEFAULTS + """
                frontend web
                    bind 127.0.0.1:8080
                    default_backend app
                backend app
                    server s1 127.0.0.1:80
                """);
        assertEquals(1, c.frontends().get(0).id());
        assertEquals(2, c.backend("app").orElseThrow().id());
    }

    @Test
    void a_proxy_id_used_twice_or_not_positive_is_an_alert() {
        List<String> alerts = messages(parse(DEFAULTS + """
                backend a
                    id 3
                    server s1 127.0.0.1:80
                backend b
                    id 3
                    server s1 127.0.0.1:80
                backend c
                    id 0
                    server s1 127.0.0.1:80
                """), Diagnostic.Severity.ALERT);
        assertEquals(List.of("parsing [t.cfg:12] : 'id' expects an integer argument between 1 and 2147483647, got '0'",
                "parsing [t.cfg:9] : backend 'b' reuses the id 3 of backend 'a' (declared at t.cfg:6); give each "
                        + "proxy its own id"), alerts);
    }

    @Test
    void id_is_not_allowed_in_defaults() {
        List<String> alerts = messages(parse(DEFAULTS + "    id 4\n"), Diagnostic.Severity.ALERT);
        assertEquals(1, alerts.size());
        assertTrue(alerts.get(0).startsWith("parsing [t.cfg:5] : 'id' not allowed in 'defaults' section"), alerts.toString());
    }
}
