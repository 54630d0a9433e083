package dev.bascule.config;

import dev.bascule.config.model.SendProxy;
import dev.bascule.config.model.Server;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bind ... accept-proxy} and the {@code send-proxy} family into the model, as HAProxy combines them. */
class SendProxyConfigTest {
    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static List<Server> servers(String backend) {
        ParseResult r = parse("backend b\n" + backend);
        assertTrue(r.valid(), () -> r.diagnostics().toString());
        return r.config().backends().get(0).servers();
    }

    private static List<String> warnings(ParseResult r) {
        return r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING)
                .map(Diagnostic::text).toList();
    }

    @Test
    void accept_proxy_is_a_supported_bind_option() {
        ParseResult r = parse("frontend f\n    bind 127.0.0.1:8080 accept-proxy\n    bind 127.0.0.1:8081\n");
        assertTrue(r.valid(), () -> r.diagnostics().toString());
        assertTrue(r.config().frontends().get(0).binds().get(0).options().acceptProxy());
        assertFalse(r.config().frontends().get(0).binds().get(1).options().acceptProxy());
        assertTrue(warnings(r).stream().noneMatch(w -> w.contains("accept-proxy")), warnings(r)::toString);
    }

    @Test
    void expect_proxy_layer4_is_a_connection_rule_only() {
        ParseResult r = parse("frontend f\n    bind 127.0.0.1:8080\n"
                + "    tcp-request connection expect-proxy layer4 if { src 10.0.0.0/8 }\n");
        assertTrue(r.valid(), () -> r.diagnostics().toString());
        assertEquals(dev.bascule.config.model.TcpRule.Action.EXPECT_PROXY,
                r.config().frontends().get(0).tcpRequest().connection().get(0).action());
        ParseResult session = parse("frontend f\n    bind 127.0.0.1:8080\n    tcp-request session expect-proxy layer4\n");
        assertFalse(session.valid());
        ParseResult layer = parse("frontend f\n    bind 127.0.0.1:8080\n    tcp-request connection expect-proxy layer7\n");
        assertTrue(layer.diagnostics().stream().anyMatch(d -> d.text().contains("only supports 'layer4'")),
                layer.diagnostics().toString());
    }

    @Test
    void versions_and_options_combine_as_in_haproxy() {
        List<Server> s = servers("""
                    default-server send-proxy
                    server v1 127.0.0.1:80
                    server v2 127.0.0.1:80 send-proxy-v2
                    server off 127.0.0.1:80 no-send-proxy
                    server ssl 127.0.0.1:80 send-proxy-v2-ssl-cn
                    server opts 127.0.0.1:80 send-proxy-v2 proxy-v2-options ssl-cipher,crc32c,authority,unique-id
                    server undone 127.0.0.1:80 send-proxy-v2-ssl no-send-proxy-v2-ssl no-send-proxy
                """);
        assertEquals(new SendProxy(1, Set.of()), s.get(0).sendProxy());
        assertEquals(new SendProxy(2, Set.of()), s.get(1).sendProxy(), "version 2 wins over the inherited 1");
        assertNull(s.get(2).sendProxy());
        assertEquals(new SendProxy(2, Set.of("ssl", "cert-cn")), s.get(3).sendProxy());
        assertEquals(new SendProxy(2, Set.of("ssl", "ssl-cipher", "crc32c", "authority", "unique-id")),
                s.get(4).sendProxy(), "ssl-cipher is part of the SSL TLV");
        assertEquals(new SendProxy(2, Set.of()), s.get(5).sendProxy());
    }

    @Test
    void an_unknown_option_is_an_alert_and_the_unsent_ones_warn() {
        ParseResult bad = parse("backend b\n    server s 127.0.0.1:80 send-proxy-v2 proxy-v2-options ssl,bogus\n");
        assertFalse(bad.valid());
        assertTrue(bad.diagnostics().stream().anyMatch(d -> d.text().contains("'proxy-v2-options' : unknown option "
                + "'bogus'; supported: authority, cert-cn, cert-key, cert-sig, crc32c, ssl, ssl-cipher, unique-id")),
                bad.diagnostics().toString());
        ParseResult warned = parse("backend b\n    server s 127.0.0.1:80 send-proxy-v2 proxy-v2-options cert-sig\n");
        assertTrue(warned.valid(), () -> warned.diagnostics().toString());
        assertTrue(warnings(warned).stream().anyMatch(w -> w.contains("option 'cert-sig' is parsed but not "
                + "implemented yet")), warned.diagnostics().toString());
    }
}
