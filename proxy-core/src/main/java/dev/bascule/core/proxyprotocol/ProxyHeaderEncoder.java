package dev.bascule.core.proxyprotocol;

import dev.bascule.config.model.SendProxy;
import dev.bascule.core.tls.TlsSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static dev.bascule.core.proxyprotocol.HeaderFormat.*;

/**
 * Writes the PROXY protocol header a server connection begins with, as HAProxy sends it ({@code send-proxy},
 * {@code send-proxy-v2} and its {@code proxy-v2-options}): version 1's line, or version 2's binary header with the
 * {@code PROXY} command, TCP4 when both addresses are IPv4, else TCP6 (an IPv4 one mapped); addresses that are not IP
 * ones (a Unix socket client) give {@code PROXY UNKNOWN} or version 2's {@code LOCAL} command.
 */
public final class ProxyHeaderEncoder {
    /**
     * What a version 2 header may tell beside the addresses: the client connection's TLS, the authority it asked for
     * (a received header's, else its SNI), the stream's unique id; each may be null.
     */
    public record Facts(TlsSession tls, String authority, String uniqueId) {
        public static final Facts NONE = new Facts(null, null, null);
    }

    private ProxyHeaderEncoder() {
    }

    /** The header {@code settings} asks for, naming {@code source} as the client and {@code destination} as reached. */
    public static ByteBuf encode(ByteBufAllocator alloc, SendProxy settings, SocketAddress source,
                                 SocketAddress destination, Facts facts) {
        return settings.version() == 1 ? v1(alloc, source, destination) : v2(alloc, settings, source, destination, facts);
    }

    static ByteBuf v1(ByteBufAllocator alloc, SocketAddress source, SocketAddress destination) {
        String line;
        if (source instanceof InetSocketAddress s && destination instanceof InetSocketAddress d
                && s.getAddress() != null && d.getAddress() != null) {
            boolean v4 = s.getAddress() instanceof Inet4Address && d.getAddress() instanceof Inet4Address;
            line = "PROXY " + (v4 ? "TCP4 " : "TCP6 ") + text(s.getAddress(), !v4) + " " + text(d.getAddress(), !v4)
                    + " " + s.getPort() + " " + d.getPort() + "\r\n";
        } else {
            line = "PROXY UNKNOWN\r\n";
        }
        ByteBuf out = alloc.buffer(line.length());
        out.writeCharSequence(line, StandardCharsets.US_ASCII);
        return out;
    }

    /** inet_ntop's form: IPv6 compressed, IPv4 as is or mapped into IPv6 when the other address is IPv6. */
    private static String text(InetAddress a, boolean v6) {
        if (!v6) {
            return a.getHostAddress();
        }
        return a instanceof Inet4Address ? "::ffff:" + a.getHostAddress() : NetUtil.toAddressString(a);
    }

    static ByteBuf v2(ByteBufAllocator alloc, SendProxy settings, SocketAddress source, SocketAddress destination,
                      Facts facts) {
        ByteBuf out = alloc.buffer(V2_FIXED + ADDR_LEN_TCP6 + 64);
        out.writeBytes(V2_SIGNATURE);
        int lengthAt;
        if (source instanceof InetSocketAddress s && destination instanceof InetSocketAddress d
                && s.getAddress() != null && d.getAddress() != null) {
            boolean v4 = s.getAddress() instanceof Inet4Address && d.getAddress() instanceof Inet4Address;
            out.writeByte(V2_VERSION | CMD_PROXY);
            out.writeByte(v4 ? FAM_TCP4 : FAM_TCP6);
            lengthAt = out.writerIndex();
            out.writeShort(0);
            out.writeBytes(raw(s.getAddress(), v4));
            out.writeBytes(raw(d.getAddress(), v4));
            out.writeShort(s.getPort());
            out.writeShort(d.getPort());
        } else {
            out.writeByte(V2_VERSION | CMD_LOCAL);
            out.writeByte(FAM_UNSPEC);
            lengthAt = out.writerIndex();
            out.writeShort(0);
        }
        // HAProxy's order: checksum, ALPN, authority, unique id, SSL.
        int crcAt = -1;
        if (settings.has("crc32c")) {
            crcAt = out.writerIndex() + 3;
            tlv(out, TLV_CRC32C, new byte[4]);
        }
        TlsSession tls = facts.tls();
        if (tls != null && tls.alpn() != null) {
            tlv(out, TLV_ALPN, tls.alpn().getBytes(StandardCharsets.US_ASCII));
        }
        if (settings.has("authority") && facts.authority() != null) {
            tlv(out, TLV_AUTHORITY, facts.authority().getBytes(StandardCharsets.UTF_8));
        }
        if (settings.has("unique-id") && facts.uniqueId() != null) {
            tlv(out, TLV_UNIQUE_ID, facts.uniqueId().getBytes(StandardCharsets.UTF_8));
        }
        if (settings.has("ssl") && tls != null) {
            ssl(out, settings, tls);
        }
        out.setShort(lengthAt, out.writerIndex() - V2_FIXED);
        if (crcAt >= 0) {
            CRC32C crc = new CRC32C();
            crc.update(out.nioBuffer(0, out.writerIndex()));
            out.setInt(crcAt, (int) crc.getValue());
        }
        return out;
    }

    private static byte[] raw(InetAddress a, boolean v4) {
        byte[] b = a.getAddress();
        if (v4 || a instanceof Inet6Address) {
            return b;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(b, 0, mapped, 12, 4);
        return mapped;
    }

    private static void tlv(ByteBuf out, int type, byte[] value) {
        out.writeByte(type);
        out.writeShort(value.length);
        out.writeBytes(value);
    }

    /**
     * The SSL TLV: whether the client spoke TLS and showed a certificate, the verification result (0: none failed, as
     * a certificate that failed never gets this far), then the version, and on demand the certificate's common name
     * and the cipher.
     */
    private static void ssl(ByteBuf out, SendProxy settings, TlsSession tls) {
        out.writeByte(TLV_SSL);
        int lengthAt = out.writerIndex();
        out.writeShort(0);
        int client = CLIENT_SSL | (tls.clientCert() != null ? CLIENT_CERT_CONN | CLIENT_CERT_SESS : 0);
        out.writeByte(client);
        out.writeInt(0);
        tlv(out, SUBTLV_SSL_VERSION, tls.protocol().getBytes(StandardCharsets.US_ASCII));
        if (settings.has("cert-cn") && tls.clientCert() != null) {
            String cn = commonName(tls.clientCert().subject());
            if (cn != null) {
                tlv(out, SUBTLV_SSL_CN, cn.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (settings.has("ssl-cipher")) {
            tlv(out, SUBTLV_SSL_CIPHER, tls.cipher().getBytes(StandardCharsets.US_ASCII));
        }
        out.setShort(lengthAt, out.writerIndex() - lengthAt - 2);
    }

    /** The last {@code CN} of a subject written OpenSSL's way ({@code /C=FR/CN=www}), or null. */
    static String commonName(String subject) {
        int at = subject.lastIndexOf("/CN=");
        if (at < 0) {
            return null;
        }
        int end = subject.indexOf('/', at + 4);
        return subject.substring(at + 4, end < 0 ? subject.length() : end);
    }
}
