package dev.bascule.core.check;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;

/** {@code agent-check}: send {@code agent-send} if set, read one line; its words are applied by the backend. */
final class AgentDialogue implements Dialogue {
    private final String send;

    AgentDialogue(String send) {
        this.send = send;
    }

    @Override
    public Verdict connected(Channel channel) {
        if (send != null) {
            channel.writeAndFlush(Unpooled.copiedBuffer(send, StandardCharsets.ISO_8859_1));
        }
        return null;
    }

    @Override
    public Verdict received(Channel channel, ByteBuf in, boolean closed) {
        int eol = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(new byte[] {'\n'}), in);
        if (eol < 0 && !closed) {
            return null;
        }
        int end = eol < 0 ? in.writerIndex() : eol;
        String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1).trim();
        return line.isEmpty() ? Verdict.of(CheckStatus.L7RSP, "empty agent reply") : Verdict.of(CheckStatus.L7OK, line);
    }
}
