package dev.bascule.core.proxyprotocol;

import dev.bascule.config.model.SendProxy;
import dev.bascule.core.tls.TlsSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The headers a {@code send-proxy[-v2]} server gets, byte for byte as HAProxy writes them, and read back. */
class ProxyHeaderEncoderTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 51234);
    private static final InetSocketAddress FRONT = new InetSocketAddress("198.51.100.1", 443);
    private static final SendProxy V1 = new SendProxy(1, Set.of());

    private static String v1(SocketAddress src, SocketAddress dst) {
        ByteBuf b = ProxyHeaderEncoder.encode(ByteBufAllocator.DEFAULT, V1, src, dst, ProxyHeaderEncoder.Facts.NONE);
        try {
            return b.toString(StandardCharsets.US_ASCII);
        } finally {
            b.release();
        }
    }

    private static ByteBuf v2(Set<String> options, SocketAddress src, SocketAddress dst,
                              ProxyHeaderEncoder.Facts facts) {
        return ProxyHeaderEncoder.encode(ByteBufAllocator.DEFAULT, new SendProxy(2, options), src, dst, facts);
    }

    @Test
    void version_1_lines() {
        assertEquals("PROXY TCP4 192.0.2.10 198.51.100.1 51234 443\r\n", v1(CLIENT, FRONT));
        assertEquals("PROXY TCP6 2001:db8::7 2001:db8::1 40000 80\r\n",
                v1(new InetSocketAddress("2001:db8::7", 40000), new InetSocketAddress("2001:db8::1", 80)));
        assertEquals("PROXY TCP6 ::ffff:192.0.2.10 2001:db8::1 51234 80\r\n",
                v1(CLIENT, new InetSocketAddress("2001:db8::1", 80)));
        assertEquals("PROXY UNKNOWN\r\n", v1(new DomainSocketAddress("/run/x.sock"), FRONT));
    }

    @Test
    void a_plain_version_2_header() {
        ByteBuf b = v2(Set.of(), CLIENT, FRONT, ProxyHeaderEncoder.Facts.NONE);
        assertEquals("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c" + "c000020a" + "c6336401" + "c822" + "01bb",
                ByteBufUtil.hexDump(b));
        b.release();
    }

    @Test
    void a_unix_client_gets_the_local_command() {
        ByteBuf b = v2(Set.of(), new DomainSocketAddress("/run/x.sock"), FRONT, ProxyHeaderEncoder.Facts.NONE);
        assertEquals("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000", ByteBufUtil.hexDump(b));
        b.release();
    }

    @Test
    void the_checksum_is_crc32c_over_the_header_with_its_field_zeroed() {
        CRC32C known = new CRC32C();
        known.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283L, known.getValue(), "the CRC32c check value of RFC 3720");

        ByteBuf b = v2(Set.of("crc32c"), CLIENT, FRONT, ProxyHeaderEncoder.Facts.NONE);
        assertEquals(16 + 12 + 7, b.readableBytes());
        assertEquals(0x03, b.getByte(28));
        long sent = b.getUnsignedInt(31);
        b.setInt(31, 0);
        CRC32C crc = new CRC32C();
        crc.update(b.nioBuffer());
        assertEquals(crc.getValue(), sent);
        b.setInt(31, (int) sent);
        HeaderParser.Result r = HeaderParser.parse(b);
        assertTrue(r instanceof HeaderParser.Parsed p && p.length() == 35 && p.header().source().equals(CLIENT), r::toString);
        b.release();
    }

    @Test
    void the_ssl_tlv_tells_the_client_connection_s_tls() {
        TlsSession tls = new TlsSession("TLSv1.3", "TLS_AES_128_GCM_SHA256", "www.example.com", "h2",
                new TlsSession.ClientCertificate("/C=FR/O=Example/CN=alice", "/CN=ca"), false);
        ByteBuf b = v2(Set.of("ssl", "cert-cn", "ssl-cipher", "authority"), CLIENT, FRONT,
                new ProxyHeaderEncoder.Facts(tls, "www.example.com", null));
        String hex = ByteBufUtil.hexDump(b);
        // ALPN, then the authority, then SSL: client SSL + certificate on the connection and in the session,
        // verify 0, version, CN, cipher.
        String alpn = "01" + "0002" + hex("h2");
        String authority = "02" + "000f" + hex("www.example.com");
        String ssl = "20" + String.format("%04x", 5 + 3 + 7 + 3 + 5 + 3 + 22) + "07" + "00000000"
                + "21" + "0007" + hex("TLSv1.3") + "22" + "0005" + hex("alice")
                + "23" + "0016" + hex("TLS_AES_128_GCM_SHA256");
        assertTrue(hex.endsWith(alpn + authority + ssl), hex);
        assertEquals(b.readableBytes() - 16, b.getUnsignedShort(14));
        HeaderParser.Result r = HeaderParser.parse(b);
        assertTrue(r instanceof HeaderParser.Parsed p && "www.example.com".equals(p.header().authority()),
                r::toString);
        b.release();
    }

    @Test
    void without_tls_there_is_no_ssl_tlv() {
        ByteBuf b = v2(Set.of("ssl"), CLIENT, FRONT, ProxyHeaderEncoder.Facts.NONE);
        assertEquals(16 + 12, b.readableBytes());
        b.release();
    }

    @Test
    void a_version_1_line_reads_back() {
        ByteBuf b = Unpooled.copiedBuffer(v1(CLIENT, FRONT), StandardCharsets.US_ASCII);
        HeaderParser.Result r = HeaderParser.parse(b);
        assertTrue(r instanceof HeaderParser.Parsed p && p.header().destination().equals(FRONT), r::toString);
        b.release();
    }

    private static String hex(String s) {
        return ByteBufUtil.hexDump(s.getBytes(StandardCharsets.US_ASCII));
    }
}
