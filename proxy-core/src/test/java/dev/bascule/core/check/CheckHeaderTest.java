package dev.bascule.core.check;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.SendProxy;
import dev.bascule.config.model.Server;
import dev.bascule.core.stream.Loopback;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which health checks begin with a PROXY header, and of which version, as HAProxy decides it. */
class CheckHeaderTest {
    private static SendProxy header(String serverLine) {
        Backend b = Loopback.parse("""
                defaults
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                backend b
                    %s
                """.formatted(serverLine)).backends().get(0);
        Server s = b.servers().get(0);
        return HealthChecker.checkHeader(s, s.check(), b.checks());
    }

    @Test
    void the_traffic_s_header_goes_with_checks_to_its_own_address_only() {
        assertEquals(new SendProxy(2, Set.of()), header("server s 127.0.0.1:80 check send-proxy-v2 "
                + "proxy-v2-options crc32c"));
        assertEquals(new SendProxy(1, Set.of()), header("server s 127.0.0.1:80 check send-proxy"));
        assertNull(header("server s 127.0.0.1:80 check send-proxy-v2 port 8080"));
        assertNull(header("server s 127.0.0.1:80 check send-proxy addr 127.0.0.2"));
        assertNull(header("server s 127.0.0.1:80 check"));
    }

    @Test
    void check_send_proxy_forces_one_of_the_traffic_s_version_else_version_1() {
        assertEquals(new SendProxy(2, Set.of()), header("server s 127.0.0.1:80 check send-proxy-v2 port 8080 "
                + "check-send-proxy"));
        assertEquals(new SendProxy(1, Set.of()), header("server s 127.0.0.1:80 check check-send-proxy"));
    }
}
