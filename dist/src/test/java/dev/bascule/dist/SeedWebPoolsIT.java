package dev.bascule.dist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed articles' `mode http` web pools, run as written: only the listening port and the servers'
 * addresses are swapped for the test's own nginx servers. Real curl sends the traffic.
 */
class SeedWebPoolsIT {
    private static String seed(String name) throws Exception {
        Path seeds = Path.of(System.getProperty("bascule.shared", "../../shared")).resolve("configs/seeds");
        Assumptions.assumeTrue(Files.isDirectory(seeds), "SKIPPED: no seed configs at " + seeds);
        return Files.readString(seeds.resolve(name));
    }

    @Test
    void the_legacy_web_pool_spreads_requests_closes_connections_and_forwards_the_client_address() throws Exception {
        try (NginxServer web1 = NginxServer.start("WEB1"); NginxServer web2 = NginxServer.start("WEB2")) {
            int port = Ports.free();
            String cfg = seed("web-pool-legacy.cfg")
                    .replace("bind *:80", "bind 127.0.0.1:" + port)
                    .replace("127.168.1.189:81", "127.0.0.1:" + web1.port)
                    .replace("127.168.1.222:81", "127.0.0.1:" + web2.port);
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("seed-web-pool-legacy", cfg), port)) {
                Map<String, Integer> served = new HashMap<>();
                for (int i = 0; i < 6; i++) {
                    Curl.Reply r = Curl.run("http://127.0.0.1:" + port + "/");
                    assertEquals(200, r.status());
                    // option httpclose: the proxy tells the client it closes.
                    assertTrue(r.headers().toLowerCase().contains("connection: close"), r.headers());
                    served.merge(r.body().trim(), 1, Integer::sum);
                }
                assertEquals(Map.of("WEB1", 3, "WEB2", 3), served, "weight 3 each");
                assertEquals("127.0.0.1", Curl.run("http://127.0.0.1:" + port + "/xff").body().trim());
                // `stats uri /haproxy-stats` in defaults: the pool's own port answers it, the rest is forwarded.
                Curl.Reply csv = Curl.run("http://127.0.0.1:" + port + "/haproxy-stats;csv");
                assertEquals(200, csv.status());
                assertTrue(csv.body().contains("\npool1,WEB1,"), csv.body());
                // Seven requests went to the pool, all answered 200: HAProxy's req_tot and hrsp_2xx say so.
                assertEquals("7", column(csv.body(), "pool1,BACKEND,", "req_tot"));
                assertEquals("7", column(csv.body(), "pool1,BACKEND,", "hrsp_2xx"));
                assertEquals("0", column(csv.body(), "pool1,BACKEND,", "hrsp_5xx"));
                assertEquals("4", column(csv.body(), "pool1,WEB1,", "hrsp_2xx"), "WEB1 had 3 of the 6 and the /xff one");
                assertTrue(Curl.run("http://127.0.0.1:" + port + "/haproxy-stats").body().contains("WEB2"));
                assertTrue(Curl.run("http://127.0.0.1:" + port + "/").body().startsWith("WEB"));
            }
        }
    }

    /** A column of the CSV row starting with {@code rowStart}, by the header's name. */
    private static String column(String csv, String rowStart, String name) {
        String[] lines = csv.split("\n");
        int index = java.util.Arrays.asList(lines[0].substring(2).split(",")).indexOf(name);
        for (String line : lines) {
            if (line.startsWith(rowStart)) {
                return line.split(",", -1)[index];
            }
        }
        throw new AssertionError("no row " + rowStart + " in " + csv);
    }

    @Test
    void the_layer7_pool_keeps_connections_alive_and_follows_static_rr_weights() throws Exception {
        try (NginxServer rs01 = NginxServer.start("rs01"); NginxServer rs02 = NginxServer.start("rs02")) {
            int port = Ports.free();
            String cfg = seed("nginx-pool-l7.cfg")
                    .replace("listen xy102 0.0.0.0:80", "listen xy102 127.0.0.1:" + port)
                    .replace("127.168.60.30:80", "127.0.0.1:" + rs01.port)
                    .replace("127.168.60.40:80", "127.0.0.1:" + rs02.port);
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("seed-nginx-pool-l7", cfg), port)) {
                Map<String, Integer> served = new HashMap<>();
                String[] urls = new String[10];
                java.util.Arrays.fill(urls, "http://127.0.0.1:" + port + "/");
                // One curl, ten requests on one kept-alive connection, each balanced on its own.
                Process p = new ProcessBuilder(java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(Tools.require("curl"), "-s", "--max-time", "10"),
                        java.util.Arrays.stream(urls)).toList()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.waitFor());
                for (String line : out.trim().split("\n")) {
                    served.merge(line.trim(), 1, Integer::sum);
                }
                assertEquals(Map.of("rs01", 4, "rs02", 6), served, "static-rr weights 2:3");
            }
        }
    }
}
