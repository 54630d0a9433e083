package dev.bascule.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bascule.core.ServerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page as a browser or a script fetches it from {@code listen stats}. */
class StatsPageTest {
    private TestProxy proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = TestProxy.start();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private String page(String options) {
        String response = TestProxy.get(proxy.stats, "/stats" + options);
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        return TestProxy.body(response);
    }

    /** The server names of the page's server rows, in order. */
    private static List<String> servers(String html) {
        List<String> names = new ArrayList<>();
        for (String line : html.split("\n")) {
            int box = line.indexOf("name=\"s\" value=\"");
            if (box >= 0) {
                int from = box + "name=\"s\" value=\"".length();
                names.add(line.substring(from, line.indexOf('"', from)));
            }
        }
        return names;
    }

    @Test
    void html_names_every_proxy_and_server() {
        String html = page("");
        assertTrue(html.startsWith("<!DOCTYPE html>\n"), html);
        assertTrue(html.contains("<title>Statistics Report for Bascule</title>"), html);
        for (String proxy : List.of("web", "app", "dead", "stats")) {
            assertTrue(html.contains("<table class=\"tbl\" id=\"" + proxy + "\">"), proxy);
        }
        assertEquals(List.of("s1", "s2", "off", "gone"), servers(html));
        assertTrue(html.endsWith("</body></html>\n"));
    }

    @Test
    void up_hides_the_servers_down_or_in_maintenance_not_the_unchecked_ones() throws InterruptedException {
        TestProxy.eventually(Duration.ofSeconds(3), () -> assertEquals("DOWN",
                StatsCsv.status(proxy.runtime.backend("dead").servers().get(0))));
        proxy.runtime.backend("app").servers().get(1).admin(ServerState.Admin.DRAIN);
        // HAProxy's ';up': "only servers which reportedly up or not checked"; a draining one still runs.
        assertEquals(List.of("s1", "s2"), servers(page(";up")));
    }

    @Test
    void csv_and_json_are_the_show_stat_rows() throws Exception {
        String csv = page(";csv");
        assertEquals("# " + String.join(",", StatsCsv.COLUMNS) + ",", csv.lines().findFirst().orElseThrow());
        JsonNode json = new ObjectMapper().readTree(page(";json"));
        assertEquals(9, json.size());
        assertEquals("dead", json.get(5).get("pxname").asText());
        assertEquals("gone", json.get(5).get("svname").asText());
        assertEquals("3", json.get(5).get("iid").asText());
    }

    @Test
    void the_admin_form_takes_the_backend_by_id_as_haproxys_page_sends_it() {
        String form = "s=s1&action=maint&b=%232";
        String response = TestProxy.request(proxy.stats, "POST /stats HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                + "\r\n\r\n" + form);
        assertTrue(response.startsWith("HTTP/1.1 303 "), response);
        assertTrue(response.contains("\r\nlocation: /stats;st=DONE\r\n"), response);
        assertEquals(ServerState.Admin.MAINT, proxy.runtime.backend("app").servers().get(0).admin());
    }
}
