package dev.bascule.core.balance;

import dev.bascule.config.model.Balance;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleParser;
import dev.bascule.core.ServerState;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hashing algorithms end to end inside the balancer: key extraction, hash function, map or ring. */
class HashBalancerTest {
    private static Balance balance(String algorithm, List<String> args, String hashType, String function) {
        boolean byDefault = function.equals("default");
        String[] f = function.split(" ");
        boolean avalanche = byDefault ? hashType.equals("consistent") : f.length > 1;
        Balance b = new Balance(algorithm, args, hashType, byDefault ? "sdbm" : f[0], avalanche, 0);
        if (!algorithm.equals("hash")) {
            return b;
        }
        try {
            return b.withExpression(args, new SampleParser(PatternFiles.DISK).parse(args.get(0)));
        } catch (SampleException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static HashBalancer balancer(Balance b, List<ServerState> servers) {
        return new HashBalancer(new ServerPool(servers), false, HashKeys.of(b), b.consistent(), b.balanceFactor());
    }

    private static HttpRequest get(String uri, String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    /** The requests a real HAProxy 2.6 balanced with 'balance uri' (bench/haproxy-ground-truth.py). */
    @Test
    void balance_uri_sends_each_uri_where_haproxy_does() {
        for (String fixture : List.of("hash-map-based.tsv", "hash-consistent.tsv")) {
            List<String> expected = new ArrayList<>();
            List<String> actual = new ArrayList<>();
            Map<String, HashBalancer> balancers = new HashMap<>();
            for (String[] row : HashFunctionTest.fixture(fixture, "hash_type", "function", "weights", "uri",
                    "server")) {
                HashBalancer b = balancers.computeIfAbsent(row[0] + row[1] + row[2],
                        k -> balancer(balance("uri", List.of(), row[0], row[1]), HaproxyOrderTest.servers(row[2])));
                String key = row[0] + " " + row[1] + " " + row[2] + " " + row[3] + " -> ";
                expected.add(key + row[4]);
                actual.add(key + b.pick(null, null, get(row[3])).name());
            }
            assertEquals(expected, actual);
        }
    }

    @Test
    void uri_options_cut_the_key_as_haproxy() {
        assertEquals("/key/0", HashKeys.uri(get("/key/0?x=1"), List.of()));
        assertEquals("/key/0?x=1", HashKeys.uri(get("/key/0?x=1"), List.of("whole")));
        assertEquals("/a/b", HashKeys.uri(get("/a/b/c/d"), List.of("depth", "2")));
        assertEquals("/a/", HashKeys.uri(get("/a/b/c/d"), List.of("len", "3")));
        assertEquals("/p", HashKeys.uri(get("http://example.com/p?q"), List.of("path-only")));
    }

    @Test
    void url_param_and_header_keys() {
        assertEquals("42", HashKeys.urlParam("/x?a=1&userid=42&b=2", "userid"));
        assertEquals(null, HashKeys.urlParam("/x?useridx=42", "userid"));
        assertEquals(null, HashKeys.urlParam("/x", "userid"));
        assertEquals("1wt", HashKeys.header(get("/", "Host", "haproxy.1wt.eu:8080"), "host", true));
        assertEquals("haproxy.1wt.eu:8080", HashKeys.header(get("/", "Host", "haproxy.1wt.eu:8080"), "host", false));
    }

    @Test
    void a_request_without_the_key_is_balanced_round_robin() {
        HashBalancer b = balancer(balance("url_param", List.of("userid"), "map-based", "default"), HaproxyOrderTest.servers("1:1:1"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            names.add(b.pick(null, null, get("/no-param")).name());
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), names);
        String user = b.pick(null, null, get("/?userid=7")).name();
        for (int i = 0; i < 5; i++) {
            assertEquals(user, b.pick(null, null, get("/?userid=7&i=" + i)).name());
        }
    }

    @Test
    void hash_expression_lowercases_the_host() {
        HashBalancer b = balancer(balance("hash", List.of("req.hdr(host),lower"), "map-based", "default"),
                HaproxyOrderTest.servers("1:1:1:1"));
        for (String host : List.of("Example.COM", "www.test.org", "A.B")) {
            assertEquals(b.pick(null, null, get("/", "Host", host.toLowerCase())).name(),
                    b.pick(null, null, get("/other", "Host", host)).name(), host);
        }
    }

    @Test
    void hash_src_hashes_the_address_bytes() throws Exception {
        HashBalancer b = balancer(balance("hash", List.of("src"), "map-based", "default"), HaproxyOrderTest.servers("1:1:1"));
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("10.0.0.9"), 1234);
        int h = HashFunction.SDBM.hash(new byte[] {10, 0, 0, 9});
        assertEquals(String.valueOf((char) ('a' + Integer.remainderUnsigned(h, 3))),
                b.pick(null, client, null).name());
    }

    /**
     * hash-balance-factor 150: with the hashed server busy beyond 1.5 times its share, the next server on the
     * ring takes the request.
     */
    @Test
    void balance_factor_walks_past_an_overloaded_server() {
        List<ServerState> s = HaproxyOrderTest.servers("1:1:1:1");
        Balance b = balance("uri", List.of(), "consistent", "default").withBalanceFactor(150);
        HashBalancer hb = balancer(b, s);
        HttpRequest request = get("/key/0");
        ServerState first = hb.pick(null, null, request);
        assertTrue(first.tryTake());
        assertTrue(first.tryTake());
        // served: 2 on one server; (2 + 1) * 150% = 4.5 -> 5 slots over 4 weights: 1 each plus the remainder.
        ServerState next = hb.pick(null, null, request);
        assertNotEquals(first, next);
        first.release();
        first.release();
        assertEquals(first, hb.pick(null, null, request));
    }

    @Test
    void a_redispatch_avoids_the_server_on_the_ring() {
        List<ServerState> s = HaproxyOrderTest.servers("1:1:1");
        HashBalancer hb = balancer(balance("uri", List.of(), "consistent", "default"), s);
        ServerState first = hb.pick(null, null, get("/k"));
        assertNotEquals(first, hb.pick(first, null, get("/k")));
    }
}
