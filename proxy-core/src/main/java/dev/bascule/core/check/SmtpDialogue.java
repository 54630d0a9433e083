package dev.bascule.core.check;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;

/** {@code option smtpchk}: a 2xx banner, then {@code HELO localhost} answered with 2xx, then QUIT. */
final class SmtpDialogue implements Dialogue {
    private boolean greeted;

    @Override
    public Verdict connected(Channel channel) {
        return null;
    }

    @Override
    public Verdict received(Channel channel, ByteBuf in, boolean closed) {
        int eol = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(new byte[] {'\n'}), in);
        if (eol < 0) {
            return closed ? Verdict.of(CheckStatus.L7RSP, "SMTP server closed the connection") : null;
        }
        String line = in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.ISO_8859_1).trim();
        in.readerIndex(eol + 1);
        if (line.length() < 3 || !line.substring(0, 3).matches("\\d{3}")) {
            return Verdict.of(CheckStatus.L7RSP, "Not an SMTP reply: '" + line + "'");
        }
        if (line.length() > 3 && line.charAt(3) == '-') {
            return received(channel, in, closed);
        }
        int code = Integer.parseInt(line.substring(0, 3));
        if (code / 100 != 2) {
            return new Verdict(CheckStatus.L7STS, code, line.substring(3).trim());
        }
        if (!greeted) {
            greeted = true;
            channel.writeAndFlush(Unpooled.copiedBuffer("HELO localhost\r\n", StandardCharsets.US_ASCII));
            return null;
        }
        channel.writeAndFlush(Unpooled.copiedBuffer("QUIT\r\n", StandardCharsets.US_ASCII));
        return new Verdict(CheckStatus.L7OK, code, line.substring(3).trim());
    }
}
