package dev.bascule.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus (Debian's package, its own config and data directory in the test's work directory, on
 * loopback) scrapes Bascule's exporter every second while clients use it; then the PromQL of a typical HAProxy
 * dashboard, asked through Prometheus's HTTP API, must return the series the traffic and the config call for:
 * request rate per backend, 5xx ratio, servers up and down, queues, connect and response time averages, sessions
 * against their limits.
 */
class PrometheusIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static String config(int www, int down, int exporter, int nginx, int refused) {
        return """
                global
                    maxconn 1000
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend www
                    bind 127.0.0.1:%1$d
                    maxconn 200
                    default_backend app
                frontend down
                    bind 127.0.0.1:%2$d
                    default_backend down
                frontend prometheus
                    bind 127.0.0.1:%3$d
                    http-request use-service prometheus-exporter if { path /metrics }
                backend app
                    option httpchk GET /health
                    server s1 127.0.0.1:%4$d check inter 300
                    server s2 127.0.0.1:%4$d check inter 300
                backend down
                    server gone 127.0.0.1:%5$d check inter 200
                """.formatted(www, down, exporter, nginx, refused);
    }

    @Test
    void a_haproxy_dashboards_queries_return_bascules_series() throws Exception {
        String prometheus = Tools.require("prometheus");
        int www = Ports.free();
        int down = Ports.free();
        int exporter = Ports.free();
        int api = Ports.free();
        int refused = Ports.free();
        try (NginxServer nginx = NginxServer.start("prometheus");
             Bascule bascule = Bascule.serve(Bascule.writeConfig("prometheus", config(www, down, exporter,
                     nginx.port, refused)), www)) {
            Path dir = Bascule.workDir("prometheus");
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: bascule
                        metrics_path: /metrics
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(exporter));
            Path log = dir.resolve("prometheus.log");
            Process p = new ProcessBuilder(List.of(prometheus,
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + api))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread clients = new Thread(() -> {
                while (running.get()) {
                    get(www, "/");
                    get(down, "/");
                    get(www, "/page");
                    sleep(40);
                }
            });
            try {
                Processes.awaitListening(api, p, log);
                clients.start();
                // Long enough for rate() over 10 s windows to have several scrapes of traffic.
                awaitScrapes(api, 8);
                dashboard(api);
            } finally {
                running.set(false);
                clients.join(5000);
                Processes.stop(p);
            }
        }
    }

    /** The dashboard's panels, each a query and the series it must return. */
    private static void dashboard(int api) throws Exception {
        // Request rate per backend: both backends serve requests.
        Map<String, Double> rate = byLabel(api, "sum by (proxy) (rate(haproxy_backend_http_requests_total[10s]))",
                "proxy");
        assertEquals(List.of("app", "down"), List.copyOf(rate.keySet()), "request rate per backend");
        assertTrue(rate.get("app") > 0 && rate.get("down") > 0, "request rates: " + rate);
        // 5xx ratio: app answers 2xx only; down, with no server left, 503 only.
        Map<String, Double> errors = byLabel(api, "sum by (proxy) (rate(haproxy_backend_http_responses_total"
                + "{code=\"5xx\"}[10s])) / sum by (proxy) (rate(haproxy_backend_http_responses_total[10s]))", "proxy");
        assertEquals(Map.of("app", 0.0, "down", 1.0), errors, "5xx ratio per backend");
        // Servers up and down, as a status panel shows them.
        assertEquals(Map.of("s1", 1.0, "s2", 1.0), byLabel(api, "haproxy_server_status{state=\"UP\"} == 1",
                "server"), "servers UP");
        assertEquals(Map.of("gone", 1.0), byLabel(api, "haproxy_server_status{state=\"DOWN\"} == 1", "server"),
                "servers DOWN");
        assertEquals(Map.of("app", 2.0, "down", 0.0), byLabel(api, "haproxy_backend_active_servers", "proxy"),
                "active servers");
        assertEquals(Map.of("gone", 1.0), byLabel(api, "haproxy_server_check_status{state=\"L4CON\"} == 1",
                "server"), "last check of the DOWN server");
        // Queues: nothing waits (no server has a maxconn).
        assertEquals(Map.of("app", 0.0, "down", 0.0), byLabel(api, "max_over_time(haproxy_backend_current_queue[1m])",
                "proxy"), "backend queues");
        // Connect and response time averages: app's are measured (finite, small); down never connects.
        for (String phase : List.of("connect", "response", "total")) {
            Map<String, Double> avg = byLabel(api, "haproxy_backend_" + phase + "_time_average_seconds", "proxy");
            assertEquals(List.of("app", "down"), List.copyOf(avg.keySet()), phase + " time average");
            assertTrue(avg.get("app") >= 0 && avg.get("app") < 1, phase + " time average: " + avg);
            assertEquals(0.0, avg.get("down"), phase + " time average of a backend that never connected");
        }
        Map<String, Double> maxResponse = byLabel(api, "haproxy_server_max_response_time_seconds{proxy=\"app\"}",
                "server");
        assertEquals(List.of("s1", "s2"), List.copyOf(maxResponse.keySet()), "max response time per server");
        // Sessions against limits: the frontend's maxconn, the backend's fullconn (a tenth of the frontends').
        assertEquals(Map.of("www", 200.0), byLabel(api, "haproxy_frontend_limit_sessions{proxy=\"www\"}", "proxy"));
        Map<String, Double> use = byLabel(api, "haproxy_frontend_current_sessions / haproxy_frontend_limit_sessions",
                "proxy");
        assertTrue(use.containsKey("www") && use.get("www") >= 0 && use.get("www") <= 1, "sessions/limit: " + use);
        assertEquals(Map.of("app", 20.0), byLabel(api, "haproxy_backend_limit_sessions{proxy=\"app\"}", "proxy"));
        assertTrue(byLabel(api, "max_over_time(haproxy_frontend_max_sessions{proxy=\"www\"}[1m]) >= 1", "proxy")
                .containsKey("www"), "the frontend had sessions");
        // The process: up, its uptime advancing, its build.
        assertEquals(Map.of("bascule", 1.0), byLabel(api, "up", "job"));
        assertTrue(byLabel(api, "deriv(haproxy_process_uptime_seconds[10s]) > 0.5", "job").containsKey("bascule"),
                "uptime advances");
        assertEquals(1, byLabel(api, "haproxy_process_build_info", "version").size(), "build info");
    }

    /** Waits until Prometheus has scraped Bascule {@code n} times, successfully each time. */
    private static void awaitScrapes(int api, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Double> scrapes = byLabel(api, "count_over_time(up{job=\"bascule\"}[1m]) and "
                    + "min_over_time(up{job=\"bascule\"}[1m]) == 1", "job");
            if (scrapes.getOrDefault("bascule", 0.0) >= n) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus did not scrape Bascule " + n + " times in 60 s: " + query(api, "up"));
    }

    /** An instant query's result: each series' {@code label} -> its value, in label order. */
    private static Map<String, Double> byLabel(int api, String promql, String label) throws Exception {
        Map<String, Double> out = new TreeMap<>();
        for (JsonNode series : query(api, promql).path("data").path("result")) {
            out.put(series.path("metric").path(label).asText(), series.path("value").get(1).asDouble());
        }
        return out;
    }

    private static JsonNode query(int api, String promql) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(r.body());
        assertEquals("success", json.path("status").asText(), promql + ": " + r.body());
        return json;
    }

    private static void get(int port, String path) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // a request lost while the test ends: the queries judge what was served
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
