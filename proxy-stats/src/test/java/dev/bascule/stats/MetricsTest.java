package dev.bascule.stats;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exporter as a scraper sees it: HAProxy's metric names and labels, over HTTP. */
class MetricsTest {
    private static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start();
        for (String path : List.of("/a", "/b", "/missing")) {
            TestProxy.get(proxy.web, path);
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    private static List<String> scrape() {
        return scrape("/metrics");
    }

    private static List<String> scrape(String path) {
        String response = TestProxy.get(proxy.stats, path);
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertTrue(response.contains("content-type: text/plain; version=0.0.4; charset=utf-8\r\n"), response);
        return TestProxy.body(response).lines().toList();
    }

    private static void has(List<String> lines, String line) {
        assertTrue(lines.contains(line), () -> line + " not in\n" + String.join("\n", lines.stream()
                .filter(l -> l.startsWith(line.substring(0, line.indexOf('{') > 0 ? line.indexOf('{') : 10)))
                .toList()));
    }

    @Test
    void frontend_metrics_carry_haproxys_names() throws InterruptedException {
        TestProxy.eventually(Duration.ofSeconds(2), () -> {
            List<String> m = scrape();
            has(m, "haproxy_frontend_sessions_total{proxy=\"web\"} 3");
            has(m, "haproxy_frontend_http_requests_total{proxy=\"web\"} 3");
            has(m, "haproxy_frontend_http_responses_total{proxy=\"web\",code=\"2xx\"} 2");
            has(m, "haproxy_frontend_http_responses_total{proxy=\"web\",code=\"4xx\"} 1");
            has(m, "haproxy_frontend_current_sessions{proxy=\"web\"} 0");
            has(m, "haproxy_frontend_limit_session_rate{proxy=\"web\"} 0");
        });
    }

    @Test
    void backend_metrics_carry_haproxys_names() throws InterruptedException {
        TestProxy.eventually(Duration.ofSeconds(2), () -> {
            List<String> m = scrape();
            has(m, "haproxy_backend_sessions_total{proxy=\"app\"} 3");
            has(m, "haproxy_backend_http_responses_total{proxy=\"app\",code=\"2xx\"} 2");
            has(m, "haproxy_backend_active_servers{proxy=\"app\"} 2");
            has(m, "haproxy_backend_weight{proxy=\"app\"} 2");
            has(m, "haproxy_backend_current_queue{proxy=\"app\"} 0");
        });
    }

    @Test
    void server_metrics_carry_haproxys_names_and_states() throws InterruptedException {
        TestProxy.eventually(Duration.ofSeconds(3), () -> {
            List<String> m = scrape();
            has(m, "haproxy_server_sessions_total{proxy=\"app\",server=\"off\"} 0");
            has(m, "haproxy_server_weight{proxy=\"app\",server=\"s1\"} 1");
            // An unchecked server that takes traffic is UP for the exporter (the page says "no check").
            has(m, "haproxy_server_status{proxy=\"app\",server=\"s1\",state=\"UP\"} 1");
            has(m, "haproxy_server_status{proxy=\"app\",server=\"s2\",state=\"UP\"} 1");
            has(m, "haproxy_server_status{proxy=\"app\",server=\"off\",state=\"MAINT\"} 1");
            has(m, "haproxy_server_status{proxy=\"app\",server=\"off\",state=\"UP\"} 0");
            has(m, "haproxy_server_status{proxy=\"dead\",server=\"gone\",state=\"DOWN\"} 1");
            has(m, "haproxy_server_status{proxy=\"dead\",server=\"gone\",state=\"UP\"} 0");
            // HAProxy counts the failures that lowered the health only: one for fall 1, however many checks since.
            has(m, "haproxy_server_check_failures_total{proxy=\"dead\",server=\"gone\"} 1");
            has(m, "haproxy_server_check_status{proxy=\"dead\",server=\"gone\",state=\"L4CON\"} 1");
            has(m, "haproxy_server_check_status{proxy=\"dead\",server=\"gone\",state=\"L4OK\"} 0");
            has(m, "haproxy_server_check_up_down_total{proxy=\"dead\",server=\"gone\"} 1");
        });
    }

    @Test
    void a_client_that_closes_after_its_scrape_frees_its_connection() throws Exception {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), proxy.stats)) {
            s.setSoTimeout(3000);
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // Kept alive: the answer comes, then the client's FIN must close the connection, as HAProxy does.
            s.shutdownOutput();
            byte[] all = s.getInputStream().readAllBytes();
            assertTrue(new String(all, java.nio.charset.StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
        }
        dev.bascule.core.FrontendState stats = proxy.runtime.frontends().stream()
                .filter(f -> f.name().equals("stats")).findFirst().orElseThrow();
        TestProxy.eventually(Duration.ofSeconds(2), () -> assertEquals(0, stats.sessionsCurrent()));
    }

    @Test
    void a_drained_server_is_drain_only() throws InterruptedException {
        new RuntimeApi(proxy.runtime).execute("set server app/s2 state drain", RuntimeApi.Level.ADMIN);
        try {
            List<String> m = scrape();
            has(m, "haproxy_server_status{proxy=\"app\",server=\"s2\",state=\"DRAIN\"} 1");
            has(m, "haproxy_server_status{proxy=\"app\",server=\"s2\",state=\"UP\"} 0");
        } finally {
            new RuntimeApi(proxy.runtime).execute("set server app/s2 state ready", RuntimeApi.Level.ADMIN);
        }
    }

    /** The family names of the samples, in order of appearance. */
    private static java.util.Set<String> families(List<String> lines) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        lines.stream().filter(l -> l.startsWith("# TYPE ")).forEach(l -> names.add(l.split(" ")[2]));
        return names;
    }

    @Test
    void scope_limits_the_families_as_haproxys_query_parameter_does() {
        java.util.Set<String> backend = families(scrape("/metrics?scope=backend"));
        assertTrue(backend.contains("haproxy_backend_current_queue"), backend::toString);
        assertTrue(backend.stream().allMatch(n -> n.startsWith("haproxy_backend_")), backend::toString);
        java.util.Set<String> two = families(scrape("/metrics?scope=global&scope=server"));
        assertTrue(two.contains("haproxy_process_uptime_seconds") && two.contains("haproxy_server_check_status"));
        assertTrue(two.stream().allMatch(n -> n.startsWith("haproxy_process_") || n.startsWith("haproxy_server_")),
                two::toString);
        assertEquals(java.util.Set.of(), families(scrape("/metrics?scope=")), "an empty scope is none");
        assertTrue(TestProxy.get(proxy.stats, "/metrics?scope=nonsense").startsWith("HTTP/1.1 400 "));
    }

    @Test
    void no_maint_leaves_out_servers_in_maintenance() {
        assertTrue(scrape("/metrics?scope=server").stream().anyMatch(l -> l.contains("server=\"off\"")));
        List<String> m = scrape("/metrics?scope=server&no-maint");
        assertTrue(m.stream().noneMatch(l -> l.contains("server=\"off\"")), "off is disabled (MAINT)");
        assertTrue(m.stream().anyMatch(l -> l.contains("server=\"s2\"")));
    }

    @Test
    void each_family_is_announced_once_with_haproxys_help_and_type() {
        List<String> m = scrape();
        List<String> types = m.stream().filter(l -> l.startsWith("# TYPE ")).toList();
        assertEquals(types.size(), new java.util.HashSet<>(types).size(), "a TYPE line per family");
        has(m, "# HELP haproxy_frontend_http_responses_total Total number of HTTP responses with status 100-199 "
                + "returned by this object since the worker process started");
        has(m, "# TYPE haproxy_frontend_http_responses_total counter");
        has(m, "# HELP haproxy_backend_response_time_average_seconds Avg. response time for last 1024 successful "
                + "connections.");
        has(m, "# TYPE haproxy_server_check_status gauge");
    }

    @Test
    void bascules_own_histograms_cannot_collide_with_haproxys_families() {
        java.util.Set<String> all = families(scrape());
        assertTrue(all.contains("bascule_backend_connect_time_seconds"), all::toString);
        assertTrue(all.stream().filter(n -> !n.startsWith("haproxy_")).allMatch(n -> n.startsWith("bascule_")),
                all::toString);
        assertTrue(families(scrape("/metrics?scope=*")).contains("haproxy_process_build_info"));
    }
}
