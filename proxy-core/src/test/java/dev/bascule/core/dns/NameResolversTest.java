package dev.bascule.core.dns;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Resolvers;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.ServerDns;
import dev.bascule.config.model.Source;
import dev.bascule.core.BackendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.TestBackends;
import dev.bascule.core.dns.DnsAnswers.Rr;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state machine of run-time resolution on a clock of the test's: queries as the name servers would get them,
 * answers as they would write them, and what the servers of a backend become.
 */
class NameResolversTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** timeout resolve 1s, retry 200ms, 2 tries; hold nx 2s, timeout 3s, valid 10s, obsolete 0. */
    private static final Resolvers DNS = new Resolvers("dns", new Source("t.cfg", 1),
            List.of(new Resolvers.Nameserver("ns1", Address.inet("127.0.0.1", 5353), new Source("t.cfg", 2))), 2,
            1000, 200, new Resolvers.Hold(2000, 30_000, 30_000, 3000, 10_000, 0), 512);

    private final List<byte[]> sent = new ArrayList<>();
    private final NameResolvers section = new NameResolvers(DNS, q -> {
        sent.add(q);
        return 1;
    });
    private long now = 1_000_000 * MS;

    private static ServerState server(String name, String host, int port, boolean preferIpv6, String initial) {
        Server s = new Server(name, new Source("t.cfg", 3), Address.inet(host, port), 0, false, 1, 0, 0, false, false,
                null, ServerCheck.NONE, null, List.of(), new ServerDns("dns", preferIpv6, List.of("none"), false, false), null);
        InetAddress a = initial == null ? null : ServerDns.literal(initial);
        return new ServerState("be", s, a, a == null || port < 0 ? null : new java.net.InetSocketAddress(a, port),
                NioSocketChannel.class);
    }

    private static BackendState backend(ServerState... servers) {
        return TestBackends.roundRobin("be", servers);
    }

    private static List<Requester> follow(BackendState b) {
        return b.servers().stream().map(s -> (Requester) new ServerRequester(b, s, s.hostname(),
                s.config().dns().preferIpv6() ? DnsMessage.TYPE_AAAA : DnsMessage.TYPE_A)).toList();
    }

    private byte[] lastQuery() {
        return sent.get(sent.size() - 1);
    }

    private void answer(String... ips) {
        byte[] q = lastQuery();
        section.received("ns1", DnsAnswers.respond(q, 0, Arrays.stream(ips).map(ip -> Rr.a(DnsAnswers.name(q), ip))
                .toList(), List.of()), now);
    }

    private void answerRcode(int rcode) {
        section.received("ns1", DnsAnswers.respond(lastQuery(), rcode, List.of(), List.of()), now);
    }

    private static String ip(ServerState s) {
        return s.host() == null ? null : s.host().getHostAddress();
    }

    private void after(long ms) {
        now += ms * MS;
        section.wake(now);
    }

    @Test
    void a_template_spreads_over_the_addresses_and_the_rest_waits_in_resolution_maintenance() {
        ServerState w1 = server("web1", "app.test", 80, false, null);
        ServerState w2 = server("web2", "app.test", 80, false, null);
        ServerState w3 = server("web3", "app.test", 80, false, null);
        BackendState b = backend(w1, w2, w3);
        section.requesters(follow(b), now);
        section.wake(now);
        assertEquals(1, sent.size(), "one query for the three servers");
        assertEquals("app.test", DnsAnswers.name(lastQuery()));
        assertEquals(DnsMessage.TYPE_A, DnsAnswers.type(lastQuery()));
        assertFalse(w1.usable());
        answer("127.0.0.11", "127.0.0.12");
        assertEquals(Arrays.asList("127.0.0.11", "127.0.0.12", null), List.of(w1, w2, w3).stream()
                .map(NameResolversTest::ip).toList());
        assertTrue(w1.usable() && w2.usable());
        assertFalse(w3.usable(), "no address is left for the third");

        after(999);
        assertEquals(1, sent.size(), "nothing before timeout resolve");
        after(1);
        assertEquals(2, sent.size());
        answer("127.0.0.11", "127.0.0.13", "127.0.0.14");
        assertEquals(List.of("127.0.0.11", "127.0.0.13", "127.0.0.14"), List.of(w1, w2, w3).stream()
                .map(NameResolversTest::ip).toList(), "the first keeps its address, the second moves");

        after(1000);
        answer("127.0.0.14");
        assertEquals(Arrays.asList(null, null, "127.0.0.14"), List.of(w1, w2, w3).stream()
                .map(NameResolversTest::ip).toList(), "those whose address went enter resolution maintenance");
        assertFalse(w1.usable());
        assertTrue(w3.usable());
    }

    @Test
    void an_error_keeps_the_last_address_for_its_hold_period_then_the_server_goes_to_maintenance() {
        ServerState s = server("s1", "app.test", 80, false, null);
        BackendState b = backend(s);
        section.requesters(follow(b), now);
        section.wake(now);
        answer("127.0.0.21");
        assertEquals("127.0.0.21", ip(s));
        after(1000);
        answerRcode(DnsMessage.RCODE_NXDOMAIN);
        assertEquals(DnsMessage.TYPE_AAAA, DnsAnswers.type(lastQuery()), "an error tries the other type at once");
        answerRcode(DnsMessage.RCODE_NXDOMAIN);
        after(200);
        answerRcode(DnsMessage.RCODE_NXDOMAIN);
        answerRcode(DnsMessage.RCODE_NXDOMAIN);
        assertEquals("127.0.0.21", ip(s), "1.2 s after the last valid answer, within hold nx, the address holds");
        after(1000);
        answerRcode(DnsMessage.RCODE_NXDOMAIN);
        answerRcode(DnsMessage.RCODE_NXDOMAIN);
        after(200);
        answerRcode(DnsMessage.RCODE_NXDOMAIN);
        answerRcode(DnsMessage.RCODE_NXDOMAIN);
        assertNull(ip(s), "2.4 s after the last valid answer: hold nx (2 s) is over");
        assertFalse(s.usable());
        after(1000);
        answer("127.0.0.22");
        assertEquals("127.0.0.22", ip(s), "it comes back with the address the name has now");
        assertTrue(s.usable());
    }

    @Test
    void unanswered_queries_are_sent_again_then_time_out() {
        ServerState s = server("s1", "app.test", 80, true, "127.0.0.1");
        BackendState b = backend(s);
        section.requesters(follow(b), now);
        section.wake(now);
        assertEquals(DnsMessage.TYPE_AAAA, DnsAnswers.type(lastQuery()), "resolve-prefer ipv6 asks AAAA first");
        after(200);
        assertEquals(2, sent.size(), "timeout retry sends it again");
        after(200);
        assertEquals(2, sent.size(), "resolve_retries 2: no third query");
        assertNull(ip(s), "never answered: TIMEOUT, and no valid answer to hold");
        after(999);
        assertEquals(2, sent.size());
        after(1);
        assertEquals(3, sent.size(), "the next resolution comes timeout resolve after the last one ended");
    }

    @Test
    void a_name_with_only_a_records_is_found_after_the_preferred_aaaa_query() {
        ServerState s = server("s1", "app.test", 80, true, null);
        BackendState b = backend(s);
        section.requesters(follow(b), now);
        section.wake(now);
        answer();
        assertEquals(DnsMessage.TYPE_A, DnsAnswers.type(lastQuery()));
        answer("127.0.0.31");
        assertEquals("127.0.0.31", ip(s));
    }

    @Test
    void srv_records_fill_a_template_with_their_targets_ports_and_weights() {
        ServerState s1 = server("srv1", "_http._tcp.svc.test", -1, false, null);
        ServerState s2 = server("srv2", "_http._tcp.svc.test", -1, false, null);
        BackendState b = backend(s1, s2);
        section.requesters(List.of(new SrvRequest(section, b, List.of(s1, s2), "_http._tcp.svc.test")), now);
        section.wake(now);
        assertEquals(DnsMessage.TYPE_SRV, DnsAnswers.type(lastQuery()));
        byte[] q = lastQuery();
        section.received("ns1", DnsAnswers.respond(q, 0, List.of(Rr.srv("_http._tcp.svc.test", 512, 8082, "two.test"),
                Rr.srv("_http._tcp.svc.test", 100, 8081, "one.test")), List.of(Rr.a("two.test", "127.0.0.22"))), now);
        assertEquals("two.test", s1.hostname());
        assertEquals("127.0.0.22", ip(s1), "the additional record gives the address");
        assertEquals(8082, s1.port());
        assertEquals(2, s1.weight(), "(512 + 255) / 256");
        assertEquals("one.test", s2.hostname());
        assertNull(ip(s2), "no additional record: its target is resolved");
        section.wake(now);
        assertEquals("one.test", DnsAnswers.name(lastQuery()));
        answer("127.0.0.21");
        assertEquals("127.0.0.21", ip(s2));
        assertEquals(8081, s2.port());
        assertTrue(s2.usable());

        after(1000);
        byte[] again = sent.stream().filter(x -> DnsAnswers.type(x) == DnsMessage.TYPE_SRV)
                .reduce((x, y) -> y).orElseThrow();
        section.received("ns1", DnsAnswers.respond(again, 0, List.of(Rr.srv("_http._tcp.svc.test", 512, 8082,
                "two.test")), List.of(Rr.a("two.test", "127.0.0.22"))), now);
        assertNull(s2.hostname(), "its record went: the server is free again");
        assertNull(ip(s2));
        assertFalse(s2.usable());
        assertEquals("127.0.0.22", ip(s1));
    }

    @Test
    void a_response_nobody_asked_for_is_ignored() {
        ServerState s = server("s1", "app.test", 80, false, null);
        section.requesters(follow(backend(s)), now);
        section.wake(now);
        byte[] other = lastQuery().clone();
        other[1] ^= 1;
        section.received("ns1", DnsAnswers.respond(other, 0, List.of(Rr.a("app.test", "127.0.0.9")), List.of()), now);
        assertNull(ip(s));
    }
}
