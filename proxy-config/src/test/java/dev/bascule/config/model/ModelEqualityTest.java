package dev.bascule.config.model;

import dev.bascule.config.ConfigParser;
import dev.bascule.config.ParseResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two parses of the same configuration are equal whatever their comments, blank lines and line positions. */
class ModelEqualityTest {
    static Config parse(String file, String text) {
        ParseResult r = new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse(file, text);
        assertTrue(r.valid(), () -> "expected a valid config, got " + r.diagnostics());
        return r.config();
    }

    /** Touches every record that carries a Source: Frontend, Bind, Backend, Server, Directive, OtherSection, StatsSocket. */
    private static final String CONFIG = """
            global
                maxconn 1000
                stats socket 127.0.0.1:9999 level admin
                log stdout format raw local0
            resolvers dns
                nameserver ns1 127.0.0.1:53
            defaults
                mode http
                timeout connect 5s
                timeout client 1m
                timeout server 1m
                option httplog
            frontend web
                bind 127.0.0.1:8080
                bind 127.0.0.1:8081
                option forwardfor except 10.0.0.0/8
                default_backend app
            backend app
                balance leastconn
                retries 2
                server s1 127.0.0.1:9001 weight 2 check inter 3s
                server s2 127.0.0.1:9002 maxconn 10
            """;

    /** The same, with comments, blank lines, keywords moved within their section and another file name. */
    private static final String SAME_MOVED = """
            # the process
            global
                log stdout format raw local0
                stats socket 127.0.0.1:9999 level admin

                maxconn 1000
            resolvers dns
                # one name server
                nameserver ns1 127.0.0.1:53

            defaults
                timeout server 1m
                mode http
                timeout client 1m
                timeout connect 5s
                option httplog

            frontend web
                default_backend app
                # listeners
                bind 127.0.0.1:8080
                bind 127.0.0.1:8081
                option forwardfor except 10.1.2.3/8
            backend app
                # a comment above a server moves it down a line
                server s1 127.0.0.1:9001 weight 2 check inter 3s
                server s2 127.0.0.1:9002 maxconn 10
                retries 2
                balance leastconn
            """;

    @Test
    void comments_blank_lines_and_moved_lines_leave_the_model_equal() {
        Config a = parse("a.cfg", CONFIG);
        Config b = parse("conf.d/b.cfg", SAME_MOVED);
        assertEquals(a.global(), b.global());
        assertEquals(a.global().statsSockets().get(0), b.global().statsSockets().get(0));
        assertEquals(a.otherSections(), b.otherSections());
        assertEquals(a.frontends().get(0).binds(), b.frontends().get(0).binds());
        assertEquals(a.frontends().get(0).unimplemented(), b.frontends().get(0).unimplemented());
        assertEquals(a.frontends(), b.frontends());
        assertEquals(a.backends().get(0).servers(), b.backends().get(0).servers());
        assertEquals(a.backends(), b.backends());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a.backends().get(0).servers().get(0).source(), b.backends().get(0).servers().get(0).source(),
                "the positions are still there, for messages");
    }

    @Test
    void a_changed_value_makes_the_model_unequal() {
        Config a = parse("a.cfg", CONFIG);
        assertNotEquals(a, parse("a.cfg", CONFIG.replace("weight 2", "weight 3")));
        assertNotEquals(a, parse("a.cfg", CONFIG.replace("inter 3s", "inter 4s")));
        assertNotEquals(a, parse("a.cfg", CONFIG.replace("127.0.0.1:8081", "127.0.0.1:8082")));
        assertNotEquals(a, parse("a.cfg", CONFIG.replace("10.0.0.0/8", "10.0.0.0/16")));
        assertNotEquals(a, parse("a.cfg", CONFIG.replace("nameserver ns1 127.0.0.1:53", "nameserver ns1 127.0.0.2:53")));
        assertNotEquals(a, parse("a.cfg", CONFIG.replace("level admin", "level user")));
        assertNotEquals(a, parse("a.cfg", CONFIG.replace("    option httplog\n", "    option tcplog\n")));
        assertNotEquals(a, parse("a.cfg", CONFIG.replace("maxconn 1000", "maxconn 2000")));
    }

    @Test
    void order_that_haproxy_reads_is_part_of_the_value() {
        // Servers are numbered in declaration order (and 'balance first' follows it): swapping them is a change.
        Config a = parse("a.cfg", CONFIG);
        String swapped = CONFIG.replace("""
                    server s1 127.0.0.1:9001 weight 2 check inter 3s
                    server s2 127.0.0.1:9002 maxconn 10
                """, """
                    server s2 127.0.0.1:9002 maxconn 10
                    server s1 127.0.0.1:9001 weight 2 check inter 3s
                """);
        assertNotEquals(a, parse("a.cfg", swapped));
    }

    @Test
    void a_source_is_still_a_value_of_its_own() {
        // Diagnostics compare positions: only the model's records leave them out.
        assertNotEquals(new Source("a.cfg", 1), new Source("a.cfg", 2));
        Server s = new Server("s1", new Source("a.cfg", 1), Address.inet("127.0.0.1", 80), 1, 1, 0, 0, false,
                false, null, ServerCheck.NONE, List.of());
        Server moved = new Server("s1", new Source("b.cfg", 7), Address.inet("127.0.0.1", 80), 1, 1, 0, 0, false,
                false, null, ServerCheck.NONE, List.of());
        assertEquals(s, moved);
        assertEquals(s.hashCode(), moved.hashCode());
        assertNotEquals(s, moved.withId(2));
        assertNotEquals(s, null);
        assertNotEquals(s, "s1");
    }

    @Test
    void a_network_is_immutable_and_canonical() {
        Network n = Network.of(new byte[] {10, 1, 2, 3}, 8);
        assertEquals(Network.of(new byte[] {10, 0, 0, 0}, 8), n);
        assertEquals("10.0.0.0/8", n.toString());
        assertTrue(n.contains(new byte[] {10, 9, 8, 7}));
        assertTrue(!n.contains(new byte[] {11, 0, 0, 1}));
        assertEquals(List.of(192, 168, 0, 0), Network.of(new byte[] {(byte) 192, (byte) 168, 7, 1}, 16).address());
        assertThrows(UnsupportedOperationException.class, () -> n.address().set(0, 11));
        assertThrows(IllegalArgumentException.class, () -> Network.of(new byte[] {10, 0, 0, 0}, 33));
    }
}
