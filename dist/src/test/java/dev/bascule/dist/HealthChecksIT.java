package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator's servers fail and come back; Bascule's checks notice, log it in HAProxy's words, and keep
 * clients away from the dead ones.
 */
class HealthChecksIT {
    private static final String DOWN_L4 = "reason: Layer4 connection problem, info: \"Connection refused\", "
            + "check duration: \\d+ms";

    @Test
    void a_stopped_server_goes_down_gets_no_traffic_and_comes_back_up() throws Exception {
        TestServer a = TestServer.start(TestServer.named("a"));
        int aPort = a.port();
        try (TestServer b = TestServer.start(TestServer.named("b"))) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("checks", TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        retries 0
                        server a 127.0.0.1:%d check inter 200 rise 2 fall 2
                        server b 127.0.0.1:%d check inter 200 rise 2 fall 2
                    """.formatted(port, aPort, b.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                Thread.sleep(600);
                a.close();
                long stopped = System.nanoTime();
                proxy.awaitLog("Server svc/a is DOWN, " + DOWN_L4 + "\\. 1 active and 0 backup servers left\\. "
                        + "0 sessions active, 0 requeued, 0 remaining in queue\\.", 5000);
                long detectMs = (System.nanoTime() - stopped) / 1_000_000;
                // fall (2) checks at inter or fastinter, plus at most one interval of phase: well under a second.
                assertTrue(detectMs < 2000, "detected after " + detectMs + " ms");
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    answers.add(TcpProxyIT.firstLine(port));
                }
                assertEquals(List.of("b", "b", "b", "b", "b", "b", "b", "b", "b", "b"), answers,
                        "no client is sent to the DOWN server");

                a = TestServer.start(TestServer.named("a"), aPort);
                proxy.awaitLog("Server svc/a is UP, reason: Layer4 check passed, check duration: \\d+ms\\. 2 active "
                        + "and 0 backup servers online\\. 0 sessions requeued, 0 total in queue\\.", 5000);
                List<String> after = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    after.add(TcpProxyIT.firstLine(port));
                }
                assertEquals(2, after.stream().filter("a"::equals).count(), after.toString());
            } finally {
                a.close();
            }
        }
    }

    @Test
    void the_backup_serves_only_while_every_active_server_is_down() throws Exception {
        TestServer active = TestServer.start(TestServer.named("active"));
        int activePort = active.port();
        try (TestServer backup = TestServer.start(TestServer.named("backup"))) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("backup", TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        retries 0
                        server active 127.0.0.1:%d check inter 200 fall 1 rise 1
                        server spare 127.0.0.1:%d check inter 200 backup
                    """.formatted(port, activePort, backup.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                assertEquals("active", TcpProxyIT.firstLine(port));
                active.close();
                proxy.awaitLog("Server svc/active is DOWN, " + DOWN_L4 + "\\. 0 active and 1 backup servers left",
                        5000);
                assertEquals("backup", TcpProxyIT.firstLine(port));
                backup.close();
                proxy.awaitLog("backend svc has no server available!", 5000);
                active = TestServer.start(TestServer.named("active"), activePort);
                proxy.awaitLog("Server svc/active is UP", 5000);
                assertEquals("active", TcpProxyIT.firstLine(port));
            } finally {
                active.close();
            }
        }
    }

    @Test
    void http_checks_against_a_real_nginx() throws Exception {
        try (NginxServer web = NginxServer.start("web1")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("httpchk", TcpProxyIT.config("""
                    backend legacy
                        option httpchk HEAD / HTTP/1.0
                        option log-health-checks
                        server n1 127.0.0.1:%2$d check inter 200
                    backend modern
                        option httpchk
                        http-check send meth GET uri /health ver HTTP/1.1 hdr Host localhost
                        http-check expect status 200
                        http-check expect string healthy
                        option log-health-checks
                        server n1 127.0.0.1:%2$d check inter 200
                    listen front
                        bind 127.0.0.1:%1$d
                        server n1 127.0.0.1:%2$d
                    """.formatted(port, web.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                proxy.awaitLog("Health check for server legacy/n1 succeeded, reason: Layer7 check passed, code: 200, "
                        + "info: \"OK\", check duration: \\d+ms, status: 3/3 UP\\.", 5000);
                proxy.awaitLog("Health check for server modern/n1 succeeded, reason: Layer7 check passed, code: 200",
                        5000);
                Files.writeString(web.downFlag(), "");
                // nginx's words for 503: HAProxy's info is the server's reason phrase. With log-health-checks the
                // check's line has the reason, the state change's not (HAProxy 2.6.12's).
                proxy.awaitLog("Health check for server modern/n1 failed, reason: Layer7 wrong status, code: 503, "
                        + "info: \"Service Temporarily Unavailable\", check duration: \\d+ms", 5000);
                proxy.awaitLog("Server modern/n1 is DOWN\\. 0 active and 0 backup servers left\\.", 5000);
                Files.delete(web.downFlag());
                proxy.awaitLog("Server modern/n1 is UP\\. 1 active and 0 backup servers online", 5000);
            }
        }
    }

    @Test
    void redis_check_and_tcp_check_against_a_real_redis() throws Exception {
        Path dir = Bascule.workDir("redis-check");
        RedisServer redis = RedisServer.start(dir);
        try {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("redis-check", TcpProxyIT.config("""
                    backend pong
                        option redis-check
                        option log-health-checks
                        server r1 127.0.0.1:%2$d check inter 200
                    backend rules
                        option tcp-check
                        tcp-check connect
                        tcp-check send "PING\\r\\n"
                        tcp-check expect string +NOPE
                        server r1 127.0.0.1:%2$d check inter 200
                    listen front
                        bind 127.0.0.1:%1$d
                        server r1 127.0.0.1:%2$d
                    """.formatted(port, redis.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                proxy.awaitLog("Health check for server pong/r1 succeeded, reason: Layer7 check passed, info: "
                        + "\"\\(tcp-check\\)\"", 5000);
                // Redis answers +PONG and keeps the connection open: the rule waits for more, then times out.
                proxy.awaitLog("Server rules/r1 is DOWN, reason: Layer7 timeout, info: \"at step 3 of tcp-check "
                        + "\\(expect string '\\+NOPE'\\)\"", 5000);
                redis.close();
                proxy.awaitLog("Health check for server pong/r1 failed, " + DOWN_L4, 5000);
                proxy.awaitLog("Server pong/r1 is DOWN\\. ", 5000);
            }
        } finally {
            redis.close();
        }
    }

    @Test
    void sessions_are_shut_down_when_their_server_is_marked_down() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            TestServer health = TestServer.start(TestServer.silent());
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("shutdown", TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        server s1 127.0.0.1:%d check port %d inter 200 fall 1 on-marked-down shutdown-sessions
                    """.formatted(port, echo.port(), health.port())));
            try (Bascule proxy = Bascule.serve(cfg, port); Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write('x');
                assertEquals('x', client.getInputStream().read());
                health.close();
                proxy.awaitLog("Server svc/s1 is DOWN, " + DOWN_L4 + "\\. 0 active and 0 backup servers left\\. "
                        + "1 sessions active", 5000);
                assertEquals(-1, client.getInputStream().read(), "the session was closed");
            } finally {
                health.close();
            }
        }
    }

    @Test
    void observed_connection_errors_mark_a_server_down() throws Exception {
        int closed = Ports.free();
        try (TestServer health = TestServer.start(TestServer.silent());
             TestServer b = TestServer.start(TestServer.named("b"))) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("observe", TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        retries 0
                        server dead 127.0.0.1:%d check port %d inter 10s observe layer4 error-limit 2 on-error mark-down
                        server b 127.0.0.1:%d
                    """.formatted(port, closed, health.port(), b.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                for (int i = 0; i < 4; i++) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(5000);
                        s.getInputStream().read();
                    }
                }
                proxy.awaitLog("Server svc/dead is DOWN, reason: Health analyze, info: \"Detected 2 consecutive "
                        + "errors, last one was: L4 unsuccessful connection\"", 5000);
                assertEquals("b", TcpProxyIT.firstLine(port));
            }
        }
    }

    @Test
    void an_agent_can_take_a_server_down_and_bring_it_back() throws Exception {
        AtomicReference<String> says = new AtomicReference<>("up 100%");
        try (TestServer app = TestServer.start(TestServer.named("app"));
             TestServer agent = TestServer.start(TestServer.reply(says::get))) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("agent", TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        server app 127.0.0.1:%d agent-check agent-port %d agent-inter 200
                    """.formatted(port, app.port(), agent.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                assertEquals("app", TcpProxyIT.firstLine(port));
                says.set("down");
                proxy.awaitLog("Server svc/app is DOWN, reason: Layer7 wrong status, info: \"agent reports down\"",
                        5000);
                assertEquals("", closedWithoutAnswer(port));
                says.set("up");
                proxy.awaitLog("Server svc/app is UP, reason: Layer7 wrong status, info: \"agent reports up\"", 5000);
                assertEquals("app", TcpProxyIT.firstLine(port));
            }
        }
    }

    @Test
    void mysql_and_pgsql_checks_against_real_servers() throws Exception {
        try (DatabaseServer mysql = DatabaseServer.mariadb(); DatabaseServer pg = DatabaseServer.postgres()) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("dbchecks", TcpProxyIT.config("""
                    backend galera
                        option mysql-check user haproxy post-41
                        option log-health-checks
                        server m1 127.0.0.1:%2$d check inter 200
                    backend galera_greeting
                        option mysql-check
                        option log-health-checks
                        server m1 127.0.0.1:%2$d check inter 200
                    backend galera_denied
                        option mysql-check user nobody post-41
                        server m1 127.0.0.1:%2$d check inter 200
                    backend patroni
                        option pgsql-check user postgres
                        option log-health-checks
                        server p1 127.0.0.1:%3$d check inter 200
                    listen front
                        bind 127.0.0.1:%1$d
                        server m1 127.0.0.1:%2$d
                    """.formatted(port, mysql.port, pg.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                proxy.awaitLog("Health check for server galera/m1 succeeded, reason: Layer7 check passed, check "
                        + "duration", 10_000);
                proxy.awaitLog("Health check for server galera_greeting/m1 succeeded, reason: Layer7 check passed, "
                        + "info: \"5\\.5\\.5-10", 10_000);
                proxy.awaitLog("Server galera_denied/m1 is DOWN, reason: Layer7 wrong status, code: 1045, info: "
                        + "\"Access denied for user 'nobody'", 10_000);
                proxy.awaitLog("Health check for server patroni/p1 succeeded, reason: Layer7 check passed, info: "
                        + "\"PostgreSQL server is ok\"", 10_000);
            }
        }
    }

    @Test
    void check_send_proxy_introduces_the_check_with_a_proxy_header() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("sendproxy", TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%1$d
                        option tcp-check
                        option log-health-checks
                        tcp-check expect rstring ^PROXY\\ TCP4\\ 127\\.0\\.0\\.1\\ 127\\.0\\.0\\.1\\ [0-9]+\\ %2$d\\r
                        server s1 127.0.0.1:%2$d check inter 200 check-send-proxy
                    """.formatted(port, echo.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                proxy.awaitLog("Health check for server svc/s1 succeeded, reason: Layer7 check passed", 5000);
            }
        }
    }

    @Test
    void ssl_hello_and_smtp_checks_against_real_servers() throws Exception {
        String openssl = Tools.require("openssl");
        String python = Tools.require("python3");
        Path dir = Bascule.workDir("tls-smtp");
        Process keygen = new ProcessBuilder(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-keyout", dir.resolve("key.pem").toString(), "-out",
                dir.resolve("cert.pem").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("keygen.log").toFile()).start();
        assertTrue(keygen.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && keygen.exitValue() == 0);
        int tls = Ports.free();
        int smtp = Ports.free();
        Process tlsServer = new ProcessBuilder(openssl, "s_server", "-accept", "127.0.0.1:" + tls, "-cert",
                dir.resolve("cert.pem").toString(), "-key", dir.resolve("key.pem").toString(), "-quiet")
                .redirectErrorStream(true).redirectOutput(dir.resolve("s_server.log").toFile()).start();
        // Python 3.11's own SMTP server (the smtpd module): a real SMTP dialogue, banner first.
        Process smtpServer = new ProcessBuilder(python, "-W", "ignore", "-m", "smtpd", "-n", "-c", "DebuggingServer",
                "127.0.0.1:" + smtp).redirectErrorStream(true).redirectOutput(dir.resolve("smtpd.log").toFile())
                .start();
        try {
            Processes.awaitListening(tls, tlsServer, dir.resolve("s_server.log"));
            Processes.awaitListening(smtp, smtpServer, dir.resolve("smtpd.log"));
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("tls-smtp", TcpProxyIT.config("""
                    backend tls
                        option ssl-hello-chk
                        option log-health-checks
                        server t1 127.0.0.1:%2$d check inter 500
                    backend mail
                        option smtpchk
                        option log-health-checks
                        server m1 127.0.0.1:%3$d check inter 500
                    listen front
                        bind 127.0.0.1:%1$d
                        server t1 127.0.0.1:%2$d
                    """.formatted(port, tls, smtp)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                proxy.awaitLog("Health check for server tls/t1 succeeded, reason: Layer6 check passed", 10_000);
                proxy.awaitLog("Health check for server mail/m1 succeeded, reason: Layer7 check passed, code: 250",
                        10_000);
            }
        } finally {
            Processes.stop(tlsServer);
            Processes.stop(smtpServer);
        }
    }

    private static String closedWithoutAnswer(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
