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
        String response = TestProxy.get(proxy.stats, "/metrics");
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
            has(m, "haproxy_frontend_sessions_total{proxy=\"web\"} 3.0");
            has(m, "haproxy_frontend_http_requests_total{proxy=\"web\"} 3.0");
            has(m, "haproxy_frontend_http_responses_total{code=\"2xx\",proxy=\"web\"} 2.0");
            has(m, "haproxy_frontend_http_responses_total{code=\"4xx\",proxy=\"web\"} 1.0");
            has(m, "haproxy_frontend_current_sessions{proxy=\"web\"} 0.0");
            has(m, "haproxy_frontend_limit_session_rate{proxy=\"web\"} 0.0");
        });
    }

    @Test
    void backend_metrics_carry_haproxys_names() throws InterruptedException {
        TestProxy.eventually(Duration.ofSeconds(2), () -> {
            List<String> m = scrape();
            has(m, "haproxy_backend_sessions_total{proxy=\"app\"} 3.0");
            has(m, "haproxy_backend_http_responses_total{code=\"2xx\",proxy=\"app\"} 2.0");
            has(m, "haproxy_backend_active_servers{proxy=\"app\"} 2.0");
            has(m, "haproxy_backend_weight{proxy=\"app\"} 2.0");
            has(m, "haproxy_backend_current_queue{proxy=\"app\"} 0.0");
        });
    }

    @Test
    void server_metrics_carry_haproxys_names_and_states() throws InterruptedException {
        TestProxy.eventually(Duration.ofSeconds(3), () -> {
            List<String> m = scrape();
            has(m, "haproxy_server_sessions_total{proxy=\"app\",server=\"off\"} 0.0");
            has(m, "haproxy_server_weight{proxy=\"app\",server=\"s1\"} 1.0");
            // An unchecked server that takes traffic is UP for the exporter (the page says "no check").
            has(m, "haproxy_server_status{proxy=\"app\",server=\"s1\",state=\"UP\"} 1.0");
            has(m, "haproxy_server_status{proxy=\"app\",server=\"s2\",state=\"UP\"} 1.0");
            has(m, "haproxy_server_status{proxy=\"app\",server=\"off\",state=\"MAINT\"} 1.0");
            has(m, "haproxy_server_status{proxy=\"app\",server=\"off\",state=\"UP\"} 0.0");
            has(m, "haproxy_server_status{proxy=\"dead\",server=\"gone\",state=\"DOWN\"} 1.0");
            has(m, "haproxy_server_status{proxy=\"dead\",server=\"gone\",state=\"UP\"} 0.0");
            // (check_failures_total is left out: proxy-core counts the failures of a server already DOWN too,
            // where HAProxy counts those that took health down only; reported to the lead.)
            has(m, "haproxy_server_check_up_down_total{proxy=\"dead\",server=\"gone\"} 1.0");
        });
    }

    @Test
    void a_drained_server_is_drain_only() throws InterruptedException {
        new RuntimeApi(proxy.runtime).execute("set server app/s2 state drain", RuntimeApi.Level.ADMIN);
        try {
            List<String> m = scrape();
            has(m, "haproxy_server_status{proxy=\"app\",server=\"s2\",state=\"DRAIN\"} 1.0");
            has(m, "haproxy_server_status{proxy=\"app\",server=\"s2\",state=\"UP\"} 0.0");
        } finally {
            new RuntimeApi(proxy.runtime).execute("set server app/s2 state ready", RuntimeApi.Level.ADMIN);
        }
    }
}
