package dev.bascule.core.check;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.util.HexFormat;
import java.util.function.Function;

/**
 * A fixed request and a judgement of the first bytes of the answer: {@code option ssl-hello-chk} (an SSL
 * ClientHello; a handshake or alert record back is a live SSL stack) and {@code option ldap-check} (an
 * anonymous LDAPv3 bind; result code 0 passes).
 */
final class SimpleBinaryDialogue implements Dialogue {
    /**
     * A TLS 1.2 ClientHello offering common ciphers and no extensions. HAProxy sends an SSLv3 one, which
     * today's TLS-only servers may drop without an answer; any TLS stack answers this one.
     */
    private static final String CLIENT_HELLO = "1603010033" + "0100002f" + "0303" + "00".repeat(32) + "00"
            + "0008c02f009c002f0035" + "0100";
    private static final String LDAP_BIND = "300c020101600702010304008000";

    private final byte[] request;
    private final int need;
    private final Function<ByteBuf, Verdict> judge;
    private final CheckStatus timeout;

    private SimpleBinaryDialogue(String hex, int need, Function<ByteBuf, Verdict> judge, CheckStatus timeout) {
        this.request = HexFormat.of().parseHex(hex);
        this.need = need;
        this.judge = judge;
        this.timeout = timeout;
    }

    static SimpleBinaryDialogue sslHello() {
        return new SimpleBinaryDialogue(CLIENT_HELLO, 1, in -> {
            int type = in.getUnsignedByte(in.readerIndex());
            return type == 0x15 || type == 0x16 ? Verdict.of(CheckStatus.L6OK, null)
                    : Verdict.of(CheckStatus.L6RSP, "Not an SSL record");
        }, CheckStatus.L6TOUT);
    }

    static SimpleBinaryDialogue ldap() {
        return new SimpleBinaryDialogue(LDAP_BIND, 14, in -> {
            byte[] b = new byte[in.readableBytes()];
            in.getBytes(in.readerIndex(), b);
            for (int i = 0; i + 3 < b.length; i++) {
                if ((b[i] & 0xff) == 0x61 && i + 4 < b.length) {
                    // BindResponse: 0x61 len, then ENUMERATED resultCode (0x0a 0x01 code)
                    for (int j = i + 2; j + 2 < b.length; j++) {
                        if (b[j] == 0x0a && b[j + 1] == 0x01) {
                            int code = b[j + 2];
                            return code == 0 ? Verdict.of(CheckStatus.L7OK, "Success")
                                    : new Verdict(CheckStatus.L7STS, code, "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9");
                        }
                    }
                }
            }
            return Verdict.of(CheckStatus.L7RSP, "Not LDAPv3 protocol");
        }, CheckStatus.L7TOUT);
    }

    @Override
    public Verdict connected(Channel channel) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(request));
        return null;
    }

    @Override
    public Verdict received(Channel channel, ByteBuf in, boolean closed) {
        if (in.readableBytes() < need) {
            return closed ? Verdict.of(timeout == CheckStatus.L6TOUT ? CheckStatus.L6RSP : CheckStatus.L7RSP,
                    "connection closed before a complete response") : null;
        }
        return judge.apply(in);
    }

    @Override
    public CheckStatus timeoutStatus() {
        return timeout;
    }
}
