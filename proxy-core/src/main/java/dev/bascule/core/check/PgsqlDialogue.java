package dev.bascule.core.check;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;

/**
 * {@code option pgsql-check user U}: a startup message for U on database U; an authentication request ('R')
 * passes, an error ('E') fails with the server's message.
 */
final class PgsqlDialogue implements Dialogue {
    private final String user;

    PgsqlDialogue(String user) {
        this.user = user;
    }

    @Override
    public Verdict connected(Channel channel) {
        ByteBuf m = Unpooled.buffer();
        m.writeInt(0).writeInt(196608);
        for (String s : new String[] {"user", user, "database", user}) {
            m.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
        }
        m.writeByte(0);
        m.setInt(0, m.readableBytes());
        channel.writeAndFlush(m);
        return null;
    }

    @Override
    public Verdict received(Channel channel, ByteBuf in, boolean closed) {
        if (!in.isReadable()) {
            return closed ? Verdict.of(CheckStatus.L7RSP, "PostgreSQL server closed the connection") : null;
        }
        byte type = in.getByte(in.readerIndex());
        if (type == 'R') {
            return Verdict.of(CheckStatus.L7OK, "PostgreSQL server is ok");
        }
        if (type == 'E') {
            String text = in.toString(in.readerIndex() + 5, Math.max(0, in.readableBytes() - 5),
                    StandardCharsets.UTF_8);
            int m = text.indexOf("\0M");
            String message = m < 0 ? "PostgreSQL error" : text.substring(m + 2, text.indexOf('\0', m + 2) < 0
                    ? text.length() : text.indexOf('\0', m + 2));
            return Verdict.of(CheckStatus.L7STS, message);
        }
        return Verdict.of(CheckStatus.L7RSP, "PostgreSQL unknown error");
    }
}
