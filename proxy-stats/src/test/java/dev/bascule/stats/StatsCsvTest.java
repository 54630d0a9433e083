package dev.bascule.stats;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsCsvTest {
    /** The header HAProxy 2.6.12 writes (measured: Debian's 2.6.12-1+deb12u4, show stat). */
    private static final String HEADER = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,"
            + "econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,"
            + "type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,"
            + "hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,"
            + "comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,"
            + "agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,"
            + "agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,"
            + "dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,"
            + "ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,"
            + "agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,"
            + "h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,"
            + "h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,"
            + "h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,"
            + "h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,"
            + "h1_spliced_bytes_in,h1_spliced_bytes_out,";

    private static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start();
        for (String path : List.of("/a", "/b", "/c", "/missing")) {
            TestProxy.get(proxy.web, path);
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    /** The CSV as rows keyed by pxname/svname, each a map column -> value read back by the header. */
    private static Map<String, Map<String, String>> parsed() {
        List<String> lines = StatsCsv.csv(proxy.runtime).lines().toList();
        List<String> columns = StatsCsv.split(lines.get(0).substring(2));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> values = StatsCsv.split(line);
            assertEquals(columns.size(), values.size(), line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                row.put(columns.get(i), values.get(i));
            }
            rows.put(row.get("pxname") + "/" + row.get("svname"), row);
        }
        return rows;
    }

    @Test
    void header_is_haproxys_in_its_order() {
        assertEquals(HEADER, StatsCsv.csv(proxy.runtime).lines().findFirst().orElseThrow());
        assertEquals(128, StatsCsv.COLUMNS.size());
    }

    @Test
    void rows_follow_declaration_order_frontend_servers_backend() {
        assertEquals(List.of("web/FRONTEND", "app/s1", "app/s2", "app/off", "app/BACKEND", "dead/gone",
                "dead/BACKEND", "stats/FRONTEND", "stats/BACKEND"), List.copyOf(parsed().keySet()));
    }

    @Test
    void proxy_ids_count_sections_in_declaration_order_and_server_ids_honour_id() {
        Map<String, Map<String, String>> rows = parsed();
        assertEquals("1", rows.get("web/FRONTEND").get("iid"));
        assertEquals("2", rows.get("app/BACKEND").get("iid"));
        assertEquals("3", rows.get("dead/gone").get("iid"));
        assertEquals("4", rows.get("stats/FRONTEND").get("iid"), "a listen section is one proxy, one id");
        assertEquals("4", rows.get("stats/BACKEND").get("iid"));
        assertEquals("7", rows.get("app/s1").get("sid"), "id 7");
        assertEquals("2", rows.get("app/s2").get("sid"), "HAProxy's counter moved on past s1's turn");
        assertEquals("3", rows.get("app/off").get("sid"));
        assertEquals("1", rows.get("dead/gone").get("sid"));
        assertEquals("0", rows.get("app/BACKEND").get("sid"));
        assertEquals("0", rows.get("web/FRONTEND").get("sid"));
        assertEquals(List.of("0", "2", "2", "2", "1"), List.of(rows.get("web/FRONTEND").get("type"),
                rows.get("app/s1").get("type"), rows.get("app/s2").get("type"), rows.get("app/off").get("type"),
                rows.get("app/BACKEND").get("type")));
    }

    @Test
    void status_words_are_haproxys() throws InterruptedException {
        TestProxy.eventually(Duration.ofSeconds(3), () -> assertEquals("DOWN", parsed().get("dead/gone").get("status")));
        Map<String, Map<String, String>> rows = parsed();
        assertEquals("OPEN", rows.get("web/FRONTEND").get("status"));
        assertEquals("no check", rows.get("app/s1").get("status"));
        assertEquals("MAINT", rows.get("app/off").get("status"));
        assertEquals("UP", rows.get("app/BACKEND").get("status"));
        assertEquals("DOWN", rows.get("dead/BACKEND").get("status"));
        assertEquals("L4CON", rows.get("dead/gone").get("check_status"));
        assertEquals("Layer4 connection problem", rows.get("dead/gone").get("check_desc"));
        assertEquals("1", rows.get("dead/gone").get("check_rise"));
        assertEquals("1", rows.get("dead/gone").get("check_fall"));
        assertEquals("0", rows.get("dead/gone").get("check_health"));
        assertEquals("", rows.get("app/s1").get("check_status"), "no check, no check columns");
    }

    @Test
    void counters_after_real_requests() throws InterruptedException {
        TestProxy.eventually(Duration.ofSeconds(2), () -> {
            Map<String, Map<String, String>> rows = parsed();
            Map<String, String> web = rows.get("web/FRONTEND");
            assertEquals("4", web.get("stot"), "one connection each");
            assertEquals("4", web.get("req_tot"));
            assertEquals("3", web.get("hrsp_2xx"));
            assertEquals("1", web.get("hrsp_4xx"));
            assertEquals("0", web.get("hrsp_5xx"));
            assertEquals("4", web.get("conn_tot"));
            Map<String, String> app = rows.get("app/BACKEND");
            assertEquals("4", app.get("stot"));
            assertEquals("4", app.get("lbtot"));
            assertEquals("4", app.get("req_tot"));
            assertEquals("3", app.get("hrsp_2xx"));
            assertEquals("1", app.get("hrsp_4xx"));
            assertEquals("2", rows.get("app/s1").get("stot"), "round robin over two servers");
            assertEquals("2", rows.get("app/s2").get("stot"));
            assertEquals("0", rows.get("app/off").get("stot"));
            // HAProxy 2.6.12 fills req_tot for servers too (measured), though its exporter has no metric for it.
            assertEquals("2", rows.get("app/s1").get("req_tot"));
            assertEquals("2", rows.get("app/BACKEND").get("act"), "s1 and s2 take traffic, off does not");
            assertEquals("2", rows.get("app/BACKEND").get("weight"));
            assertEquals("roundrobin", app.get("algo"));
            assertEquals("http", app.get("mode"));
            // HAProxy counts whole messages; Bascule's HTTP handler counts bodies only so far (4 x "hello\n").
            assertTrue(Long.parseLong(web.get("bout")) >= 24, web.toString());
        });
    }

    @Test
    void json_rows_have_the_csv_values() throws Exception {
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(StatsCsv.json(StatsCsv.rows(proxy.runtime)));
        assertEquals(9, tree.size());
        assertEquals("app", tree.get(1).get("pxname").asText());
        assertEquals("s1", tree.get(1).get("svname").asText());
        assertEquals("7", tree.get(1).get("sid").asText());
        assertEquals("MAINT", tree.get(3).get("status").asText());
    }

    @Test
    void typed_lines_name_object_ids_and_position() {
        String typed = StatsCsv.typed(StatsCsv.rows(proxy.runtime));
        assertTrue(typed.contains("S.2.7.1.svname.1:KNS:str:s1\n"), typed);
        assertTrue(typed.contains("F.1.0.17.status.1:SGP:str:OPEN\n"), typed);
        assertTrue(typed.contains("B.2.0.0.pxname.1:KNS:str:app\n"), typed);
    }
}
