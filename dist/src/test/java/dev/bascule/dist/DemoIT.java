package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A newcomer runs `bascule demo`, follows what it prints, and sees the servers take turns. */
class DemoIT {
    @Test
    void the_demo_serves_three_web_servers_round_robin_to_curl() throws Exception {
        String curl = Tools.require("curl");
        int proxyPort = Ports.free();
        int statsPort = Ports.free();
        int apiPort = Ports.free();
        int[] web = {Ports.free(), Ports.free(), Ports.free()};
        // The bundled conf/demo.cfg on other ports, so the test never collides with a demo left running.
        String demo = Files.readString(Bascule.HOME.resolve("conf/demo.cfg"))
                .replace("127.0.0.1:8080", "127.0.0.1:" + proxyPort)
                .replace("127.0.0.1:8081", "127.0.0.1:" + web[0])
                .replace("127.0.0.1:8082", "127.0.0.1:" + web[1])
                .replace("127.0.0.1:8083", "127.0.0.1:" + web[2])
                .replace("127.0.0.1:8404", "127.0.0.1:" + statsPort)
                .replace("127.0.0.1:8405", "127.0.0.1:" + apiPort);
        Path cfg = Bascule.writeConfig("demo", demo);
        try (Bascule b = Bascule.start(cfg.getParent(), Map.of(), "demo", "-f", cfg.toString())) {
            b.awaitPort(proxyPort);
            awaitOutput(b, "Stop with Ctrl-C.");
            assertTrue(b.stdout().contains("curl -s http://127.0.0.1:" + proxyPort + "/"), b.stdout());
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Process p = new ProcessBuilder(curl, "-s", "--max-time", "10", "http://127.0.0.1:" + proxyPort + "/")
                        .start();
                answers.add(new String(p.getInputStream().readAllBytes()).trim());
                p.waitFor(15, TimeUnit.SECONDS);
            }
            assertEquals(List.of("Hello from web1", "Hello from web2", "Hello from web3",
                    "Hello from web1", "Hello from web2", "Hello from web3"), answers);
            assertTrue(b.stdout().contains("http://127.0.0.1:" + statsPort + "/stats"), b.stdout());
            // What the demo tells the user to try: web1 in maintenance, the traffic moves.
            assertTrue(b.stdout().contains("set server demo/web1 state maint' | socat stdio tcp:127.0.0.1:" + apiPort));
            try (java.net.Socket api = new java.net.Socket("127.0.0.1", apiPort)) {
                api.getOutputStream().write("set server demo/web1 state maint\n".getBytes());
                api.getInputStream().readAllBytes();
            }
            for (int i = 0; i < 4; i++) {
                Process p = new ProcessBuilder(curl, "-s", "--max-time", "10", "http://127.0.0.1:" + proxyPort + "/")
                        .start();
                String answer = new String(p.getInputStream().readAllBytes()).trim();
                p.waitFor(15, TimeUnit.SECONDS);
                assertTrue(!answer.equals("Hello from web1"), "web1 is in maintenance: " + answer);
            }
            assertEquals(0, b.stop());
        }
    }

    private static void awaitOutput(Bascule b, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!b.stdout().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the demo never printed '" + text + "':\n" + b.stdout() + b.stderr());
            }
            Thread.sleep(50);
        }
    }
}
