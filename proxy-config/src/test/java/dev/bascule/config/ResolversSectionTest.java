package dev.bascule.config;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Resolvers;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerDns;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code resolvers} sections, the servers' resolution options and {@code server-template}. */
class ResolversSectionTest {
    /** Only app.internal resolves here (to 127.0.0.5); every other name is unknown to the system's resolver. */
    private static final HostResolver RESOLVER = host -> {
        try {
            return host.equals("app.internal") ? InetAddress.getByName("127.0.0.5")
                    : ServerDns.literal(host);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    };

    private static final String HEAD = """
            defaults
                mode http
                timeout connect 5s
                timeout client 1m
                timeout server 1m
            resolvers dns
                nameserver ns1 127.0.0.1:5353
                nameserver ns2 [::1]
                resolve_retries 2
                timeout resolve 300ms
                timeout retry 200ms
                hold valid 500ms
                hold nx 2s
                hold obsolete 1s
                accepted_payload_size 4096
            backend be
            """;

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL"), RESOLVER).parse("t.cfg", text);
    }

    private static List<String> messages(ParseResult r, Diagnostic.Severity severity) {
        return r.diagnostics().stream().filter(d -> d.severity() == severity).map(Diagnostic::text).toList();
    }

    private static Config valid(String text) {
        ParseResult r = parse(text);
        assertTrue(r.valid(), () -> r.diagnostics().toString());
        return r.config();
    }

    @Test
    void a_section_gives_its_name_servers_and_timers_with_haproxy_defaults_for_the_rest() {
        Resolvers r = valid(HEAD + "    server s1 127.0.0.1:80\n").resolvers("dns").orElseThrow();
        assertEquals(List.of("ns1", "ns2"), r.nameservers().stream().map(Resolvers.Nameserver::name).toList());
        assertEquals(Address.inet("127.0.0.1", 5353), r.nameservers().get(0).address());
        assertEquals(Address.inet("::1", 53), r.nameservers().get(1).address(), "port 53 by default");
        assertEquals(2, r.resolveRetries());
        assertEquals(300, r.timeoutResolveMs());
        assertEquals(200, r.timeoutRetryMs());
        assertEquals(new Resolvers.Hold(2000, 30_000, 30_000, 30_000, 500, 1000), r.hold());
        assertEquals(4096, r.acceptedPayloadSize());
        Resolvers defaults = valid("resolvers d\n    nameserver a 10.0.0.1\n").resolvers("d").orElseThrow();
        assertEquals(Resolvers.Hold.DEFAULT, defaults.hold());
        assertEquals(List.of(3, 1000L, 1000L, 512), List.of(defaults.resolveRetries(), defaults.timeoutResolveMs(),
                defaults.timeoutRetryMs(), defaults.acceptedPayloadSize()));
    }

    @Test
    void bad_lines_are_alerts_with_the_fix() {
        List<String> a = messages(parse("""
                resolvers dns
                    nameserver ns1 dns.example.com:53
                    nameserver ns2 127.0.0.1:53
                    nameserver ns2 127.0.0.2:53
                    hold forever 1s
                    accepted_payload_size 70000
                    timeout resolve 0
                    resolve_retries 0
                resolvers dns
                """), Diagnostic.Severity.ALERT);
        assertEquals(List.of(
                "parsing [t.cfg:2] : 'nameserver ns1' : invalid address 'dns.example.com:53'; write an IPv4 or IPv6 "
                        + "address with an optional port (UDP, port 53 by default), e.g. 10.0.0.1:53 or [::1]:53",
                "parsing [t.cfg:4] : nameserver 'ns2' has same name as another nameserver (declared at t.cfg:3); "
                        + "give each one its own name",
                "parsing [t.cfg:5] : 'hold' unknown <event>: 'forever', expects either 'nx', 'timeout', 'valid', "
                        + "'obsolete', 'refused' or 'other'.",
                "parsing [t.cfg:6] : 'accepted_payload_size' expects an integer argument between 12 and 65535, got "
                        + "'70000'",
                "parsing [t.cfg:7] : 'timeout resolve' : a null timeout would resolve without pause; give a time of "
                        + "at least 1ms",
                "parsing [t.cfg:8] : 'resolve_retries' expects an integer argument between 1 and 2147483647, got '0'",
                "parsing [t.cfg:9] : resolvers 'dns' has same name as another resolvers (declared at t.cfg:1); give "
                        + "each section its own name"), a);
    }

    @Test
    void a_server_names_its_resolvers_and_how_it_starts() {
        Server s = valid(HEAD + "    server s1 app.internal:80 resolvers dns resolve-prefer ipv4 init-addr libc,none "
                + "resolve-opts allow-dup-ip,ignore-weight\n").backend("be").orElseThrow().servers().get(0);
        assertEquals(new ServerDns("dns", false, List.of("libc", "none"), true, true), s.dns());
        List<String> a = messages(parse(HEAD + """
                    server s1 app.internal:80 resolvers dsn
                    server s2 app.internal:80 resolve-prefer ipv5
                    server s3 app.internal:80 init-addr libc,dns
                    server s4 app.internal:80 resolve-opts fast
                    server-template srv 2 _http._tcp.app.internal
                """), Diagnostic.Severity.ALERT);
        assertEquals(List.of(
                "parsing [t.cfg:18] : 'server be/s2' : 'resolve-prefer' expects either ipv4 or ipv6 as argument, "
                        + "got 'ipv5'",
                "parsing [t.cfg:19] : 'server be/s3' : 'init-addr' : unknown init-addr method 'dns', supported "
                        + "methods are 'libc', 'last', 'none' and an IP address.",
                "parsing [t.cfg:20] : 'server be/s4' : 'resolve-opts' : unknown resolve-opts option 'fast', "
                        + "supported methods are 'allow-dup-ip', 'ignore-weight', and 'prevent-dup-ip'.",
                "parsing [t.cfg:17] : backend 'be', server 's1': unable to find required resolvers 'dsn'; did you "
                        + "mean 'dns' maybe ?",
                "parsing [t.cfg:21] : backend 'be', server 'srv1': '_http._tcp.app.internal' is an SRV label, which "
                        + "only a resolvers section can look up; add 'resolvers <name>'",
                "parsing [t.cfg:21] : backend 'be', server 'srv2': '_http._tcp.app.internal' is an SRV label, which "
                        + "only a resolvers section can look up; add 'resolvers <name>'"), a);
    }

    @Test
    void a_name_that_does_not_resolve_at_startup_disables_the_server_when_init_addr_allows_it() {
        ParseResult r = parse(HEAD + """
                    server s1 later.internal:80 resolvers dns
                    server s2 later.internal:80 init-addr none
                    server s3 later.internal:80 init-addr libc,127.0.0.9
                    server s4 app.internal:80 resolvers dns
                """);
        assertTrue(r.valid(), r.diagnostics().toString());
        assertEquals(List.of(
                "parsing [t.cfg:17] : 'server be/s1' : could not resolve address 'later.internal', disabling server.",
                "parsing [t.cfg:19] : 'server be/s3' : could not resolve address 'later.internal', falling back to "
                        + "configured address."), messages(r, Diagnostic.Severity.WARNING));
        Config c = r.config();
        assertNull(c.hosts().find("later.internal"));
        assertEquals("127.0.0.5", c.hosts().find("app.internal").getHostAddress());
        assertEquals(List.of("parsing [t.cfg:17] : 'server be/s1' : could not resolve address 'later.internal'."),
                messages(parse(HEAD + "    server s1 later.internal:80\n"), Diagnostic.Severity.ALERT),
                "without resolvers nor init-addr none, HAProxy's default (last,libc) must resolve it");
    }

    @Test
    void a_template_is_its_servers_numbered_from_the_prefix() {
        Config c = valid(HEAD + """
                    server-template web 3 app.internal:8080 check resolvers dns init-addr none
                    server-template api 5-6 api.internal:9000 resolvers dns init-addr none weight 10
                    server-template srv 2 _http._tcp.app.internal resolvers dns
                """);
        List<Server> servers = c.backend("be").orElseThrow().servers();
        assertEquals(List.of("web1", "web2", "web3", "api5", "api6", "srv1", "srv2"),
                servers.stream().map(Server::name).toList());
        assertEquals(Address.inet("app.internal", 8080), servers.get(2).address());
        assertTrue(servers.get(2).check().enabled());
        assertEquals(10, servers.get(4).weight());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), servers.stream().map(Server::id).toList());
        assertEquals(Server.SAME_PORT, servers.get(5).address().port(), "an SRV record gives the port");
        assertFalse(parse(HEAD + "    server-template web 3-1 app.internal:80\n").valid());
    }

    @Test
    void a_changed_section_or_server_option_is_a_change_of_the_model() {
        Config a = valid(HEAD + "    server s1 app.internal:80 resolvers dns\n");
        Config same = valid(HEAD.replace("hold valid 500ms", "hold valid 500") + "\n\n    server s1 app.internal:80 "
                + "resolvers dns\n");
        assertEquals(a, same);
        Config b = valid(HEAD.replace("timeout resolve 300ms", "timeout resolve 1s")
                + "    server s1 app.internal:80 resolvers dns resolve-prefer ipv4\n");
        dev.bascule.config.diff.ConfigDiff d = dev.bascule.config.diff.ConfigDiff.between(a, b);
        assertEquals(List.of("resolvers dns"), d.sectionsChanged());
        assertEquals("Reload: ~server be/s1 (resolve-prefer ipv6 true -> false), ~resolvers dns", d.summary());
    }
}
