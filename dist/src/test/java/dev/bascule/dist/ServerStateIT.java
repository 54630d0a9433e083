package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An operator restarts Bascule the way HAProxy's users do: {@code show servers state} saved to a file before the
 * old process stops, {@code server-state-file} and {@code load-server-state-from-file global} in the new one's
 * config. A server put in maintenance stays there and a weight set at run time holds.
 */
class ServerStateIT {
    private static String config(Path socket, String stateLines, int port, int s1, int s2) {
        return TcpProxyIT.config("""
                listen svc
                    id 10
                    bind 127.0.0.1:%d
                    server s1 127.0.0.1:%d id 4 weight 10
                    server s2 127.0.0.1:%d weight 10
                """.formatted(port, s1, s2)).replace("global\n", "global\n    stats socket " + socket
                + " level admin\n" + stateLines).replace("defaults\n", stateLines.isEmpty() ? "defaults\n"
                : "defaults\n    load-server-state-from-file global\n");
    }

    /** The dump's server lines by server name, as fields. */
    private static List<List<String>> servers(String dump) {
        return dump.lines().skip(2).filter(l -> !l.isBlank()).map(l -> Arrays.asList(l.split(" "))).toList();
    }

    @Test
    void maintenance_and_a_run_time_weight_survive_a_restart_through_the_state_file() throws Exception {
        try (TestServer a = TestServer.start(TestServer.echo()); TestServer b = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path before = Bascule.workDir("server-state-before");
            Path oldSocket = before.resolve("admin.sock");
            Path oldConfig = before.resolve("haproxy.cfg");
            Files.writeString(oldConfig, config(oldSocket, "", port, a.port(), b.port()));
            String saved;
            try (Bascule old = Bascule.serve(oldConfig, port)) {
                String api = "UNIX-CONNECT:" + oldSocket;
                assertEquals("", RuntimeApiIT.socat(api, "set server svc/s1 state maint").strip());
                assertEquals("", RuntimeApiIT.socat(api, "set weight svc/s2 3").strip());
                saved = RuntimeApiIT.socat(api, "show servers state");
                old.stop();
            }
            List<List<String>> lines = servers(saved);
            // be_id, be_name, srv_id, srv_name, op state, admin state, uweight, iweight, forced ids, as HAProxy
            // writes them: the listen's 'id 10', s1's 'id 4', s2 numbered 2 after it.
            assertEquals(List.of("10", "svc", "4", "s1", "0", "1", "10", "10"), pick(lines.get(0)), saved);
            assertEquals(List.of("10", "svc", "2", "s2", "2", "0", "3", "10"), pick(lines.get(1)), saved);
            assertEquals(List.of("1", "1"), lines.get(0).subList(15, 17), "bk_f_forced_id, srv_f_forced_id");
            assertEquals(List.of("1", "0"), lines.get(1).subList(15, 17));

            Path after = Bascule.workDir("server-state-after");
            Files.writeString(after.resolve("server-state"), saved);
            Path socket = after.resolve("admin.sock");
            Path config = after.resolve("haproxy.cfg");
            Files.writeString(config, config(socket, "    server-state-base " + after + "\n"
                    + "    server-state-file server-state\n", port, a.port(), b.port()));
            try (Bascule restarted = Bascule.serve(config, port)) {
                String api = "UNIX-CONNECT:" + socket;
                String dump = RuntimeApiIT.socat(api, "show servers state");
                List<List<String>> now = servers(dump);
                assertEquals(2, now.size(), () -> dump + "\n" + stderr(restarted));
                assertEquals(pick(lines.get(0)), pick(now.get(0)), "s1 still in maintenance");
                assertEquals(pick(lines.get(1)), pick(now.get(1)), "s2 still at weight 3");
                assertEquals("3 (initial 10)", RuntimeApiIT.socat(api, "get weight svc/s2").strip());
                String s1 = RuntimeApiIT.socat(api, "show stat").lines().filter(l -> l.startsWith("svc,s1,"))
                        .findFirst().orElseThrow();
                assertEquals("MAINT", s1.split(",")[17], s1);
                assertFalse(restarted.stderr().contains("state file"), restarted.stderr());
            }
        }
    }

    private static String stderr(Bascule b) {
        try {
            return b.stderr();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** be_id, be_name, srv_id, srv_name, srv_op_state, srv_admin_state, srv_uweight, srv_iweight. */
    private static List<String> pick(List<String> line) {
        return List.of(line.get(0), line.get(1), line.get(2), line.get(3), line.get(5), line.get(6), line.get(7),
                line.get(8));
    }
}
