package dev.bascule.config;

import dev.bascule.config.model.Config;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the runtime used to find only when starting is an alert of the parse, naming file:line. */
class StartupChecksTest {
    /** Names that resolve here; every lookup is recorded. */
    private final List<String> asked = new ArrayList<>();
    private final HostResolver resolver = host -> {
        asked.add(host);
        return host.startsWith("127.") || host.equals("app.internal") ? InetAddress.getLoopbackAddress() : null;
    };

    private static final String HEAD = """
            defaults
                mode tcp
                timeout connect 5s
                timeout client 1m
                timeout server 1m
            frontend f
                bind 127.0.0.1:8080
                default_backend be
            backend be
            """;

    private ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL"), resolver).parse("t.cfg", text);
    }

    private List<String> alerts(String text) {
        return parse(text).diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ALERT)
                .map(Diagnostic::text).toList();
    }

    @Test
    void a_server_name_that_does_not_resolve_is_an_alert_at_its_line() {
        assertEquals(List.of("parsing [t.cfg:11] : 'server be/s2' : could not resolve address 'nowhere.invalid'."),
                alerts(HEAD + """
                            server s1 app.internal:80
                            server s2 nowhere.invalid:80
                        """));
    }

    @Test
    void check_and_agent_addresses_are_resolved_as_the_runtime_does() {
        assertEquals(List.of(
                        "parsing [t.cfg:10] : 'server be/s1' : could not resolve address 'checks.invalid'.",
                        "parsing [t.cfg:11] : 'server be/s2' : could not resolve address 'agent.invalid'."),
                alerts(HEAD + """
                            server s1 127.0.0.1:80 check addr checks.invalid
                            server s2 127.0.0.1:81 agent-check agent-port 9999 agent-addr agent.invalid
                        """));
        // Without 'check', or with no port to check, the runtime never looks the check address up.
        assertTrue(parse(HEAD + """
                    server s1 127.0.0.1:80 addr checks.invalid
                    server s2 127.0.0.1 check addr checks.invalid
                """).valid());
    }

    @Test
    void an_agent_on_a_unix_socket_server_needs_an_agent_addr() {
        assertEquals(List.of("parsing [t.cfg:10] : 'server be/s1' : 'agent-check' on a Unix socket server needs "
                        + "'agent-addr'"),
                alerts(HEAD + "    server s1 unix@/run/app.sock agent-check agent-port 9999\n"));
        assertTrue(parse(HEAD + "    server s1 unix@/run/app.sock agent-check agent-port 9999 agent-addr 127.0.0.1\n")
                .valid());
    }

    @Test
    void a_name_is_looked_up_once_per_parse() {
        assertTrue(parse(HEAD + """
                    server s1 app.internal:80
                    server s2 app.internal:81
                """).valid());
        assertEquals(List.of("app.internal"), asked);
    }

    @Test
    void the_answers_go_with_the_model_for_the_runtime_but_are_not_part_of_its_value() throws Exception {
        String text = HEAD + "    server s1 app.internal:80 check addr 127.0.0.2\n";
        Config config = parse(text).config();
        assertEquals(InetAddress.getLoopbackAddress(), config.hosts().address("app.internal"));
        assertEquals(InetAddress.getLoopbackAddress(), config.hosts().address("127.0.0.2"));
        InetAddress other = InetAddress.getByAddress("app.internal", new byte[] {10, 0, 0, 9});
        Config moved = new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL"), host -> other)
                .parse("t.cfg", text).config();
        assertEquals(other, moved.hosts().address("app.internal"));
        assertEquals(config, moved, "a name that now resolves elsewhere is no change of the configuration");
    }

    @Test
    void abstract_sockets_and_inherited_descriptors_need_epoll() {
        String config = """
                global
                    noepoll
                frontend f
                    bind fd@3
                backend b
                    server s1 abns@app
                """;
        assertEquals(List.of(
                "parsing [t.cfg:4] : 'bind fd@3' in frontend 'f' : 'fd@3' needs the epoll polling system, which "
                        + "'noepoll' turns off; remove 'noepoll' or use a TCP or unix@ address",
                "parsing [t.cfg:6] : 'server b/s1' : 'abns@app' needs the epoll polling system, which 'noepoll' "
                        + "turns off; remove 'noepoll' or use a TCP or unix@ address"), alerts(config));
        assertTrue(parse(config.replace("    noepoll\n", "")).valid());
    }
}
