package dev.bascule.config.diff;

import dev.bascule.config.ConfigParser;
import dev.bascule.config.ParseResult;
import dev.bascule.config.model.Address;
import dev.bascule.config.model.Config;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigDiffTest {
    private static Config parse(String text) {
        ParseResult r = new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL"),
                host -> InetAddress.getLoopbackAddress())
                .parse("haproxy.cfg", text);
        assertTrue(r.valid(), () -> "expected a valid config, got " + r.diagnostics());
        return r.config();
    }

    private static final String BEFORE = """
            global
                nbthread 4
                maxconn 1000
            defaults
                mode http
                timeout connect 5s
                timeout client 1m
                timeout server 1m
            frontend www
                bind 127.0.0.1:8080
                default_backend web
            frontend old
                bind 127.0.0.1:9090
                default_backend api
            backend web
                server s1 127.0.0.1:9001 id 1
                server s2 127.0.0.1:9002 id 2 weight 1
            backend api
                balance roundrobin
                server a1 127.0.0.1:9101
            """;

    private static ConfigDiff diff(String before, String after) {
        return ConfigDiff.between(parse(before), parse(after));
    }

    @Test
    void equal_configurations_have_no_change() {
        ConfigDiff d = diff(BEFORE, "# edited\n" + BEFORE.replace("\nbackend api\n", "\n\nbackend api\n    # here\n"));
        assertTrue(d.isEmpty());
        assertEquals("Reload: no change", d.summary());
    }

    @Test
    void servers_are_added_removed_and_changed_by_name() {
        ConfigDiff d = diff(BEFORE, BEFORE.replace("""
                    server s1 127.0.0.1:9001 id 1
                    server s2 127.0.0.1:9002 id 2 weight 1
                """, """
                    server s2 127.0.0.1:9002 id 2 weight 2 maxconn 50 check inter 3s
                    server s3 127.0.0.1:9003 id 3
                """));
        BackendChange web = d.backendsChanged().get(0);
        assertEquals("web", web.name());
        assertEquals(List.of(), web.changes());
        assertEquals(List.of("s3"), web.serversAdded());
        assertEquals(List.of("s1"), web.serversRemoved());
        ServerChange s2 = web.serversChanged().get(0);
        assertEquals(List.of(new FieldChange("weight", "1", "2"), new FieldChange("maxconn", "0", "50"),
                new FieldChange("check", "false", "true"), new FieldChange("inter", "2000ms", "3000ms"),
                new FieldChange("fastinter", "2000ms", "3000ms"), new FieldChange("downinter", "2000ms", "3000ms")),
                s2.changes());
        assertEquals("Reload: +server web/s3, -server web/s1, ~server web/s2 (weight 1 -> 2, maxconn 0 -> 50, "
                + "check false -> true, inter 2000ms -> 3000ms, fastinter 2000ms -> 3000ms, "
                + "downinter 2000ms -> 3000ms)", d.summary());
    }

    @Test
    void a_server_address_change_is_named_address() {
        ConfigDiff d = diff(BEFORE, BEFORE.replace("127.0.0.1:9101", "unix@/run/api.sock"));
        assertEquals("Reload: ~server api/a1 (address 127.0.0.1:9101 -> unix@/run/api.sock)", d.summary());
    }

    @Test
    void backends_and_frontends_are_added_removed_and_changed() {
        String after = BEFORE.replace("""
                frontend old
                    bind 127.0.0.1:9090
                    default_backend api
                """, "").replace("    balance roundrobin\n", "    balance leastconn\n    timeout connect 3s\n")
                .replace("frontend www\n", "frontend www\n    maxconn 500\n") + """
                backend extra
                    server e1 127.0.0.1:9201
                frontend admin
                    bind 127.0.0.1:9999
                    maxconn 10
                    default_backend extra
                """;
        ConfigDiff d = diff(BEFORE, after);
        assertEquals(List.of("admin"), d.frontendsAdded());
        assertEquals(List.of("old"), d.frontendsRemoved());
        assertEquals(List.of(new FieldChange("maxconn", "0", "500")), d.frontendsChanged().get(0).changes());
        assertEquals(List.of("extra"), d.backendsAdded());
        assertEquals(List.of(), d.backendsRemoved());
        assertEquals(List.of(new FieldChange("balance", "roundrobin", "leastconn"),
                new FieldChange("timeout connect", "5000ms", "3000ms")), d.backendsChanged().get(0).changes());
        assertEquals("Reload: +frontend admin, -frontend old, ~frontend www (maxconn 0 -> 500), +backend extra, "
                + "~backend api (balance roundrobin -> leastconn, timeout connect 5000ms -> 3000ms)", d.summary());
    }

    @Test
    void listeners_are_added_and_removed_by_address() {
        ConfigDiff d = diff(BEFORE, BEFORE.replace("    bind 127.0.0.1:8080\n",
                "    bind 127.0.0.1:8081\n    bind unix@/run/www.sock\n"));
        FrontendChange www = d.frontendsChanged().get(0);
        assertEquals(List.of(), www.changes());
        assertEquals(List.of(Address.inet("127.0.0.1", 8081), new Address(Address.Family.UNIX, null, -1,
                "/run/www.sock", -1)), www.listenersAdded());
        assertEquals(List.of(Address.inet("127.0.0.1", 8080)), d.listenersRemoved());
        assertEquals("Reload: +listener 127.0.0.1:8081, +listener unix@/run/www.sock, -listener 127.0.0.1:8080",
                d.summary());
        // The same listeners in another order open and close nothing, but their order is said.
        String two = BEFORE.replace("    bind 127.0.0.1:8080\n", "    bind 127.0.0.1:8080\n    bind 127.0.0.1:8081\n");
        ConfigDiff swapped = diff(two, two.replace("    bind 127.0.0.1:8080\n    bind 127.0.0.1:8081\n",
                "    bind 127.0.0.1:8081\n    bind 127.0.0.1:8080\n"));
        assertEquals(List.of(), swapped.listenersAdded());
        assertEquals("Reload: ~frontend www (bind order 127.0.0.1:8080 127.0.0.1:8081 -> 127.0.0.1:8081 "
                + "127.0.0.1:8080)", swapped.summary());
    }

    @Test
    void global_changes_say_which_a_reload_cannot_apply() {
        ConfigDiff d = diff(BEFORE, BEFORE.replace("nbthread 4", "nbthread 8").replace("maxconn 1000", "maxconn 2000"));
        assertEquals(List.of(new FieldChange("maxconn", "1000", "2000"), new FieldChange("nbthread", "4", "8")),
                d.global().stream().sorted(java.util.Comparator.comparing(FieldChange::name)).toList());
        assertEquals(List.of(new FieldChange("nbthread", "4", "8")), d.notReloadable());
        assertEquals("Reload: ~global (maxconn 1000 -> 2000, nbthread 4 -> 8); a reload cannot apply global "
                + "nbthread: restart the process", d.summary());
        ConfigDiff reloadable = diff(BEFORE, BEFORE.replace("maxconn 1000", "maxconn 2000"));
        assertEquals(List.of(), reloadable.notReloadable());
        assertEquals("Reload: ~global (maxconn 1000 -> 2000)", reloadable.summary());
        // The socket a reload is asked through stays as started.
        ConfigDiff socket = diff(BEFORE, BEFORE.replace("maxconn 1000", "maxconn 1000\n    stats socket /run/b.sock"));
        assertEquals(List.of("stats socket"), socket.notReloadable().stream().map(FieldChange::name).toList());
        assertTrue(socket.summary().endsWith("; a reload cannot apply global stats socket: restart the process"),
                socket.summary());
    }

    @Test
    void settings_of_http_and_checks_use_haproxy_keywords() {
        String after = BEFORE.replace("\nbackend api\n", """

                backend api
                    option forwardfor except 10.0.0.0/8
                    option httpchk GET /health
                    http-reuse always
                    retry-on conn-failure 503
                """).replace("server a1 127.0.0.1:9101", "server a1 127.0.0.1:9101 agent-check agent-port 7777");
        ConfigDiff d = diff(BEFORE, after);
        assertEquals("Reload: ~backend api (retry-on [conn-failure] -> [503, conn-failure], check type tcp -> http, "
                + "http-check send OPTIONS / HTTP/1.0 -> GET /health HTTP/1.0, option forwardfor none -> "
                + "X-Forwarded-For 10.0.0.0/8, http-reuse safe -> always), ~server api/a1 (agent-check none -> 7777 "
                + "2000ms)", d.summary());
    }

    @Test
    void a_reordered_backend_list_is_a_change_of_order_only() {
        String swapped = BEFORE.replace("""
                backend web
                    server s1 127.0.0.1:9001 id 1
                    server s2 127.0.0.1:9002 id 2 weight 1
                backend api
                    balance roundrobin
                    server a1 127.0.0.1:9101
                """, """
                backend api
                    balance roundrobin
                    server a1 127.0.0.1:9101
                backend web
                    server s1 127.0.0.1:9001 id 1
                    server s2 127.0.0.1:9002 id 2 weight 1
                """);
        ConfigDiff d = diff(BEFORE, swapped);
        assertFalse(d.isEmpty());
        assertEquals(List.of(), d.backendsChanged());
        assertEquals("Reload: ~backend order (web api -> api web)", d.summary());
    }

    @Test
    void the_diff_is_empty_exactly_when_the_configurations_are_equal() {
        List<String> variants = List.of(BEFORE, BEFORE.replace("weight 1", "weight 3"),
                BEFORE.replace("nbthread 4", "nbthread 2"), BEFORE.replace("    option", "    option"),
                BEFORE + "resolvers dns\n    nameserver ns1 127.0.0.1:53\n");
        for (String a : variants) {
            for (String b : variants) {
                Config ca = parse(a);
                Config cb = parse(b);
                assertEquals(ca.equals(cb), ConfigDiff.between(ca, cb).isEmpty(), () -> a + "\nvs\n" + b);
            }
        }
        assertEquals("Reload: +resolvers dns", diff(BEFORE, variants.get(4)).summary());
    }
}
