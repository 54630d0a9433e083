package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SysV host runs the shipped {@code init.d/bascule}: start detaches the proxy, reload (check, save the servers'
 * state, hand over with {@code -D -sf}) under load loses nothing and keeps a server in maintenance, a reload with
 * a broken config is refused before anything stops, status tells, stop stops.
 */
class InitScriptIT {
    private static String config(Path dir, int port, int s1, int s2) {
        return """
                global
                    stats socket %s level admin
                    server-state-file %s
                defaults
                    mode http
                    load-server-state-from-file global
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend www
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    server s1 127.0.0.1:%d
                    server s2 127.0.0.1:%d
                """.formatted(dir.resolve("admin.sock"), dir.resolve("server-state"), port, s1, s2);
    }

    /** {@code init.d/bascule <action>}, with the test's settings file in place of /etc/default/bascule. */
    private static Bascule.Result script(Path dir, String action) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Bascule.HOME.resolve("init.d/bascule").toAbsolutePath().toString(),
                action).redirectErrorStream(true).redirectOutput(dir.resolve("init-" + action + ".txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("BASCULE_DEFAULTS", dir.resolve("default").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "init.d/bascule " + action);
        return new Bascule.Result(p.exitValue(), Files.readString(dir.resolve("init-" + action + ".txt")), "");
    }

    @Test
    void the_init_script_starts_reloads_under_load_and_stops() throws Exception {
        Path dir = Bascule.workDir("init-script");
        Path cfg = dir.resolve("haproxy.cfg");
        Path pidFile = dir.resolve("bascule.pid");
        Files.writeString(dir.resolve("default"), """
                BASCULE_HOME=%s
                CONFIG=%s
                PIDFILE=%s
                STATS_SOCKET=%s
                STATE_FILE=%s
                """.formatted(Bascule.HOME.toAbsolutePath(), cfg, pidFile, dir.resolve("admin.sock"),
                dir.resolve("server-state")));
        try (NginxServer s1 = NginxServer.start("init-s1"); NginxServer s2 = NginxServer.start("init-s2")) {
            int port = Ports.free();
            Files.writeString(cfg, config(dir, port, s1.port, s2.port));
            String admin = "UNIX-CONNECT:" + dir.resolve("admin.sock");
            try {
                assertEquals(0, script(dir, "start").exitCode());
                long first = Long.parseLong(Files.readString(pidFile).trim());
                assertTrue(script(dir, "status").stdout().contains("is running (" + first + ")"));
                RuntimeApiIT.socat(admin, "set server app/s2 state maint");
                try (ClientLoad load = ClientLoad.http(port)) {
                    Thread.sleep(500);
                    long s2Before = load.served("init-s2");
                    assertEquals(0, script(dir, "reload").exitCode());
                    long second = Long.parseLong(Files.readString(pidFile).trim());
                    assertNotEquals(first, second);
                    awaitExit(first);
                    Thread.sleep(500);
                    assertEquals(s2Before, load.served("init-s2"), "s2 stayed in maintenance across the reload");
                    Files.writeString(cfg, config(dir, port, s1.port, s2.port).replace("mode http", "mode htp"));
                    Bascule.Result refused = script(dir, "reload");
                    assertEquals(1, refused.exitCode(), refused.stdout());
                    assertEquals(String.valueOf(second), Files.readString(pidFile).trim());
                    load.close();
                    assertTrue(load.failures.isEmpty(), load.failures.size() + " failures, first: "
                            + load.failures.peek());
                    assertTrue(load.ok.get() > 100, "requests served: " + load.ok.get());
                }
                long last = Long.parseLong(Files.readString(pidFile).trim());
                assertEquals(0, script(dir, "stop").exitCode());
                awaitExit(last);
                assertFalse(Files.exists(pidFile));
                assertEquals(3, script(dir, "status").exitCode());
            } finally {
                if (Files.exists(pidFile)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroy);
                }
            }
        }
    }

    private static void awaitExit(long pid) throws Exception {
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    }
}
