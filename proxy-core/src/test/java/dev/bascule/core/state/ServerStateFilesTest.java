package dev.bascule.core.state;

import dev.bascule.core.BackendState;
import dev.bascule.core.Runtime;
import dev.bascule.core.ServerState;
import dev.bascule.core.Transport;
import dev.bascule.core.stream.Loopback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A process that starts takes the servers' states from the file its predecessor's {@code show servers state} wrote. */
class ServerStateFilesTest {
    private static final String HEADER = "1\n# " + String.join(" ", ServerStateFormat.COLUMNS) + "\n";

    @TempDir
    Path dir;

    private String config(String backendLines) {
        return """
                global
                    server-state-base %s
                    server-state-file state
                defaults
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                    load-server-state-from-file global
                backend app
                %s
                    server s1 127.0.0.1:9001 weight 10
                    server s2 127.0.0.1:9002 check inter 60s rise 2 fall 3
                    server s3 127.0.0.1:9003 weight 10
                    server s4 127.0.0.1:9004 disabled
                """.formatted(dir, backendLines);
    }

    /** A format 1 line: be_id be_name srv_id srv_name srv_addr op admin uweight iweight since ... srv_port ... */
    private static String line(String server, int port, int op, int admin, int uweight, int iweight, int checkState) {
        return "1 app 0 " + server + " 127.0.0.1 " + op + " " + admin + " " + uweight + " " + iweight + " 30 8 2 0 "
                + checkState + " 0 0 0 - " + port + " - 0 0 - - 0\n";
    }

    private Runtime start(String config) throws Exception {
        return Runtime.start(Loopback.parse(config), Transport.select(false));
    }

    private static ServerState server(Runtime r, String name) {
        BackendState b = r.backend("app");
        return b.servers().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void maintenance_drain_weight_down_and_disabled_checks_survive() throws Exception {
        Files.writeString(dir.resolve("state"), HEADER
                + line("s1", 9001, 0, ServerStateFormat.FMAINT, 10, 10, 0)
                + line("s2", 9002, 0, 0, 1, 1, ServerStateFormat.CONFIGURED)
                + line("s3", 9003, 2, ServerStateFormat.FDRAIN, 3, 10, 0)
                + line("s4", 9004, 0, ServerStateFormat.CMAINT, 1, 1, 0) + "\n");
        try (Runtime r = start(config(""))) {
            assertEquals(ServerState.Admin.MAINT, server(r, "s1").admin(), "forced maintenance");
            ServerState s2 = server(r, "s2");
            assertFalse(s2.health().up(), "DOWN when saved, until its checks bring it up");
            assertEquals(0, s2.health().counter());
            assertEquals("L4CON", s2.health().last().status().name(), "its last check");
            assertFalse(s2.checksEnabled(), "'disable health' carried");
            ServerState s3 = server(r, "s3");
            assertEquals(ServerState.Admin.DRAIN, s3.admin());
            assertEquals(3, s3.weight(), "the run-time weight, the configured one being unchanged");
            assertEquals(ServerState.Admin.READY, server(r, "s4").admin(),
                    "disabled in the config, set ready at run time: stays ready");
            long since = (System.nanoTime() - s3.health().lastChangeNanos()) / 1_000_000_000L;
            assertTrue(since >= 30 && since < 40, "time since the last change goes on: " + since);
        }
    }

    @Test
    void the_configuration_wins_where_it_changed() throws Exception {
        Files.writeString(dir.resolve("state"), HEADER
                + line("s1", 9001, 2, 0, 5, 20, 0)           // the configured weight went 20 -> 10
                + line("s3", 9999, 0, ServerStateFormat.FMAINT, 1, 10, 0)   // moved to another port
                + line("s4", 9004, 0, ServerStateFormat.FMAINT, 1, 1, 0));  // newly 'disabled'
        try (Runtime r = start(config(""))) {
            assertEquals(10, server(r, "s1").weight());
            assertEquals(ServerState.Admin.READY, server(r, "s3").admin(), "another server now: not applied");
            assertEquals(ServerState.Admin.MAINT, server(r, "s4").admin());
        }
    }

    @Test
    void a_line_cut_short_makes_the_whole_file_unusable_as_in_haproxy() throws Exception {
        Files.writeString(dir.resolve("state"), HEADER + line("s1", 9001, 0, ServerStateFormat.FMAINT, 10, 10, 0)
                + "1 app 2 s2 127.0.0.1 0\n");
        try (Runtime r = start(config(""))) {
            assertEquals(ServerState.Admin.READY, server(r, "s1").admin());
        }
    }

    @Test
    void a_bad_value_skips_its_server_only_and_unknown_names_are_ignored() throws Exception {
        Files.writeString(dir.resolve("state"), HEADER + line("s1", 9001, 7, ServerStateFormat.FMAINT, 10, 10, 0)
                + line("s3", 9003, 2, ServerStateFormat.FMAINT, 10, 10, 0)
                + line("ghost", 9009, 2, ServerStateFormat.FMAINT, 10, 10, 0)
                + line("s1", 9001, 2, ServerStateFormat.FMAINT, 10, 10, 0).replace(" app ", " gone "));
        try (Runtime r = start(config(""))) {
            assertEquals(ServerState.Admin.READY, server(r, "s1").admin(), "srv_op_state 7 is no state");
            assertEquals(ServerState.Admin.MAINT, server(r, "s3").admin());
        }
    }

    @Test
    void none_and_a_missing_file_start_as_configured_and_local_reads_the_backends_own_file() throws Exception {
        Files.writeString(dir.resolve("state"), HEADER + line("s1", 9001, 0, ServerStateFormat.FMAINT, 10, 10, 0));
        try (Runtime r = start(config("    load-server-state-from-file none"))) {
            assertEquals(ServerState.Admin.READY, server(r, "s1").admin());
        }
        try (Runtime r = start(config("    load-server-state-from-file local"))) {
            assertEquals(ServerState.Admin.READY, server(r, "s1").admin(), "no file named app: a warning");
        }
        Files.move(dir.resolve("state"), dir.resolve("app"));
        try (Runtime r = start(config("    load-server-state-from-file local"))) {
            assertEquals(ServerState.Admin.MAINT, server(r, "s1").admin(), "the file named after the backend");
        }
    }

    @Test
    void an_in_process_reload_does_not_read_the_file() throws Exception {
        try (Runtime r = start(config(""))) {
            Files.writeString(dir.resolve("state"), HEADER
                    + line("s1", 9001, 0, ServerStateFormat.FMAINT, 10, 10, 0));
            r.reload(Loopback.parse(config("").replace("weight 10\n", "weight 10 maxconn 5\n")));
            assertEquals(ServerState.Admin.READY, server(r, "s1").admin());
        }
    }
}
