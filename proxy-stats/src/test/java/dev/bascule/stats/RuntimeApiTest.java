package dev.bascule.stats;

import dev.bascule.core.ReloadPlan;
import dev.bascule.stats.RuntimeApi.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeApiTest {
    private TestProxy proxy;
    private RuntimeApi api;

    @BeforeEach
    void start() throws Exception {
        proxy = TestProxy.start();
        api = new RuntimeApi(proxy.runtime);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private String admin(String command) {
        return api.execute(command, Level.ADMIN);
    }

    /** {@code show servers state} lines after the header, each split, srv_time_since_last_change blanked. */
    private List<List<String>> serversState(String command) {
        List<String> lines = admin(command).lines().toList();
        List<List<String>> out = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
            List<String> c = new ArrayList<>(Arrays.asList(line.split(" ")));
            assertEquals(dev.bascule.core.state.ServerStateFormat.COLUMNS.size(), c.size(), line);
            c.set(9, "t");
            out.add(c);
        }
        return out;
    }

    private static List<String> split(String line) {
        return Arrays.asList(line.split(" "));
    }

    @Test
    void help_lists_the_commands() {
        String help = api.execute("help", Level.USER);
        assertTrue(help.startsWith("The following commands are valid at this level:\n"), help);
        assertTrue(help.contains("  show servers state [<backend>]          : dump volatile server information\n"));
        assertTrue(api.execute("frobnicate", Level.ADMIN)
                .startsWith("Unknown command. Please enter one of the following commands only :\n"));
    }

    /** The fields of HAProxy 2.6.12's show info, in its order (measured, without an unset description). */
    private static final List<String> HAPROXY_INFO = List.of(
            "Name", "Version", "Release_date", "Nbthread", "Nbproc", "Process_num", "Pid", "Uptime", "Uptime_sec",
            "Memmax_MB", "PoolAlloc_MB", "PoolUsed_MB", "PoolFailed", "Ulimit-n", "Maxsock", "Maxconn",
            "Hard_maxconn", "CurrConns", "CumConns", "CumReq", "MaxSslConns", "CurrSslConns", "CumSslConns",
            "Maxpipes", "PipesUsed", "PipesFree", "ConnRate", "ConnRateLimit", "MaxConnRate", "SessRate",
            "SessRateLimit", "MaxSessRate", "SslRate", "SslRateLimit", "MaxSslRate", "SslFrontendKeyRate",
            "SslFrontendMaxKeyRate", "SslFrontendSessionReuse_pct", "SslBackendKeyRate", "SslBackendMaxKeyRate",
            "SslCacheLookups", "SslCacheMisses", "CompressBpsIn", "CompressBpsOut", "CompressBpsRateLim", "Tasks",
            "Run_queue", "Idle_pct", "node", "Stopping", "Jobs", "Unstoppable Jobs", "Listeners", "ActivePeers",
            "ConnectedPeers", "DroppedLogs", "BusyPolling", "FailedResolutions", "TotalBytesOut",
            "TotalSplicdedBytesOut", "BytesOutRate", "DebugCommandsIssued", "CumRecvLogs", "Build info",
            "Memmax_bytes", "PoolAlloc_bytes", "PoolUsed_bytes", "Start_time_sec", "Tainted");

    @Test
    void show_info_has_haproxys_fields_in_its_order_then_bascules() {
        List<String> names = api.execute("show info", Level.USER).lines().filter(l -> l.contains(": "))
                .map(l -> l.substring(0, l.indexOf(": "))).toList();
        assertEquals(HAPROXY_INFO, names.subList(0, HAPROXY_INFO.size()));
        assertEquals(List.of("Last_reload_us", "Last_reload_cpu_us"), names.subList(HAPROXY_INFO.size(),
                names.size()));
    }

    @Test
    void show_info_names_the_process() {
        List<String> info = api.execute("show info", Level.USER).lines().toList();
        assertEquals("Name: Bascule", info.get(0));
        assertEquals("Nbthread: 1", info.get(3));
        // HAProxy's order: Nbproc and Process_num come before the pid.
        assertEquals("Pid: " + ProcessHandle.current().pid(), info.get(6));
        assertTrue(info.contains("CurrConns: 0"), info.toString());
        assertTrue(info.contains("CumConns: 0"), info.toString());
    }

    @Test
    void show_stat_is_the_csv_and_its_json_and_typed_forms() throws Exception {
        assertEquals(StatsCsv.COLUMNS, StatsCsv.split(api.execute("show stat", Level.USER).lines().findFirst()
                .orElseThrow().substring(2)).subList(0, StatsCsv.COLUMNS.size()));
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(api.execute("show stat json", Level.USER));
        assertEquals("web", json.get(0).get("pxname").asText());
        assertTrue(api.execute("show stat typed", Level.USER).startsWith("F.1.0.0.pxname.1:KNS:str:web\n"));
    }

    @Test
    void show_servers_state_header_is_haproxys_format_1() {
        List<String> lines = admin("show servers state").lines().toList();
        assertEquals("1", lines.get(0));
        assertEquals("# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight "
                + "srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state "
                + "srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl "
                + "srv_check_port srv_check_addr srv_agent_addr srv_agent_port", lines.get(1));
        assertEquals(6, lines.size(), "one line per server of app and dead");
    }

    @Test
    void show_servers_state_numbers_as_show_stat_does_and_says_which_ids_were_forced() {
        List<List<String>> lines = serversState("show servers state app");
        Map<String, Map<String, String>> csv = new java.util.HashMap<>();
        StatsCsv.rows(proxy.runtime).forEach(r -> csv.put(r.get("pxname") + "/" + r.get("svname"), r));
        for (List<String> l : lines) {
            Map<String, String> row = csv.get(l.get(1) + "/" + l.get(3));
            assertEquals(row.get("iid"), l.get(0), l.toString());
            assertEquals(row.get("sid"), l.get(2), l.toString());
        }
        String port = String.valueOf(proxy.runtime.backend("app").servers().get(0).address().port());
        assertEquals(split("2 app 7 s1 127.0.0.1 2 0 1 1 t 0 0 " + health("s1") + " 0 0 0 1 - " + port
                + " - 0 0 - - 0"), lines.get(0), "s1 has 'id 7'");
        assertEquals(split("2 app 2 s2 127.0.0.1 2 0 1 1 t 0 0 " + health("s2") + " 0 0 0 0 - " + port
                + " - 0 0 - - 0"), lines.get(1), "s2 is 2, as HAProxy numbers it after an 'id 7' first");
        assertEquals(split("2 app 3 off 127.0.0.1 0 5 1 1 t 0 0 " + health("off") + " 0 0 0 0 - " + port
                + " - 0 0 - - 0"), lines.get(2), "disabled: forced and configured maintenance (0x01|0x04)");
    }

    private String health(String server) {
        return String.valueOf(proxy.runtime.backend("app").servers().stream().filter(s -> s.name().equals(server))
                .findFirst().orElseThrow().health().counter());
    }

    @Test
    void show_servers_state_reports_a_failed_check() throws InterruptedException {
        TestProxy.eventually(Duration.ofSeconds(3), () -> {
            List<String> gone = serversState("show servers state dead").get(0);
            // L4CON (8), CHK_RES_FAILED (2), health 0, CHK_ST_CONFIGURED|CHK_ST_ENABLED (6)
            assertEquals(List.of("3", "dead", "1", "gone", "127.0.0.1", "0", "0", "1", "1", "t", "8", "2", "0", "6"),
                    gone.subList(0, 14));
        });
        assertEquals("Can't find backend.\n", admin("show servers state nope"));
        assertEquals(serversState("show servers state dead"), serversState("show servers state #3"),
                "a backend by its id, as HAProxy takes it");
        assertEquals("Can't find backend.\n", admin("show servers state #42"));
    }

    @Test
    void set_server_state_and_weight_show_in_both_outputs() {
        assertEquals("", admin("set server app/s1 state drain"));
        assertEquals("", admin("set server app/s2 weight 50%"));
        assertEquals("", admin("set server app/off state ready"));
        List<List<String>> lines = serversState("show servers state app");
        assertEquals(List.of("2", "8", "1", "1"), List.of(lines.get(0).get(5), lines.get(0).get(6),
                lines.get(0).get(7), lines.get(0).get(8)), "drain is SRV_ADMF_FDRAIN (0x08)");
        assertEquals(List.of("2", "0", "0", "1"), List.of(lines.get(1).get(5), lines.get(1).get(6),
                lines.get(1).get(7), lines.get(1).get(8)), "50% of 1 is 0");
        assertEquals(List.of("2", "4"), List.of(lines.get(2).get(5), lines.get(2).get(6)),
                "ready again, still maintenance by configuration");
        assertEquals("DRAIN", status("s1"));
        assertEquals("no check", status("off"));
        assertEquals("0 (initial 1)\n", admin("get weight app/s2"));
        assertEquals("", admin("set weight app/s2 3"));
        assertEquals("3 (initial 1)\n", admin("get weight app/s2"));
        assertEquals("Weight value must be between 0 and 256.\n", admin("set server app/s2 weight 257"));
        assertEquals("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n",
                admin("set server app/s2 state sleepy"));
        assertEquals("Require an integer value.\n", admin("set weight app/s2 heavy"));
    }

    @Test
    void set_server_addr_moves_the_server_as_haproxy_answers() {
        String port = StatsCsv.rows(proxy.runtime).stream().filter(r -> r.get("svname").equals("s2")).findFirst()
                .orElseThrow().get("addr").replaceAll(".*:", "");
        assertEquals("IP changed from '127.0.0.1' to '127.0.0.2' by 'stats socket command'\n",
                admin("set server app/s2 addr 127.0.0.2"));
        assertEquals("127.0.0.2:" + port, row("s2").get("addr"), "the stats show the address in use");
        assertEquals("no need to change the addr, port changed from '" + port + "' to '9' by 'stats socket "
                + "command'\n", admin("set server app/s2 addr 127.0.0.2 port 9"));
        assertEquals("127.0.0.2:9", row("s2").get("addr"));
        assertEquals("127.0.0.2", serversState("show servers state app").get(1).get(4));
        assertEquals("Invalid addr 'somewhere' by 'stats socket command'\n",
                admin("set server app/s2 addr somewhere"));
        assertEquals("problem converting port 'x' to an int by 'stats socket command'\n",
                admin("set server app/s2 addr 127.0.0.3 port x"));
        assertEquals("Permission denied\n", api.execute("set server app/s2 addr 127.0.0.3", Level.OPERATOR));
    }

    private Map<String, String> row(String server) {
        return StatsCsv.rows(proxy.runtime).stream().filter(r -> r.get("svname").equals(server)).findFirst()
                .orElseThrow();
    }

    private String status(String server) {
        return StatsCsv.rows(proxy.runtime).stream().filter(r -> r.get("svname").equals(server)).findFirst()
                .orElseThrow().get("status");
    }

    @Test
    void disable_and_enable_server_toggle_maintenance() {
        assertEquals("", admin("disable server app/s1"));
        assertEquals("MAINT", status("s1"));
        assertEquals(List.of("0", "1"), serversState("show servers state app").get(0).subList(5, 7));
        assertEquals("", admin("enable server app/s1"));
        assertEquals("no check", status("s1"));
        assertEquals(List.of("2", "0"), serversState("show servers state app").get(0).subList(5, 7));
        assertEquals("No such server.\n", admin("disable server app/zz"));
        assertEquals("No such backend.\n", admin("disable server nope/s1"));
        assertEquals("Require 'backend/server'.\n", admin("disable server s1"));
    }

    @Test
    void disable_health_leaves_the_check_configured_but_not_enabled() {
        assertEquals("", admin("disable health dead/gone"));
        // CHK_ST_CONFIGURED without CHK_ST_ENABLED
        assertEquals("2", serversState("show servers state dead").get(0).get(13));
        assertEquals("", admin("enable health dead/gone"));
        assertEquals("6", serversState("show servers state dead").get(0).get(13));
    }

    @Test
    void maxconn_changes_the_slim_column() {
        assertEquals("Permission denied\n", api.execute("set maxconn server app/s1 12", Level.OPERATOR),
                "admin only, as in HAProxy");
        assertEquals("", api.execute("set maxconn server app/s1 12", Level.ADMIN));
        assertEquals("12", StatsCsv.rows(proxy.runtime).stream().filter(r -> r.get("svname").equals("s1"))
                .findFirst().orElseThrow().get("slim"));
    }

    @Test
    void each_command_is_refused_below_its_level() {
        List<String> admin = List.of("disable server app/s1", "enable server app/s1", "disable health dead/gone",
                "enable health dead/gone", "set server app/s1 state maint", "set server app/s1 weight 0",
                "set weight app/s1 0", "shutdown sessions server app/s1");
        for (String command : admin) {
            assertEquals("Permission denied\n", api.execute(command, Level.USER), command);
            assertEquals("Permission denied\n", api.execute(command, Level.OPERATOR), command);
        }
        assertEquals("Permission denied\n", api.execute("set maxconn server app/s1 5", Level.USER));
        assertEquals("no check", status("s1"), "nothing refused took effect");
        assertEquals("1 (initial 1)\n", api.execute("get weight app/s1", Level.USER));
        for (String command : List.of("help", "show info", "show stat", "show servers state", "show backend")) {
            assertTrue(!api.execute(command, Level.USER).contains("Permission denied"), command);
        }
        assertEquals("# name\napp\ndead\nstats\n", api.execute("show backend", Level.USER));
    }

    @Test
    void show_reload_plan_says_what_a_reload_would_change_and_changes_nothing(@TempDir Path dir) throws Exception {
        Path added = Files.writeString(dir.resolve("added.cfg"),
                proxy.config.replace(" disabled\n", " disabled\n    server s3 127.0.0.1:1\n"));
        assertEquals("Reload: +server app/s3\n", admin("show reload-plan " + added));
        Path restart = Files.writeString(dir.resolve("restart.cfg"), proxy.config.replace("nbthread 1", "nbthread 2"));
        assertEquals("Reload: ~global (nbthread 1 -> 2); a reload cannot apply global nbthread: restart the process\n",
                admin("show reload-plan " + restart));

        Path broken = Files.writeString(dir.resolve("broken.cfg"), proxy.config.replace("balance", "balanse"));
        List<String> answer = admin("show reload-plan " + broken).lines().toList();
        assertTrue(answer.get(0).startsWith("[ALERT] parsing [" + broken + ":12] : unknown keyword 'balanse'"),
                answer.get(0));
        assertEquals(ReloadPlan.ERRORS, answer.get(answer.size() - 1));

        assertEquals("Permission denied\n", api.execute("show reload-plan " + added, Level.OPERATOR));
        assertTrue(admin("show reload-plan added.cfg").contains("expects absolute paths"));
        assertTrue(admin("show reload-plan").contains("expects one or more configuration files"));
        assertEquals(1, proxy.runtime.generation(), "a plan applies nothing");
        assertEquals(List.of("s1", "s2", "off"),
                proxy.runtime.backend("app").servers().stream().map(s -> s.name()).toList());
    }

    @Test
    void commands_separated_by_semicolons_answer_in_turn() {
        assertEquals("1 (initial 1)\n0 (initial 1)\n",
                admin("get weight app/s1; set weight app/s2 0; get weight app/s2"));
    }
}
