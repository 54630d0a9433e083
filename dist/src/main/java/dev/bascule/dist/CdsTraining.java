package dev.bascule.dist;

import dev.bascule.config.model.Address;
import dev.bascule.core.Transport;
import io.netty.channel.EventLoopGroup;
import sun.misc.Signal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run behind {@code lib/bascule.jsa}, the class-data archive bin/bascule starts with (AppCDS):
 * the build runs it under {@code -XX:ArchiveClassesAtExit}. It starts the real command line on a config like a
 * user's (an HTTP and a TCP proxy, a stats page), sends one request of each kind through, then stops the way an
 * operator does, with SIGTERM, so that the archive holds what a real start loads. Not for users.
 */
final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        int web = freePort();
        int http = freePort();
        int tcp = freePort();
        int stats = freePort();
        Path cfg = Files.createTempFile("bascule-cds", ".cfg");
        Files.writeString(cfg, """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend web
                    bind 127.0.0.1:%d
                    option forwardfor
                    default_backend pool
                backend pool
                    balance roundrobin
                    server s1 127.0.0.1:%d check
                listen raw
                    mode tcp
                    bind 127.0.0.1:%d
                    server s1 127.0.0.1:%d
                listen stats
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                """.formatted(http, web, tcp, web, stats));
        // The default polling system's classes, which a start from the archive loads.
        Transport transport = Transport.select(null, null).transport();
        EventLoopGroup loops = transport.newEventLoops(1, "training");
        DemoBackend backend = DemoBackend.start("training", Address.inet("127.0.0.1", web), loops, transport);
        Thread client = new Thread(() -> {
            try {
                exchange(http, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                exchange(tcp, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                exchange(stats, "GET /stats;csv HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                exchange(stats, "GET /stats HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            } catch (IOException | InterruptedException e) {
                System.err.println("CDS training: " + e);
            } finally {
                Signal.raise(new Signal("TERM"));
            }
        }, "cds-training-client");
        client.setDaemon(true);
        client.start();
        cfg.toFile().deleteOnExit();
        // Returns through System.exit, as a real stop does: the JVM writes the archive then.
        Main.main(new String[] {"-q", "-f", cfg.toString()});
    }

    /** Sends a request once the port listens and reads the answer to its end. */
    private static void exchange(int port, String request) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = s.getInputStream();
                in.readAllBytes();
                return;
            } catch (IOException e) {
                if (attempt >= 200) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
