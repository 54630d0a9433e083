package dev.bascule.dist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code user} and {@code group}, as a distribution's haproxy.cfg has them: root starts the proxy, which serves a
 * port below 1024 as the unprivileged user (bin/bascule runs the JVM under setpriv with that identity and only the
 * capability to bind such ports).
 */
class PrivilegesIT {
    @Test
    void root_starts_it_and_it_serves_a_low_port_as_nobody() throws Exception {
        assumeRootWithNobody();
        Tools.require("setpriv");
        Tools.require("curl");
        int port = freeLowPort();
        try (TestServer web = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, new ConcurrentLinkedQueue<>()))) {
            Path cfg = Bascule.writeConfig("privileges", config(port, web.port()));
            // The JVM reads its files as the user it runs as: a work directory is the test's (rwx------) otherwise.
            Files.setPosixFilePermissions(cfg.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            try (Bascule b = Bascule.serve(cfg, port)) {
                Map<String, String> status = status(b.pid());
                assertEquals("65534", status.get("Uid").split("\\s+")[1], status.toString());
                assertEquals("65534", status.get("Gid").split("\\s+")[1], status.toString());
                // HAProxy's setgroups(0): no supplementary group (root's) is left.
                assertEquals("", status.get("Groups").trim(), status.toString());
                // Of root's powers, only binding ports below 1024 (CAP_NET_BIND_SERVICE, bit 10) remains.
                assertEquals(0x400L, Long.parseLong(status.get("CapEff").trim(), 16), status.toString());
                assertEquals("200", Curl.output(10, "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://127.0.0.1:" + port + "/"));
            }
        }
    }

    /** Started as root without the launcher's change of identity, it refuses to serve, as HAProxy does. */
    @Test
    void a_jvm_left_as_root_refuses_to_serve() throws Exception {
        assumeRootWithNobody();
        int port = Ports.free();
        Path cfg = Bascule.writeConfig("privileges-refused", config(port, Ports.free()));
        try (Bascule b = Bascule.wrapped(cfg.getParent(), Map.of("BASCULE_IDENTITY", "given"), List.of(), "-db",
                "-f", cfg.toString())) {
            assertTrue(b.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(1, b.process.exitValue(), b.stderr());
            assertTrue(b.stderr().contains("Cannot set gid 65534: the process runs as root"), b.stderr());
        }
    }

    private static String config(int port, int webPort) {
        return """
                global
                    user nobody
                    group nogroup
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    server web 127.0.0.1:%d
                """.formatted(port, webPort);
    }

    private static void assumeRootWithNobody() throws IOException {
        Assumptions.assumeTrue(status(ProcessHandle.current().pid()).get("Uid").startsWith("0"),
                "SKIPPED: dropping privileges is tested as root only");
        Assumptions.assumeTrue(Files.readAllLines(Path.of("/etc/passwd")).stream()
                        .anyMatch(l -> l.startsWith("nobody:x:65534:")) && Files.readAllLines(Path.of("/etc/group"))
                        .stream().anyMatch(l -> l.startsWith("nogroup:x:65534:")),
                "SKIPPED: no nobody/nogroup with id 65534 on this system");
    }

    private static Map<String, String> status(long pid) throws IOException {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            int colon = line.indexOf(':');
            fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return fields;
    }

    /** A privileged port nobody listens on. */
    private static int freeLowPort() throws IOException {
        for (int port = 1023; port > 900; port--) {
            if (Bascule.isListening(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // next
            }
        }
        throw new AssertionError("no free port between 901 and 1023");
    }
}
