package dev.bascule.core.check;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;

/**
 * {@code option mysql-check [user U [post-41]]}. Without a user it only reads the server's greeting (a
 * handshake passes, an error packet fails); with one it logs in without password (a passwordless account
 * such as HAProxy's "haproxy" user), expects OK, then says QUIT.
 */
final class MysqlDialogue implements Dialogue {
    private final String user;
    private final boolean post41;
    private boolean greeted;

    MysqlDialogue(String user, boolean post41) {
        this.user = user;
        this.post41 = post41;
    }

    @Override
    public Verdict connected(Channel channel) {
        return null;
    }

    @Override
    public Verdict received(Channel channel, ByteBuf in, boolean closed) {
        if (in.readableBytes() < 4) {
            return closed ? Verdict.of(CheckStatus.L7RSP, "MySQL server closed the connection") : null;
        }
        int length = in.getUnsignedMediumLE(in.readerIndex());
        if (in.readableBytes() < 4 + length) {
            return closed ? Verdict.of(CheckStatus.L7RSP, "truncated MySQL packet") : null;
        }
        ByteBuf payload = in.slice(in.readerIndex() + 4, length);
        in.skipBytes(4 + length);
        int first = payload.isReadable() ? payload.getUnsignedByte(0) : -1;
        if (first == 0xff) {
            int code = payload.readableBytes() >= 3 ? payload.getUnsignedShortLE(1) : 0;
            String message = payload.toString(Math.min(payload.readableBytes(), 9),
                    Math.max(0, payload.readableBytes() - 9), StandardCharsets.UTF_8);
            return new Verdict(CheckStatus.L7STS, code, message);
        }
        if (!greeted) {
            greeted = true;
            if (first != 0x0a) {
                return Verdict.of(CheckStatus.L7RSP, "unknown MySQL protocol version " + first);
            }
            String version = payload.toString(1, Math.max(0, payload.bytesBefore(1, payload.readableBytes() - 1,
                    (byte) 0)), StandardCharsets.US_ASCII);
            if (user == null) {
                return Verdict.of(CheckStatus.L7OK, version);
            }
            channel.writeAndFlush(login());
            return null;
        }
        if (first == 0x00) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 1}));
            return Verdict.of(CheckStatus.L7OK, null);
        }
        return Verdict.of(CheckStatus.L7RSP, "unexpected MySQL packet 0x" + Integer.toHexString(first));
    }

    /** A login packet without password, in the 4.1 protocol or the older one. */
    private ByteBuf login() {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        ByteBuf p = Unpooled.buffer();
        p.writeMediumLE(0).writeByte(1);
        if (post41) {
            p.writeIntLE(0x0000_0200 | 0x0000_8000 | 0x0000_0001) // protocol 4.1, secure connection, long password
                    .writeIntLE(1 << 24).writeByte(33).writeZero(23);
        } else {
            p.writeShortLE(0x0001 | 0x0200).writeMediumLE(1 << 16);
        }
        p.writeBytes(name).writeByte(0);
        if (post41) {
            p.writeByte(0);
        }
        p.setMediumLE(0, p.readableBytes() - 4);
        return p;
    }
}
