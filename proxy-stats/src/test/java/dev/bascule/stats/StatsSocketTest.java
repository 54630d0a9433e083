package dev.bascule.stats;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.Source;
import dev.bascule.core.Transport;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The socket as socat talks to it: one-shot answers, ';' lists, the interactive prompt, the socket's level. */
class StatsSocketTest {
    private static TestProxy proxy;
    private static EventLoopGroup loops;
    private static StatsSocket user;
    private static StatsSocket admin;
    private static int userPort;
    private static int adminPort;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start();
        Transport transport = Transport.select(false);
        loops = transport.newEventLoops(1, "stats-test");
        userPort = TestProxy.freePort();
        adminPort = TestProxy.freePort();
        user = StatsSocket.start(socket(userPort, "user"), proxy.runtime, transport, loops,
                Global.DEFAULT_STATS_TIMEOUT_MS, Global.DEFAULT_STATS_MAXCONN);
        admin = StatsSocket.start(socket(adminPort, "admin"), proxy.runtime, transport, loops,
                Global.DEFAULT_STATS_TIMEOUT_MS, Global.DEFAULT_STATS_MAXCONN);
    }

    private static dev.bascule.config.model.StatsSocket socket(int port, String level) {
        return new dev.bascule.config.model.StatsSocket(new Source("t.cfg", 1), Address.inet("127.0.0.1", port),
                level, null, false);
    }

    @AfterAll
    static void stop() {
        user.close();
        admin.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        proxy.close();
    }

    /**
     * {@code stats timeout 300ms} closes a silent client, interactive or not; {@code stats maxconn 1} keeps the
     * next client in the backlog until the first leaves, then serves it.
     */
    @Test
    void stats_timeout_and_maxconn_as_haproxy_applies_them() throws Exception {
        int port = TestProxy.freePort();
        StatsSocket limited = StatsSocket.start(socket(port, "admin"), proxy.runtime, Transport.select(false), loops,
                300, 1);
        try (Socket first = new Socket("127.0.0.1", port);
             Socket second = new Socket("127.0.0.1", port)) {
            first.getOutputStream().write("prompt\n".getBytes(StandardCharsets.US_ASCII));
            second.getOutputStream().write("show info\n".getBytes(StandardCharsets.US_ASCII));
            second.setSoTimeout(5_000);
            long start = System.nanoTime();
            // The first client holds the only slot: the second's answer comes once the first is timed out.
            String answer = new String(second.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answer.contains("Name:"), answer);
            assertTrue(waitedMs >= 200, "served after " + waitedMs + " ms, before the first client left");
            first.setSoTimeout(5_000);
            assertEquals("\n> ", new String(first.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8), "the silent interactive client was closed");
        } finally {
            limited.close();
        }
    }

    @Test
    void a_one_shot_answer_ends_with_an_empty_line_as_haproxys() {
        assertEquals("1 (initial 1)\n\n", TestProxy.request(adminPort, "get weight app/s1\n"));
        assertEquals("\n", TestProxy.request(adminPort, "set weight app/s2 1\n"), "nothing to say: the empty line");
        String stat = TestProxy.request(adminPort, "show stat\n");
        assertTrue(stat.startsWith("# pxname,svname,"), stat);
        assertTrue(stat.endsWith(",\n\n"), stat);
    }

    @Test
    void each_command_of_a_list_gets_its_own_end() {
        assertEquals("1 (initial 1)\n\n1 (initial 1)\n\n",
                TestProxy.request(adminPort, "get weight app/s1; get weight app/s2\n"));
    }

    @Test
    void the_prompt_follows_each_answer_in_interactive_mode() {
        assertEquals("\n> 1 (initial 1)\n\n> ", TestProxy.request(adminPort, "prompt\nget weight app/s1\nquit\n"));
    }

    @Test
    void the_socket_level_applies() {
        assertEquals("Permission denied\n\n", TestProxy.request(userPort, "disable server app/s1\n"));
        assertEquals("no check", StatsCsv.status(proxy.runtime.backend("app").servers().get(0)));
        assertTrue(TestProxy.request(userPort, "show servers state app\n").startsWith("1\n# be_id be_name srv_id "));
    }
}
