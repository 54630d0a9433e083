package dev.bascule.dist;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bascule under systemd with the unit it ships ({@code systemd/bascule.service}: {@code Type=notify},
 * {@code ExecStart=bascule -Ws ...}, {@code ExecReload=kill -USR2 $MAINPID}). The test plays systemd's part: it
 * runs the unit's commands, owns the notify socket and waits for READY=1 and RELOADING=1 as systemd does. Each reload starts a new worker that
 * takes the sockets over while clients keep coming; a broken config leaves the worker serving; the master CLI
 * shows the processes and reloads too.
 */
class MasterWorkerIT {
    private static final Pattern WORKER = Pattern.compile("# workers\n(\\d+) ");

    /** systemd's end of sd_notify: a Unix datagram socket whose messages the test reads. */
    private static final class NotifySocket implements AutoCloseable {
        final Path path;
        private final Socket socket;
        private final StringBuilder received = new StringBuilder();

        NotifySocket(Path path) throws Exception {
            io.netty.channel.epoll.Epoll.ensureAvailability();
            this.path = path;
            Files.deleteIfExists(path);
            socket = Socket.newSocketDomainDgram();
            socket.bind(new DomainSocketAddress(path.toString()));
        }

        /** Waits for a message with {@code state} (READY=1, RELOADING=1) and consumes what came before it. */
        void await(String state, Bascule master) throws Exception {
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                int at = received.indexOf(state);
                if (at >= 0) {
                    received.delete(0, at + state.length());
                    return;
                }
                assertTrue(System.nanoTime() < deadline, "no " + state + " within 60 s:\n" + master.stderr());
                buf.clear();
                // Non-blocking: 0 when nothing came.
                int n = socket.recv(buf, 0, buf.capacity());
                if (n > 0) {
                    byte[] b = new byte[n];
                    buf.get(0, b);
                    received.append(new String(b, StandardCharsets.UTF_8)).append('\n');
                } else {
                    Thread.sleep(10);
                }
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            Files.deleteIfExists(path);
        }
    }

    private static String config(int port, int s1, int s2, boolean withS2) {
        return """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend www
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    server s1 127.0.0.1:%d
                %s
                """.formatted(port, s1, withS2 ? "    server s2 127.0.0.1:" + s2 : "");
    }

    /** The shipped unit's commands for one key, with its variables given values as systemd would. */
    private static List<String> unit(String key, Map<String, String> vars) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Bascule.HOME.resolve("systemd/bascule.service"))) {
            if (line.startsWith(key + "=")) {
                String command = line.substring(key.length() + 1).replace("/opt/bascule/bin/bascule", "bascule");
                for (var v : vars.entrySet()) {
                    command = command.replace("$" + v.getKey(), v.getValue());
                }
                lines.add(command);
            }
        }
        assertFalse(lines.isEmpty(), "the unit has " + key);
        return lines;
    }

    /** Runs a unit command other than ExecStart to completion, as systemd does, and returns its status. */
    private static int run(String command) throws Exception {
        String line = command.startsWith("bascule ")
                ? Bascule.HOME.resolve("bin/bascule").toAbsolutePath() + command.substring(7) : command;
        Process p = new ProcessBuilder("sh", "-c", line).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command);
        return p.exitValue();
    }

    private static long worker(Path masterCli) throws Exception {
        String proc = RuntimeApiIT.socat("UNIX-CONNECT:" + masterCli, "show proc");
        Matcher m = WORKER.matcher(proc);
        assertTrue(m.find(), proc);
        return Long.parseLong(m.group(1));
    }

    @Test
    void systemd_reloads_with_usr2_start_a_new_worker_and_lose_nothing() throws Exception {
        Path dir = Bascule.workDir("master-worker");
        Path cfg = dir.resolve("haproxy.cfg");
        Path pidFile = dir.resolve("haproxy.pid");
        Path masterCli = dir.resolve("master.sock");
        try (NginxServer s1 = NginxServer.start("mw-s1"); NginxServer s2 = NginxServer.start("mw-s2");
             NotifySocket systemd = new NotifySocket(dir.resolve("notify.sock"))) {
            int port = Ports.free();
            Files.writeString(cfg, config(port, s1.port, s2.port, false));
            Map<String, String> vars = new java.util.LinkedHashMap<>(Map.of("CONFIG", cfg.toString(), "PIDFILE",
                    pidFile.toString(), "EXTRAOPTS", "-S " + masterCli + ",mode,600"));
            assertEquals(0, run(unit("ExecStartPre", vars).get(0)), "ExecStartPre");
            try (Bascule master = Bascule.shell(dir, Map.of("NOTIFY_SOCKET", systemd.path.toString()),
                    unit("ExecStart", vars).get(0))) {
                systemd.await("READY=1", master);
                assertEquals(String.valueOf(master.pid()), Files.readString(pidFile).trim(), "$MAINPID");
                vars.put("MAINPID", String.valueOf(master.pid()));
                List<String> reload = unit("ExecReload", vars);
                long worker = worker(masterCli);
                assertNotEquals(master.pid(), worker);
                try (ClientLoad load = ClientLoad.http(port)) {
                    for (int i = 1; i <= 5; i++) {
                        Files.writeString(cfg, config(port, s1.port, s2.port, i % 2 == 1));
                        long servedByS2 = load.served("mw-s2");
                        for (String command : reload) {
                            assertEquals(0, run(command), command);
                        }
                        systemd.await("RELOADING=1", master);
                        systemd.await("READY=1", master);
                        long next = worker(masterCli);
                        assertNotEquals(worker, next, "a new worker serves");
                        assertTrue(ProcessHandle.of(worker).map(ProcessHandle::onExit)
                                .map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).isPresent()
                                || ProcessHandle.of(worker).isEmpty());
                        worker = next;
                        if (i % 2 == 1) {
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                            while (load.served("mw-s2") == servedByS2) {
                                assertTrue(System.nanoTime() < deadline, "the server just added gets traffic");
                                Thread.sleep(10);
                            }
                        }
                    }
                    // A broken config: ExecReload's check fails, so systemd sends nothing; a USR2 all the same
                    // (kill by hand) gets READY=1 back, and the same worker goes on.
                    Files.writeString(cfg, config(port, s1.port, s2.port, true).replace("mode http", "mode htp"));
                    assertEquals(1, run(reload.get(0)), "ExecReload's check");
                    master.signal("USR2");
                    systemd.await("RELOADING=1", master);
                    systemd.await("READY=1", master);
                    assertEquals(worker, worker(masterCli));
                    assertTrue(master.stderr().contains("Reload refused"), master.stderr());
                    // The master CLI reloads too, and reaches the worker's runtime API.
                    Files.writeString(cfg, config(port, s1.port, s2.port, false));
                    RuntimeApiIT.socat("UNIX-CONNECT:" + masterCli, "reload");
                    systemd.await("READY=1", master);
                    assertNotEquals(worker, worker(masterCli));
                    assertTrue(RuntimeApiIT.socat("UNIX-CONNECT:" + masterCli, "@1 show info").contains("Pid: "
                            + worker(masterCli)));
                    load.close();
                    assertTrue(load.failures.isEmpty(), load.failures.size() + " failures, first: "
                            + load.failures.peek() + "\n" + master.stderr());
                    assertTrue(load.ok.get() > 100, "requests served: " + load.ok.get());
                }
                long last = worker(masterCli);
                assertEquals(0, master.stop());
                assertTrue(ProcessHandle.of(last).isEmpty() || !ProcessHandle.of(last).get().isAlive(),
                        "the worker stops with its master");
                assertFalse(Files.exists(pidFile));
            }
        }
    }
}
