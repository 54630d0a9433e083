package dev.bascule.dist;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 2 GiB upload and a 2 GiB download pass through a proxy whose heap and direct memory are capped at
 * 64 MiB each: bodies are streamed with backpressure, never gathered. The JVM is started with
 * ExitOnOutOfMemoryError, so buffering a body would end the process and fail the transfer.
 */
class LargeBodiesIT {
    private static final long SIZE = 2L << 30;

    @Test
    void two_gibibytes_go_up_and_come_down_through_a_64_mib_proxy() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/upload", exchange -> {
            long received = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = exchange.getRequestBody()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    received += n;
                }
            }
            byte[] body = ("received " + received + "\n").getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/download", exchange -> {
            exchange.sendResponseHeaders(200, SIZE);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < SIZE; sent += chunk.length) {
                    out.write(chunk);
                }
            }
        });
        server.start();
        Path dir = Bascule.workDir("large-bodies");
        Path file = dir.resolve("two-gib.bin");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(SIZE);
        }
        try {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("large-bodies", """
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 30s
                        timeout server 30s
                    listen www
                        bind 127.0.0.1:%d
                        server web 127.0.0.1:%d
                    """.formatted(port, server.getAddress().getPort()));
            Map<String, String> small = Map.of("JAVA_OPTS", "-Xmx64m -XX:MaxDirectMemorySize=64m");
            try (Bascule proxy = Bascule.serve(cfg, port, small)) {
                String url = "http://127.0.0.1:" + port;
                assertEquals("received " + SIZE + "\n200",
                        Curl.output(120, "-T", file.toString(), "-H", "Expect:", "-w", "%{http_code}", url + "/upload"));
                Path hundredKb = dir.resolve("small.bin");
                Files.write(hundredKb, new byte[100_000]);
                // curl waits for the server's 100 Continue, which must pass through the proxy.
                assertEquals("received 100000\n200", Curl.output(120, "-T", hundredKb.toString(), "-H", "Expect: 100-continue",
                        "--expect100-timeout", "30", "-w", "%{http_code}", url + "/upload"));
                assertEquals(SIZE + " 200",
                        Curl.output(120, "-o", "/dev/null", "-w", "%{size_download} %{http_code}", url + "/download"));
                assertTrue(!proxy.stderr().contains("OutOfMemory"), proxy.stderr());
            }
        } finally {
            server.stop(0);
            Files.deleteIfExists(file);
        }
    }
}
