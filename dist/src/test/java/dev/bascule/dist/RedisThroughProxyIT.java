package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The seed "Redis behind a load balancer": two real redis-servers behind a {@code listen} section in TCP
 * mode, used with redis-cli and with a pipelining client, as applications do.
 */
class RedisThroughProxyIT {

    @Test
    void redis_cli_reaches_the_servers_in_turn_through_the_proxy() throws Exception {
        Path dir = Bascule.workDir("redis");
        try (RedisServer r1 = RedisServer.start(dir); RedisServer r2 = RedisServer.start(dir)) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("redis", TcpProxyIT.config("""
                    listen redis
                        bind 127.0.0.1:%d
                        balance roundrobin
                        server r1 127.0.0.1:%d weight 1
                        server r2 127.0.0.1:%d weight 1
                    """.formatted(port, r1.port, r2.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                assertEquals("PONG", RedisServer.cli(port, "PING"));
                // Each redis-cli run is a new connection: round robin alternates the servers.
                List<String> ports = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ports.add(RedisServer.cli(port, "CONFIG", "GET", "port").split("\\s+")[1]);
                }
                // PING took r1's turn, so the next connection goes to r2.
                String p1 = String.valueOf(r1.port);
                String p2 = String.valueOf(r2.port);
                assertEquals(List.of(p2, p1, p2, p1), ports);

                assertEquals("OK", RedisServer.cli(port, "SET", "greeting", "hello"));
                assertEquals("hello", RedisServer.cli(r2.port, "GET", "greeting"), "the SET went to r2");
                assertEquals(0, proxy.stop());
            }
        }
    }

    @Test
    void a_pipelining_client_gets_every_reply_in_order() throws Exception {
        Path dir = Bascule.workDir("redis-pipe");
        try (RedisServer redis = RedisServer.start(dir)) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("redis-pipe", TcpProxyIT.config("""
                    listen redis
                        bind 127.0.0.1:%d
                        server r1 127.0.0.1:%d
                    """.formatted(port, redis.port)));
            try (Bascule proxy = Bascule.serve(cfg, port); Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                int n = 20_000;
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
                for (int i = 0; i < n; i++) {
                    command(out, "SET", "key:" + i, "value-" + i);
                }
                for (int i = 0; i < n; i++) {
                    command(out, "GET", "key:" + i);
                }
                out.flush();
                InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
                for (int i = 0; i < n; i++) {
                    assertEquals("+OK", line(in), "reply to SET " + i);
                }
                for (int i = 0; i < n; i++) {
                    String value = "value-" + i;
                    assertEquals("$" + value.length(), line(in), "reply to GET " + i);
                    assertEquals(value, line(in));
                }
                assertEquals(String.valueOf(n), RedisServer.cli(redis.port, "DBSIZE"));
            }
        }
    }

    /** Writes a command in RESP, the way Redis clients do. */
    private static void command(OutputStream out, String... args) throws IOException {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed after '" + b + "'");
            }
            b.append((char) c);
        }
        in.read();
        return b.toString();
    }
}
