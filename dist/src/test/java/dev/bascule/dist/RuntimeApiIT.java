package dev.bascule.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.net.SocketTimeoutException;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An operator reads and drives Bascule through its stats socket, with socat as with HAProxy. */
class RuntimeApiIT {
    /**
     * Runs {@code echo command | socat -t 10 stdio <address>} and returns the answer. socat gives up half a second
     * after its input ends by default, less than a cold process may take for its first answer; the socket closes
     * once it has answered, so waiting longer costs nothing.
     */
    static String socat(String address, String command) throws Exception {
        Process p = new ProcessBuilder(Tools.require("socat"), "-t", "10", "stdio", address).redirectErrorStream(true)
                .start();
        p.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out;
    }

    /** show stat, by column position as HAProxy's tools read it: svname -> columns. */
    private static Map<String, List<String>> stat(String sock) throws Exception {
        String csv = socat(sock, "show stat");
        String[] lines = csv.split("\n");
        assertTrue(lines[0].startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,"), lines[0]);
        Map<String, List<String>> rows = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            List<String> cols = Arrays.asList(lines[i].split(",", -1));
            rows.put(cols.get(1), cols);
        }
        return rows;
    }

    @Test
    void show_stat_reports_known_traffic_in_haproxys_columns() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path dir = Bascule.workDir("api-stat");
            Path sock = dir.resolve("admin.sock");
            Path cfg = Bascule.writeConfig("api-stat", """
                    global
                        stats socket %s mode 600 level admin
                        node lb-1
                        description Primary balancer
                    """.formatted(sock) + TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        server e1 127.0.0.1:%d check inter 200
                    """.formatted(port, echo.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                for (int i = 0; i < 3; i++) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(5000);
                        s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                        s.shutdownOutput();
                        s.getInputStream().readAllBytes();
                    }
                }
                Thread.sleep(300);
                Map<String, List<String>> rows = stat("UNIX-CONNECT:" + sock);
                List<String> fe = rows.get("FRONTEND");
                List<String> srv = rows.get("e1");
                List<String> be = rows.get("BACKEND");
                assertEquals("svc", fe.get(0));
                assertEquals("3", fe.get(7), "stot");
                assertEquals("15", fe.get(8), "bin: 3 x 'hello'");
                long bout = Long.parseLong(fe.get(9));
                assertEquals(3 * ("hello".length() + "[eof after 5 bytes]\n".length()), bout, "bout");
                assertEquals("OPEN", fe.get(17));
                assertEquals("3", srv.get(7), "server stot");
                assertEquals("15", srv.get(8));
                assertEquals("UP", srv.get(17));
                assertEquals("1", srv.get(18), "weight");
                assertEquals("L4OK", srv.get(36), "check_status");
                assertEquals("2", srv.get(32), "type server");
                assertEquals("127.0.0.1:" + echo.port(), srv.get(73), "addr");
                assertEquals("UP", be.get(17));
                assertEquals("1", be.get(32), "type backend");
                assertEquals("roundrobin", be.get(76), "algo");
                // Rates: three connections within one second or more; a connection is a session.
                long rateMax = Long.parseLong(fe.get(35));
                assertTrue(rateMax >= 1 && rateMax <= 3, "rate_max " + rateMax);
                assertEquals(fe.get(35), fe.get(78), "conn_rate_max is the session rate's");
                assertEquals("0", fe.get(34), "rate_lim");
                assertEquals("", fe.get(46), "no req_rate in mode tcp");
                long serverMax = Long.parseLong(srv.get(35));
                assertTrue(serverMax >= 1 && serverMax <= 3, "server rate_max " + serverMax);
                assertEquals(srv.get(35), be.get(35), "the backend's only server has all its sessions");
                Map<String, String> info = new HashMap<>();
                socat("UNIX-CONNECT:" + sock, "show info").lines().filter(l -> l.contains(": "))
                        .forEach(l -> info.put(l.substring(0, l.indexOf(": ")), l.substring(l.indexOf(": ") + 2)));
                assertEquals(String.valueOf(rateMax), info.get("MaxConnRate"), "one frontend: the process's rate");
                assertEquals(info.get("MaxConnRate"), info.get("MaxSessRate"));
                assertEquals("0", info.get("ConnRateLimit"));
                assertTrue(Long.parseLong(info.get("ConnRate")) <= 3, info.toString());
                // The typed format: one line per non-empty field, with its position, tags and type. The proxy's id
                // is 2: the stats socket's own proxy (HAProxy's GLOBAL) is 1.
                List<String> typed = socat("UNIX-CONNECT:" + sock, "show stat typed").lines()
                        .filter(l -> !l.isEmpty()).toList();
                for (String line : typed) {
                    assertTrue(line.matches("[FBS]\\.2\\.[01]\\.\\d+\\.[a-z_0-9]+\\.1:[A-Za-z]{3}:(str|u32|u64|s32):.+"),
                            line);
                }
                assertTrue(typed.contains("F.2.0.0.pxname.1:KNS:str:svc"), typed.toString());
                assertTrue(typed.contains("S.2.1.1.svname.1:KNS:str:e1"), typed.toString());
                assertTrue(typed.contains("S.2.1.7.stot.1:MCP:u64:3"), typed.toString());
                assertTrue(typed.contains("B.2.0.17.status.1:SGP:str:UP"), typed.toString());
                assertTrue(typed.contains("F.2.0.35.rate_max.1:MMP:u32:" + rateMax), typed.toString());
                // The "-" column before the modules' has no typed field, as in HAProxy.
                assertEquals(fe.stream().filter(v -> !v.isEmpty() && !v.equals("-")).count(),
                        typed.stream().filter(l -> l.startsWith("F.")).count(), "every non-empty FRONTEND column");
                assertEquals("lb-1", info.get("node"));
                assertEquals("Primary balancer", info.get("description"));
                JsonNode json = new ObjectMapper().readTree(socat("UNIX-CONNECT:" + sock, "show stat json"));
                assertEquals("FRONTEND", json.get(0).get("svname").asText());
                assertEquals("3", json.get(0).get("stot").asText());
            }
        }
    }

    @Test
    void servers_are_driven_from_the_socket_and_levels_are_enforced() throws Exception {
        try (TestServer a = TestServer.start(TestServer.named("a"));
             TestServer b = TestServer.start(TestServer.named("b"))) {
            int port = Ports.free();
            int userPort = Ports.free();
            Path dir = Bascule.workDir("api-drive");
            Path sock = dir.resolve("admin.sock");
            Path cfg = Bascule.writeConfig("api-drive", """
                    global
                        stats socket %s level admin
                        stats socket ipv4@127.0.0.1:%d level user
                    """.formatted(sock, userPort) + TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        server a 127.0.0.1:%d weight 4
                        server b 127.0.0.1:%d weight 4
                    """.formatted(port, a.port(), b.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String admin = "UNIX-CONNECT:" + sock;
                String user = "TCP:127.0.0.1:" + userPort;
                assertEquals("Permission denied\n\n", socat(user, "disable server svc/a"));
                assertEquals("4 (initial 4)\n\n", socat(user, "get weight svc/a"), "reading is fine at level user");
                assertEquals("\n", socat(admin, "set server svc/a state maint"));
                for (int i = 0; i < 4; i++) {
                    assertEquals("b", TcpProxyIT.firstLine(port), "a is in maintenance");
                }
                assertEquals("MAINT", stat(admin).get("a").get(17));
                // In maintenance a server is stopped (srv_op_state 0) and forced there (srv_admin_state 0x01).
                assertTrue(socat(admin, "show servers state svc").contains("\n2 svc 1 a 127.0.0.1 0 1 4 4 "));
                assertEquals("\n\n", socat(admin, "enable server svc/a; set weight svc/b 50%"), "an empty line per command");
                assertEquals("2 (initial 4)\n\n", socat(admin, "get weight svc/b"));
                assertEquals("No such server.\n\n", socat(admin, "get weight svc/zz"));
                assertEquals("No such backend.\n\n", socat(admin, "get weight nope/a"));
                assertTrue(socat(admin, "frobnicate").startsWith("Unknown command."));
                assertEquals("# name\nsvc\n\n", socat(admin, "show backend"));
                assertEquals("Name: Bascule\n", socat(admin, "show info").lines().findFirst().orElseThrow() + "\n");
                String interactive = prompt(sock, "get weight svc/a");
                assertTrue(interactive.startsWith("4 (initial 4)\n\n> "), interactive);
            }
        }
    }

    /**
     * Every command Bascule implements, at levels user and operator, is refused or served exactly where a real
     * HAProxy 2.6 refuses or serves it (its management guide gives the levels; the reference decides).
     */
    @Test
    void each_command_needs_the_level_haproxy_requires() throws Exception {
        List<String> commands = List.of("show info", "show stat", "show servers state", "show backend",
                "get weight b/s1", "set maxconn server b/s1 10", "set weight b/s1 5", "disable server b/s1",
                "enable server b/s1", "set server b/s1 state drain", "set server b/s1 weight 2",
                "disable health b/s1", "enable health b/s1", "shutdown sessions server b/s1");
        try (TestServer s1 = TestServer.start(TestServer.named("s1"))) {
            Path dir = Bascule.workDir("api-levels");
            String sockets = """
                    global
                        stats socket %s level user
                        stats socket %s level operator
                    """;
            String rest = TcpProxyIT.config("""
                    listen b
                        bind 127.0.0.1:%d
                        server s1 127.0.0.1:%d
                    """);
            int haproxyPort = Ports.free();
            int basculePort = Ports.free();
            try (HaproxyServer haproxy = HaproxyServer.start("api-levels", sockets.formatted(
                    dir.resolve("h-user.sock"), dir.resolve("h-op.sock")) + rest.formatted(haproxyPort, s1.port()),
                    haproxyPort);
                 Bascule bascule = Bascule.serve(Bascule.writeConfig("api-levels", sockets.formatted(
                         dir.resolve("b-user.sock"), dir.resolve("b-op.sock")) + rest.formatted(basculePort,
                         s1.port())), basculePort)) {
                List<String> differences = new java.util.ArrayList<>();
                int refused = 0;
                for (String level : List.of("user", "op")) {
                    for (String command : commands) {
                        boolean haproxyRefuses = socat("UNIX-CONNECT:" + dir.resolve("h-" + level + ".sock"), command)
                                .startsWith("Permission denied");
                        boolean basculeRefuses = socat("UNIX-CONNECT:" + dir.resolve("b-" + level + ".sock"), command)
                                .startsWith("Permission denied");
                        refused += haproxyRefuses ? 1 : 0;
                        if (haproxyRefuses != basculeRefuses) {
                            differences.add(level + " '" + command + "': HAProxy " + (haproxyRefuses ? "refuses" : "serves")
                                    + ", Bascule " + (basculeRefuses ? "refuses" : "serves"));
                        }
                    }
                }
                assertTrue(differences.isEmpty(), String.join("\n", differences));
                assertTrue(refused >= 18, "the reference refused " + refused + " of " + 2 * commands.size());
            }
        }
    }

    /**
     * Putting servers in and out of maintenance and drain is logged in HAProxy's words: the same commands on a
     * real HAProxy 2.6 and on Bascule, over servers unchecked, checked and UP, checked and DOWN, give the same
     * lines in the same order.
     */
    @Test
    void maintenance_and_drain_are_logged_as_haproxy_logs_them() throws Exception {
        List<String> commands = List.of("set server b/s1 state maint", "set server b/s1 state ready",
                "set server b/s1 state drain", "set server b/s1 state ready", "disable server b/s3",
                "enable server b/s3", "set server b/s3 state drain", "set server b/s3 state maint",
                "set server b/s3 state ready", "set server b/s2 state maint", "set server b/s2 state ready");
        try (TestServer up = TestServer.start(TestServer.named("up"))) {
            Path dir = Bascule.workDir("api-maint-logs");
            int closed = Ports.free();
            String config = """
                    global
                        stats socket %s level admin
                    """ + TcpProxyIT.config("""
                    listen b
                        bind 127.0.0.1:%d
                        server s1 127.0.0.1:%d
                        server s2 127.0.0.1:%d check inter 200
                        server s3 127.0.0.1:%d check inter 200
                    """);
            int haproxyPort = Ports.free();
            int basculePort = Ports.free();
            try (HaproxyServer haproxy = HaproxyServer.start("api-maint-logs", config.formatted(
                    dir.resolve("h.sock"), haproxyPort, up.port(), closed, up.port()), haproxyPort);
                 Bascule bascule = Bascule.serve(Bascule.writeConfig("api-maint-logs", config.formatted(
                         dir.resolve("b.sock"), basculePort, up.port(), closed, up.port())), basculePort)) {
                bascule.awaitLog("Server b/s2 is DOWN", 10_000);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!haproxy.output().contains("Server b/s2 is DOWN") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                for (String command : commands) {
                    assertEquals("\n", socat("UNIX-CONNECT:" + dir.resolve("h.sock"), command), command);
                    assertEquals("\n", socat("UNIX-CONNECT:" + dir.resolve("b.sock"), command), command);
                }
                bascule.awaitLog("Server b/s2 is UP/READY", 5_000);
                List<String> expected = adminLines(haproxy.output());
                assertEquals(11, expected.size(), "the reference's lines: " + expected);
                assertEquals(expected, adminLines(bascule.stderr()));
            }
        }
    }

    /** The lines about maintenance and drain, from "Server" on. */
    private static List<String> adminLines(String output) {
        return output.lines().filter(l -> l.contains("maintenance") || l.contains("drain"))
                .map(l -> l.substring(l.indexOf("Server "))).toList();
    }

    /** Each admin command of the socket, seen from the traffic (and the CSV) it changes. */
    @Test
    void each_admin_command_changes_what_clients_see() throws Exception {
        try (TestServer a = TestServer.start(TestServer.named("a"));
             TestServer b = TestServer.start(TestServer.named("b"))) {
            int port = Ports.free();
            int checked = Ports.free();
            int dead = Ports.free();
            Path sock = Bascule.workDir("api-commands").resolve("admin.sock");
            Path cfg = Bascule.writeConfig("api-commands", """
                    global
                        stats socket %s level admin
                    """.formatted(sock) + TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        timeout queue 10s
                        server a 127.0.0.1:%d weight 4
                        server b 127.0.0.1:%d weight 4
                    listen checked
                        bind 127.0.0.1:%d
                        server d 127.0.0.1:%d check inter 100 fall 1 rise 1
                    """.formatted(port, a.port(), b.port(), checked, dead)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String admin = "UNIX-CONNECT:" + sock;
                String help = socat(admin, "help");
                assertTrue(help.contains("set maxconn server") && help.contains("shutdown sessions server"), help);

                assertEquals("\n", socat(admin, "set server svc/a state drain"));
                assertEquals("DRAIN", stat(admin).get("a").get(17));
                assertEquals(Set.of("b"), servers(port, 4), "a drains: no new connection");
                assertEquals("\n", socat(admin, "set server svc/a state ready"));
                assertEquals(Set.of("a", "b"), servers(port, 4));

                assertEquals("\n", socat(admin, "set server svc/b weight 0"));
                assertEquals("0 (initial 4)\n\n", socat(admin, "get weight svc/b"));
                assertEquals(Set.of("a"), servers(port, 4), "weight 0 takes no new connection");
                assertEquals("\n", socat(admin, "set server svc/b weight 4"));

                awaitStatus(admin, "d", "DOWN");
                assertEquals("\n", socat(admin, "disable health checked/d"));
                awaitStatus(admin, "d", "no check");
                assertEquals("\n", socat(admin, "enable health checked/d"));
                awaitStatus(admin, "d", "DOWN");

                // One slot on a, b out of the way: a second client waits in the queue until a's session ends.
                assertEquals("\n\n", socat(admin, "set maxconn server svc/a 1; set server svc/b state maint"));
                try (Socket one = new Socket("127.0.0.1", port); Socket two = new Socket("127.0.0.1", port)) {
                    assertEquals("a", TcpProxyIT.line(one));
                    two.setSoTimeout(500);
                    assertThrows(SocketTimeoutException.class, () -> two.getInputStream().read());
                    String svc = socat(admin, "show stat").lines().filter(l -> l.startsWith("svc,BACKEND,"))
                            .findFirst().orElseThrow();
                    assertEquals("1", svc.split(",")[2], "qcur: the second client waits");
                    assertEquals("\n", socat(admin, "shutdown sessions server svc/a"));
                    one.setSoTimeout(5000);
                    assertEquals(-1, one.getInputStream().read(), "the proxy closed a's session");
                    assertEquals("a", TcpProxyIT.line(two), "the freed slot went to the waiting client");
                }
            }
        }
    }

    private static Set<String> servers(int port, int connections) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < connections; i++) {
            seen.add(TcpProxyIT.firstLine(port));
        }
        return seen;
    }

    private static void awaitStatus(String admin, String server, String status) throws Exception {
        String last = null;
        for (int i = 0; i < 100; i++) {
            last = stat(admin).get(server).get(17);
            if (last.equals(status)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(server + " never became " + status + ": " + last);
    }

    /** Interactive mode: {@code prompt}, then commands answered each followed by "> ". */
    private static String prompt(Path sock, String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap(("prompt\n" + command + "\nquit\n").getBytes(StandardCharsets.UTF_8)));
            InputStream in = Channels.newInputStream(ch);
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(all.startsWith("\n> "), all);
            return all.substring(3);
        }
    }
}
