package dev.bascule.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed articles' `listen admin_stats` page, read with curl as an operator does, and the Prometheus
 * exporter scraped as a Prometheus server does.
 */
class StatsPageIT {
    @Test
    void admin_mode_applies_actions_posted_from_the_page_and_refuses_them_elsewhere() throws Exception {
        try (TestServer a = TestServer.start(TestServer.named("a"));
             TestServer b = TestServer.start(TestServer.named("b"))) {
            int admin = Ports.free();
            int readonly = Ports.free();
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("stats-admin", TcpProxyIT.config("""
                    listen stats
                        bind 127.0.0.1:%d
                        mode http
                        stats uri /stats
                        stats auth admin:secret
                        stats admin if LOCALHOST
                    listen viewer
                        bind 127.0.0.1:%d
                        mode http
                        stats uri /stats
                    listen web
                        bind 127.0.0.1:%d
                        server w1 127.0.0.1:%d
                        server w2 127.0.0.1:%d
                    """.formatted(admin, readonly, port, a.port(), b.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String page = Curl.run("-u", "admin:secret", "http://127.0.0.1:" + admin + "/stats").body();
                assertTrue(page.contains("<input type=\"checkbox\" name=\"s\" value=\"w1\">"), "admin form shown");
                Curl.Reply denied = Curl.run("-d", "s=w1&action=maint&b=web", "http://127.0.0.1:" + readonly + "/stats");
                assertEquals(303, denied.status());
                assertTrue(denied.headers().toLowerCase().contains("location: /stats;st=deny"), denied.headers());
                Curl.Reply done = Curl.run("-u", "admin:secret", "-d", "s=w1&action=maint&b=web",
                        "http://127.0.0.1:" + admin + "/stats");
                assertTrue(done.headers().toLowerCase().contains("location: /stats;st=done"), done.headers());
                for (int i = 0; i < 3; i++) {
                    assertEquals("b", TcpProxyIT.firstLine(port), "w1 is in maintenance");
                }
                assertTrue(Curl.run("-u", "admin:secret", "http://127.0.0.1:" + admin + "/stats;st=DONE").body()
                        .contains("Action processed successfully."));
                // HAProxy's own page posts the backend as '#<iid>': the same form works here.
                String iid = Curl.run("-u", "admin:secret", "http://127.0.0.1:" + admin + "/stats;csv").body()
                        .lines().filter(l -> l.startsWith("web,BACKEND,")).findFirst().orElseThrow().split(",")[27];
                Curl.Reply byId = Curl.run("-u", "admin:secret", "-d", "s=w1&action=ready&b=%23" + iid,
                        "http://127.0.0.1:" + admin + "/stats");
                assertTrue(byId.headers().toLowerCase().contains("location: /stats;st=done"), byId.headers());
                java.util.Set<String> served = new java.util.HashSet<>();
                for (int i = 0; i < 4; i++) {
                    served.add(TcpProxyIT.firstLine(port));
                }
                assertEquals(java.util.Set.of("a", "b"), served, "w1 is back");
            }
        }
    }

    @Test
    void a_chunked_admin_form_on_a_forwarding_proxy_is_read_like_any_other() throws Exception {
        int port = Ports.free();
        Path cfg = Bascule.writeConfig("stats-chunked", HttpModeIT.config("""
                listen web
                    bind 127.0.0.1:%d
                    stats uri /stats
                    stats admin if TRUE
                    server w1 127.0.0.1:%d
                    server w2 127.0.0.1:%d
                """.formatted(port, Ports.free(), Ports.free())));
        try (Bascule proxy = Bascule.serve(cfg, port)) {
            Curl.Reply done = Curl.run("-H", "Transfer-Encoding: chunked", "-d", "s=w1&action=maint&b=web",
                    "http://127.0.0.1:" + port + "/stats");
            assertTrue(done.headers().toLowerCase().contains("location: /stats;st=done"), done.headers());
            String csv = Curl.run("http://127.0.0.1:" + port + "/stats;csv").body();
            assertTrue(csv.lines().anyMatch(l -> l.startsWith("web,w1,") && l.contains(",MAINT,")), csv);
        }
    }

    @Test
    void an_operator_puts_a_server_in_maintenance_from_the_page_in_a_real_browser() throws Exception {
        String chromium = Tools.require("chromium");
        try (TestServer a = TestServer.start(TestServer.named("a"));
             TestServer b = TestServer.start(TestServer.named("b"))) {
            int stats = Ports.free();
            int port = Ports.free();
            int devtools = Ports.free();
            Path cfg = Bascule.writeConfig("stats-click", TcpProxyIT.config("""
                    listen stats
                        bind 127.0.0.1:%d
                        mode http
                        stats uri /stats
                        stats admin if TRUE
                    listen web
                        bind 127.0.0.1:%d
                        server w1 127.0.0.1:%d
                        server w2 127.0.0.1:%d
                    """.formatted(stats, port, a.port(), b.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                Process browser = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--remote-allow-origins=*",
                        "--remote-debugging-port=" + devtools,
                        "--user-data-dir=" + cfg.getParent().resolve("chromium-profile"),
                        "http://127.0.0.1:" + stats + "/stats")
                        .redirectErrorStream(true).redirectOutput(cfg.getParent().resolve("chromium.log").toFile())
                        .start();
                try {
                    DevTools page = DevTools.attach(devtools, "/stats");
                    page.waitFor("document.readyState === 'complete' && "
                            + "document.querySelector('input[name=s][value=w1]') !== null");
                    // What a person does: tick w1, choose "Set state to MAINT", press Apply.
                    page.evaluate("document.querySelector('input[name=s][value=w1]').checked = true;"
                            + "document.querySelector('select[name=action]').value = 'maint';"
                            + "document.querySelector('input[type=submit]').click(); 'clicked'");
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    String status = "";
                    while (System.nanoTime() < deadline && !status.equals("MAINT")) {
                        status = Curl.run("http://127.0.0.1:" + stats + "/stats;csv").body().lines()
                                .filter(l -> l.startsWith("web,w1,")).map(l -> l.split(",", -1)[17]).findFirst()
                                .orElse("");
                        Thread.sleep(100);
                    }
                    assertEquals("MAINT", status, "the click reached the proxy");
                    assertEquals("b", TcpProxyIT.firstLine(port));
                    page.close();
                } finally {
                    browser.destroy();
                    browser.waitFor(20, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void a_real_browser_renders_the_page() throws Exception {
        String chromium = Tools.require("chromium");
        try (TestServer a = TestServer.start(TestServer.named("a"))) {
            int stats = Ports.free();
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("stats-browser", TcpProxyIT.config("""
                    listen stats
                        bind 127.0.0.1:%d
                        mode http
                        stats enable
                        stats uri /
                    listen web
                        bind 127.0.0.1:%d
                        server w1 127.0.0.1:%d check inter 200
                        server w2 127.0.0.1:1 check inter 200 backup
                    """.formatted(stats, port, a.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                proxy.awaitLog("Server web/w2 is DOWN", 5000);
                Path shot = cfg.getParent().resolve("stats.png");
                Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--user-data-dir=" + cfg.getParent().resolve("chromium-profile"),
                        "--window-size=1400,800", "--screenshot=" + shot, "http://127.0.0.1:" + stats + "/")
                        .redirectErrorStream(true).redirectOutput(cfg.getParent().resolve("chromium.log").toFile())
                        .start();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium finished");
                assertTrue(Files.size(shot) > 10_000, "a rendered page, not a blank one: " + Files.size(shot) + " bytes");
            }
        }
    }

    @Test
    void the_stats_page_asks_for_credentials_and_shows_every_proxy() throws Exception {
        try (TestServer a = TestServer.start(TestServer.named("a"))) {
            int stats = Ports.free();
            int port = Ports.free();
            int metrics = Ports.free();
            Path cfg = Bascule.writeConfig("stats", TcpProxyIT.config("""
                    listen admin_stats
                        bind 127.0.0.1:%d
                        mode http
                        stats refresh 30s
                        stats uri /stats
                        stats realm Haproxy\\ Manager
                        stats auth admin:admin
                    frontend prometheus
                        bind 127.0.0.1:%d
                        mode http
                        http-request use-service prometheus-exporter if { path /metrics }
                    listen logservers
                        bind 127.0.0.1:%d
                        server t1 127.0.0.1:%d check inter 200
                    """.formatted(stats, metrics, port, a.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                for (int i = 0; i < 2; i++) {
                    assertEquals("a", TcpProxyIT.firstLine(port));
                }
                String url = "http://127.0.0.1:" + stats + "/stats";
                Curl.Reply none = Curl.run(url);
                assertEquals(401, none.status());
                // Header names are case-insensitive; Netty writes them in lower case.
                assertTrue(none.headers().toLowerCase().contains("www-authenticate: basic realm=\"haproxy manager\""),
                        none.headers());
                assertEquals(401, Curl.run("-u", "admin:wrong", url).status());

                Curl.Reply page = Curl.run("-u", "admin:admin", url);
                assertEquals(200, page.status());
                assertTrue(page.body().contains("<meta http-equiv=\"refresh\" content=\"30\">"), "stats refresh 30s");
                assertTrue(page.body().contains("<th class=\"pxname\" colspan=\"31\">logservers</th>"), page.body());
                assertTrue(page.body().contains("<tr class=\"active_up\"><td class=\"ac\">t1</td>"), page.body());
                assertTrue(page.body().contains("L4OK in "), "last check shown");
                Files.writeString(Bascule.workDir("stats-page").resolve("stats.html"), page.body());

                String csv = Curl.run("-u", "admin:admin", url + ";csv").body();
                List<String> t1 = csv.lines().filter(l -> l.startsWith("logservers,t1,")).findFirst()
                        .map(l -> Arrays.asList(l.split(",", -1))).orElseThrow();
                assertEquals("2", t1.get(7), "stot after two connections");
                assertEquals("UP", t1.get(17));
                JsonNode json = new ObjectMapper().readTree(Curl.run("-u", "admin:admin", url + ";json").body());
                assertTrue(json.isArray() && json.size() >= 5);
                assertEquals(503, Curl.run("-u", "admin:admin", "http://127.0.0.1:" + stats + "/elsewhere").status());
                assertTrue(!Curl.run("-u", "admin:admin", url + ";norefresh").body().contains("http-equiv=\"refresh\""));

                Curl.Reply scrape = Curl.run("http://127.0.0.1:" + metrics + "/metrics");
                assertEquals(200, scrape.status());
                assertTrue(scrape.headers().contains("text/plain; version=0.0.4"), scrape.headers());
                assertTrue(scrape.body().contains("haproxy_server_status{proxy=\"logservers\",server=\"t1\",state=\"UP\"} 1"),
                        scrape.body());
                assertTrue(scrape.body().contains("haproxy_server_sessions_total{proxy=\"logservers\",server=\"t1\"} 2"),
                        scrape.body());
                assertTrue(scrape.body().contains("haproxy_frontend_current_sessions{proxy=\"logservers\"}"));
                // Timings as histograms, which HAProxy's own exporter lacks, under Bascule's own names.
                assertTrue(scrape.body().contains("bascule_backend_connect_time_seconds_count{proxy=\"logservers\"} 2"),
                        scrape.body());
                assertTrue(scrape.body().contains("bascule_backend_total_time_seconds_bucket{proxy=\"logservers\",le="),
                        scrape.body());
            }
        }
    }

    /** The page's CSV as HAProxy's tools read it, by column name: "proxy/svname" -> column -> value. */
    static Map<String, Map<String, String>> csv(String csv) {
        List<String> lines = csv.lines().toList();
        List<String> columns = Arrays.asList(lines.get(0).substring(2).split(",", -1));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> values = Arrays.asList(line.split(",", -1));
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size() && i < values.size(); i++) {
                row.put(columns.get(i), values.get(i));
            }
            rows.put(row.get("pxname") + "/" + row.get("svname"), row);
        }
        return rows;
    }

    private static void assertBetween(long min, long max, String value, String what) {
        long v = Long.parseLong(value);
        assertTrue(v >= min && v <= max, what + " = " + v + ", expected " + min + ".." + max);
    }

    /**
     * Three requests on one connection: one session (so a busiest second of exactly one session, however
     * slow the machine), three requests and three server sessions spread over one second or more.
     */
    @Test
    void session_connection_and_request_rates_in_every_format() throws Exception {
        try (NginxServer web = NginxServer.start("web-rates")) {
            int stats = Ports.free();
            int port = Ports.free();
            int metrics = Ports.free();
            Path cfg = Bascule.writeConfig("stats-rates", TcpProxyIT.config("""
                    listen stats
                        bind 127.0.0.1:%d
                        mode http
                        stats uri /stats
                    frontend prometheus
                        bind 127.0.0.1:%d
                        mode http
                        http-request use-service prometheus-exporter if { path /metrics }
                    listen web
                        bind 127.0.0.1:%d
                        mode http
                        server a 127.0.0.1:%d
                    """.formatted(stats, metrics, port, web.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String url = "http://127.0.0.1:" + port + "/";
                assertEquals(200, Curl.run(url, url, url).status());

                Map<String, Map<String, String>> rows = csv(Curl.run("http://127.0.0.1:" + stats + "/stats;csv").body());
                Map<String, String> fe = rows.get("web/FRONTEND");
                assertEquals("1", fe.get("stot"));
                assertEquals("1", fe.get("rate_max"), "one session");
                assertEquals("1", fe.get("conn_rate_max"), "one connection");
                assertBetween(0, 1, fe.get("rate"), "rate");
                assertBetween(0, 1, fe.get("conn_rate"), "conn_rate");
                assertEquals("0", fe.get("rate_lim"), "no rate-limit sessions, written 0 as HAProxy does");
                assertEquals("3", fe.get("req_tot"));
                assertBetween(1, 3, fe.get("req_rate_max"), "req_rate_max");
                assertBetween(0, 3, fe.get("req_rate"), "req_rate");
                Map<String, String> server = rows.get("web/a");
                assertBetween(1, 3, server.get("rate_max"), "server rate_max: a session per request");
                assertBetween(0, 3, server.get("rate"), "server rate");
                assertEquals("", server.get("rate_lim"));
                Map<String, String> be = rows.get("web/BACKEND");
                assertBetween(1, 3, be.get("rate_max"), "backend rate_max");
                assertEquals("", be.get("req_rate"), "req_rate is a frontend column");
                assertBetween(1, Long.MAX_VALUE, rows.get("stats/FRONTEND").get("rate_max"), "the page's own session");

                JsonNode json = new ObjectMapper().readTree(Curl.run("http://127.0.0.1:" + stats + "/stats;json").body());
                JsonNode jsonFe = null;
                for (JsonNode row : json) {
                    if (row.get("pxname").asText().equals("web") && row.get("svname").asText().equals("FRONTEND")) {
                        jsonFe = row;
                    }
                }
                assertEquals("1", jsonFe.get("conn_rate_max").asText(), json.toString());

                assertTrue(Curl.run("http://127.0.0.1:" + stats + "/stats;typed").body().lines()
                        .anyMatch(l -> l.equals("F.3.0.78.conn_rate_max.1:MMP:u32:1")), "typed output, as HAProxy's");

                String page = Curl.run("http://127.0.0.1:" + stats + "/stats").body();
                String table = page.substring(page.indexOf("<table class=\"tbl\" id=\"web\">"));
                // Queue (empty for a frontend), then Session rate: Cur, Max, Limit ("-": none).
                assertTrue(table.matches("(?s).*<tr class=\"frontend\"><td class=\"ac\">FRONTEND</td>"
                        + "<td></td><td></td><td></td><td>[01]</td><td>1</td><td>-</td>.*"), table);

                String scrape = Curl.run("http://127.0.0.1:" + metrics + "/metrics").body();
                // HAProxy 2.6's exporter has the maxima only (no *_current_session_rate but the process's).
                for (String metric : List.of("haproxy_frontend_max_session_rate{proxy=\"web\"} 1",
                        "haproxy_frontend_connections_rate_max{proxy=\"web\"} 1",
                        "haproxy_frontend_limit_session_rate{proxy=\"web\"} 0",
                        "haproxy_frontend_http_requests_rate_max{proxy=\"web\"} ",
                        "haproxy_backend_max_session_rate{proxy=\"web\"} ",
                        "haproxy_server_max_session_rate{proxy=\"web\",server=\"a\"} ",
                        "haproxy_process_current_connection_rate ", "haproxy_process_max_connection_rate ",
                        "haproxy_process_current_session_rate ", "haproxy_process_max_session_rate ")) {
                    assertTrue(scrape.contains(metric), metric + " in\n" + scrape);
                }
            }
        }
    }

    @Test
    void scope_legends_node_and_description_shape_the_page() throws Exception {
        try (TestServer a = TestServer.start(TestServer.named("a"))) {
            int scoped = Ports.free();
            int named = Ports.free();
            int port = Ports.free();
            int other = Ports.free();
            Path cfg = Bascule.writeConfig("stats-scope", """
                    global
                        node lb-paris-1
                        description Paris edge, rack 3
                    defaults
                        mode tcp
                        timeout connect 2s
                        timeout client 30s
                        timeout server 30s
                    listen stats
                        bind 127.0.0.1:%d
                        mode http
                        stats uri /stats
                        stats scope .
                        stats scope web
                        stats show-legends
                        stats show-node
                        stats show-desc
                    listen named
                        bind 127.0.0.1:%d
                        mode http
                        stats uri /
                        stats show-node edge-7
                        stats show-desc Edge seven
                    listen web
                        bind 127.0.0.1:%d
                        server w1 127.0.0.1:%d
                    listen other
                        bind 127.0.0.1:%d
                        server o1 127.0.0.1:%d
                    """.formatted(scoped, named, port, a.port(), other, a.port()));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String url = "http://127.0.0.1:" + scoped + "/stats";
                String page = Curl.run(url).body();
                assertTrue(page.contains("<title>Statistics Report for Bascule on lb-paris-1</title>"), page);
                assertTrue(page.contains(" on lb-paris-1: Paris edge, rack 3</h2>"), page);
                assertTrue(page.contains("id=\"stats\"") && page.contains("id=\"web\""), "'.' and 'web' in scope");
                assertTrue(!page.contains("id=\"named\"") && !page.contains("id=\"other\""), page);
                assertTrue(page.contains("<u>stats<div class=\"tips\">cap: listen, mode: http, id: 1</div></u>"), page);
                assertTrue(page.contains("<u>web<div class=\"tips\">cap: listen, mode: tcp, id: 3</div></u>"), page);
                assertTrue(page.contains("<u>w1<div class=\"tips\">IPv4: 127.0.0.1:" + a.port() + ", id: 1</div></u>"),
                        page);
                assertTrue(page.contains("<u>BACKEND<div class=\"tips\">balancing: roundrobin</div></u>"), page);
                assertEquals(List.of("stats/FRONTEND", "stats/BACKEND", "web/FRONTEND", "web/w1", "web/BACKEND"),
                        List.copyOf(csv(Curl.run(url + ";csv").body()).keySet()));
                JsonNode json = new ObjectMapper().readTree(Curl.run(url + ";json").body());
                assertEquals(5, json.size(), json.toString());
                assertEquals("3", json.get(2).get("iid").asText(), "ids are those of the whole configuration");

                String all = Curl.run("http://127.0.0.1:" + named + "/").body();
                assertTrue(all.contains(" on edge-7: Edge seven</h2>"), all);
                assertTrue(all.contains("id=\"other\"") && all.contains("id=\"named\""), "no scope: every proxy");
                assertTrue(!all.contains("class=\"tips\">"), "no legends without show-legends");
            }
        }
    }

    /** HAProxy serves a backend's page to the requests that reach it, with the backend's own settings. */
    @Test
    void a_backends_stats_lines_serve_its_page_to_the_requests_routed_to_it() throws Exception {
        try (NginxServer web = NginxServer.start("web-be-stats")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("stats-backend", """
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 10s
                        timeout server 10s
                    frontend www
                        bind 127.0.0.1:%d
                        default_backend app
                    backend app
                        stats uri /admin?stats
                        stats realm App
                        stats auth ops:secret
                        stats scope .
                        server a 127.0.0.1:%d
                    """.formatted(port, web.port));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String url = "http://127.0.0.1:" + port;
                assertEquals("web-be-stats", Curl.run(url + "/").body().trim(), "other requests reach the server");
                Curl.Reply none = Curl.run(url + "/admin?stats");
                assertEquals(401, none.status());
                assertTrue(none.headers().toLowerCase().contains("www-authenticate: basic realm=\"app\""),
                        none.headers());
                String page = Curl.run("-u", "ops:secret", url + "/admin?stats").body();
                assertTrue(page.contains("id=\"app\"") && !page.contains("id=\"www\""), "'.' is the backend: " + page);
                assertEquals(List.of("app/a", "app/BACKEND"),
                        List.copyOf(csv(Curl.run("-u", "ops:secret", url + "/admin?stats;csv").body()).keySet()));
                assertEquals("web-be-stats", Curl.run(url + "/").body().trim());
            }
        }
    }
}
