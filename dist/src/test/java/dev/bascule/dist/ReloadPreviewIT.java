package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator previews a reload with {@code bascule -c -f NEW.cfg --diff} before sending it: the running process
 * answers, through its stats socket, the line its reload would log, or the errors that would refuse it, and
 * changes nothing until the reload itself.
 */
class ReloadPreviewIT {
    private static String config(Path socket, int port, int s1, String more) {
        return """
                global
                    stats socket %s mode 600 level admin
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
                %s""".formatted(socket, port, s1, more);
    }

    @Test
    void a_preview_says_what_the_reload_will_log_and_applies_nothing() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer s1 = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen));
             TestServer s2 = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen))) {
            int port = Ports.free();
            Path dir = Bascule.workDir("preview");
            Path sock = dir.resolve("admin.sock");
            Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), config(sock, port, s1.port(), ""));
            String added = config(sock, port, s1.port(), "    server s2 127.0.0.1:" + s2.port() + "\n");
            Path next = Files.writeString(dir.resolve("next.cfg"), added);
            Path broken = Files.writeString(dir.resolve("broken.cfg"), added + "    balanse roundrobin\n");
            Path restart = Files.writeString(dir.resolve("restart.cfg"),
                    added.replace("global\n", "global\n    nbthread 3\n"));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                // The socket is found in the new config.
                Bascule.Result plan = Bascule.run("-c", "-f", next.toString(), "--diff");
                assertEquals(0, plan.exitCode(), plan.stderr());
                String preview = plan.stdout().strip();
                assertEquals("Reload: +server app/s2", preview);

                // Errors, found by the running process itself: shown as -c shows them, and the reload refused.
                Bascule.Result refused = Bascule.run("-c", "-f", broken.toString(), "--diff", "unix@" + sock);
                assertEquals(1, refused.exitCode(), refused.stdout() + refused.stderr());
                assertTrue(refused.stderr().contains("[ALERT]") && refused.stderr().contains("parsing [" + broken
                        + ":14] : unknown keyword 'balanse' in 'backend' section"), refused.stderr());
                assertTrue(refused.stderr().contains("Reload refused: the configuration has errors"),
                        refused.stderr());
                // Without a socket given, the new config's errors are found before any is known.
                assertEquals(1, Bascule.run("-c", "-f", broken.toString(), "--diff").exitCode());

                Bascule.Result partly = Bascule.run("-c", "-f", restart.toString(), "--diff", sock.toString());
                assertEquals(2, partly.exitCode(), partly.stderr());
                assertTrue(partly.stdout().strip().endsWith("a reload cannot apply global nbthread: restart the "
                        + "process"), partly.stdout());

                String socket = "UNIX-CONNECT:" + sock;
                assertFalse(proxy.stderr().contains("Reload"), "a preview applies nothing:\n" + proxy.stderr());
                assertFalse(RuntimeApiIT.socat(socket, "show servers state app").contains(" s2 "));

                Files.writeString(cfg, added);
                String line = RuntimeApiIT.socat(socket, "reload").strip();
                assertEquals(preview, line, "the reload's answer");
                String logged = proxy.awaitLog("Reload: ", 10_000);
                assertEquals(preview, logged.substring(logged.indexOf("Reload: ")), "the reload's log line");
                assertTrue(RuntimeApiIT.socat(socket, "show servers state app").contains(" s2 "));
            }
        }
    }
}
