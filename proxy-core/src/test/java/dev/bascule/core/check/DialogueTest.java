package dev.bascule.core.check;

import dev.bascule.config.model.CheckSettings;
import dev.bascule.config.model.CheckSettings.Expect;
import dev.bascule.config.model.CheckSettings.TcpRule;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Each protocol check against canned server answers; the real servers are in the end-to-end tests. */
class DialogueTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();

    private String sent() {
        StringBuilder b = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            b.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        return b.toString();
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static ByteBuf hex(String h) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(h));
    }

    @Test
    void redis_check_sends_ping_and_wants_pong() {
        Dialogue d = TcpRulesDialogue.redis();
        assertNull(d.connected(channel));
        assertEquals("PING\r\n", sent());
        assertNull(d.received(channel, bytes("+PO"), false), "waits for the rest");
        assertEquals(CheckStatus.L7OK, d.received(channel, bytes("+PONG\r\n"), false).status());
        Dialogue loading = TcpRulesDialogue.redis();
        loading.connected(channel);
        Dialogue.Verdict v = loading.received(channel, bytes("-LOADING Redis is loading\r\n"), true);
        assertEquals(CheckStatus.L7RSP, v.status());
        assertEquals("TCPCHK did not match content '+PONG' at step 2", v.info());
    }

    @Test
    void tcp_check_rules_run_in_order() {
        Dialogue d = new TcpRulesDialogue(List.of(
                new TcpRule("connect", 0, false, null, null),
                new TcpRule("expect", 0, false, null, new Expect("rstring", "^220 ", false)),
                new TcpRule("send-binary", 0, false, "0d0a", null),
                new TcpRule("expect", 0, false, null, new Expect("binary", "4f4b", false))));
        assertNull(d.connected(channel));
        assertEquals("", sent());
        assertNull(d.received(channel, bytes("220 ready\r\n"), false));
        assertEquals("\r\n", sent());
        assertEquals(CheckStatus.L7OK, d.received(channel, bytes("OK"), false).status());
        Dialogue connectOnly = new TcpRulesDialogue(List.of(new TcpRule("connect", 1883, false, null, null)));
        assertEquals(CheckStatus.L4OK, connectOnly.connected(channel).status());
    }

    @Test
    void http_check_default_expects_2xx_or_3xx_and_reports_status_and_reason() {
        CheckSettings s = new CheckSettings(CheckSettings.Type.HTTP, new CheckSettings.HttpRequest("HEAD", "/",
                "HTTP/1.0", List.of(), ""), List.of(), List.of(), null, false, 0, false, false, false);
        Dialogue d = new HttpDialogue(s);
        d.connected(channel);
        assertEquals("HEAD / HTTP/1.0\r\nConnection: close\r\n\r\n", sent());
        Dialogue.Verdict ok = d.received(channel, bytes("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n"), false);
        assertEquals(new Dialogue.Verdict(CheckStatus.L7OK, 200, "OK"), ok);
        Dialogue.Verdict down = new HttpDialogue(s).received(channel, bytes("HTTP/1.1 503 Service Unavailable\r\n"),
                false);
        assertEquals(new Dialogue.Verdict(CheckStatus.L7STS, 503, "Service Unavailable"), down);
        assertEquals(CheckStatus.L7RSP, new HttpDialogue(s).received(channel, bytes("SSH-2.0-OpenSSH\r\n"), false)
                .status());
    }

    @Test
    void http_check_expect_rules_on_status_and_body() {
        CheckSettings s = new CheckSettings(CheckSettings.Type.HTTP, CheckSettings.HttpRequest.DEFAULT,
                List.of(new Expect("status", "200-299", false), new Expect("string", "healthy", false)), List.of(),
                null, false, 0, false, false, false);
        assertNull(new HttpDialogue(s).received(channel, bytes("HTTP/1.1 200 OK\r\n\r\nhea"), false),
                "a body rule waits for the body");
        assertEquals(CheckStatus.L7OK, new HttpDialogue(s).received(channel,
                bytes("HTTP/1.1 200 OK\r\n\r\nI am healthy"), true).status());
        Dialogue.Verdict v = new HttpDialogue(s).received(channel, bytes("HTTP/1.1 200 OK\r\n\r\nsick"), true);
        assertEquals(CheckStatus.L7RSP, v.status());
        assertEquals("HTTP content check did not match", v.info());
    }

    @Test
    void mysql_check_reads_the_greeting_and_logs_in_when_given_a_user() {
        String greeting = "4a0000000a352e372e3430000a000000" + "00".repeat(62);
        Dialogue plain = new MysqlDialogue(null, false);
        Dialogue.Verdict v = plain.received(channel, hex(greeting), false);
        assertEquals(CheckStatus.L7OK, v.status());
        assertEquals("5.7.40", v.info());
        Dialogue withUser = new MysqlDialogue("haproxy", true);
        assertNull(withUser.received(channel, hex(greeting), false));
        String login = sent();
        assertEquals('\u0001', login.charAt(3), "sequence 1");
        assertEquals(CheckStatus.L7OK, withUser.received(channel, hex("0700000200000002000000"), false).status());
        Dialogue denied = new MysqlDialogue("haproxy", true);
        denied.received(channel, hex(greeting), false);
        Dialogue.Verdict no = denied.received(channel, Unpooled.wrappedBuffer(HexFormat.of().parseHex("16000002ff1504"
                + "233432303030"), "Access denied".getBytes(StandardCharsets.US_ASCII)), false);
        assertEquals(CheckStatus.L7STS, no.status());
        assertEquals(1045, no.code());
    }

    @Test
    void pgsql_check_wants_an_authentication_request() {
        Dialogue d = new PgsqlDialogue("haproxy");
        d.connected(channel);
        String startup = sent();
        assertEquals("user\0haproxy\0database\0haproxy\0\0", startup.substring(8));
        assertEquals(CheckStatus.L7OK, d.received(channel, hex("5200000008000000"), false).status());
        Dialogue.Verdict e = new PgsqlDialogue("x").received(channel, Unpooled.wrappedBuffer(
                HexFormat.of().parseHex("450000002a53464154414c00"), "Mrole \"x\" does not exist\0\0"
                        .getBytes(StandardCharsets.US_ASCII)), false);
        assertEquals(CheckStatus.L7STS, e.status());
        assertEquals("role \"x\" does not exist", e.info());
    }

    @Test
    void smtp_ssl_and_ldap_checks() {
        Dialogue smtp = new SmtpDialogue();
        assertNull(smtp.received(channel, bytes("220-mail.example ESMTP\r\n220 ready\r\n"), false));
        assertEquals("HELO localhost\r\n", sent());
        assertEquals(CheckStatus.L7OK, smtp.received(channel, bytes("250 hello\r\n"), false).status());
        assertEquals("QUIT\r\n", sent());
        assertEquals(CheckStatus.L7STS, new SmtpDialogue().received(channel, bytes("554 go away\r\n"), false).status());

        Dialogue ssl = SimpleBinaryDialogue.sslHello();
        ssl.connected(channel);
        assertEquals(0x16, sent().charAt(0));
        assertEquals(CheckStatus.L6OK, ssl.received(channel, hex("15030100020246"), false).status());
        assertEquals(CheckStatus.L6RSP, ssl.received(channel, bytes("HTTP/1.1 400"), false).status());

        Dialogue ldap = SimpleBinaryDialogue.ldap();
        assertEquals(CheckStatus.L7OK, ldap.received(channel, hex("300c02010161070a010004000400"), false).status());
        assertEquals(CheckStatus.L7STS, ldap.received(channel, hex("300c02010161070a013104000400"), false).status());
    }
}
