package dev.bascule.core.check;

import dev.bascule.config.model.CheckSettings.Expect;
import dev.bascule.config.model.CheckSettings.TcpRule;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code option tcp-check} with its {@code tcp-check send/send-binary/expect} rules, and the checks HAProxy
 * itself writes as such rules: {@code option redis-check} is "send PING, expect +PONG". Rules run in order;
 * a {@code connect} rule only chooses the port and PROXY header, which the checker has applied already.
 */
final class TcpRulesDialogue implements Dialogue {
    private final List<TcpRule> rules;
    private int next;

    TcpRulesDialogue(List<TcpRule> rules) {
        this.rules = rules;
    }

    static TcpRulesDialogue redis() {
        return new TcpRulesDialogue(List.of(new TcpRule("send", 0, false, "PING\r\n", null),
                new TcpRule("expect", 0, false, null, new Expect("string", "+PONG", false))));
    }

    @Override
    public Verdict connected(Channel channel) {
        return advance(channel);
    }

    /** Runs send rules up to the next expect; the end of the rules is a pass. */
    private Verdict advance(Channel channel) {
        boolean sent = false;
        while (next < rules.size() && !rules.get(next).action().equals("expect")) {
            TcpRule r = rules.get(next++);
            if (r.action().equals("send")) {
                channel.write(Unpooled.copiedBuffer(r.data(), StandardCharsets.ISO_8859_1));
                sent = true;
            } else if (r.action().equals("send-binary")) {
                channel.write(Unpooled.wrappedBuffer(HexFormat.of().parseHex(r.data())));
                sent = true;
            }
        }
        if (sent) {
            channel.flush();
        }
        if (next >= rules.size()) {
            boolean anyExpect = rules.stream().anyMatch(r -> r.action().equals("expect"));
            return anyExpect ? Verdict.of(CheckStatus.L7OK, "(tcp-check)") : Verdict.of(CheckStatus.L4OK, null);
        }
        return null;
    }

    @Override
    public Verdict received(Channel channel, ByteBuf in, boolean closed) {
        Expect e = rules.get(next).expect();
        int step = next + 1;
        int matchedUpTo = match(e, in);
        boolean matched = matchedUpTo >= 0;
        if (!e.negate()) {
            if (matched) {
                in.skipBytes(matchedUpTo);
                next++;
                return advance(channel);
            }
            return closed ? failure(e, step) : null;
        }
        if (matched) {
            return failure(e, step);
        }
        if (in.isReadable() || closed) {
            in.skipBytes(in.readableBytes());
            next++;
            return advance(channel);
        }
        return null;
    }

    @Override
    public String timeoutInfo() {
        if (next >= rules.size()) {
            return null;
        }
        Expect e = rules.get(next).expect();
        return "at step " + (next + 1) + " of tcp-check" + (e == null ? "" : " (expect " + e.kind() + " '"
                + e.pattern() + "')");
    }

    private static Verdict failure(Expect e, int step) {
        return Verdict.of(CheckStatus.L7RSP, "TCPCHK " + (e.negate() ? "matched unwanted" : "did not match")
                + " content '" + e.pattern() + "' at step " + step);
    }

    /** Where the match ends in {@code in}, or -1 when it does not match (yet). */
    private static int match(Expect e, ByteBuf in) {
        switch (e.kind()) {
            case "string" -> {
                int at = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(e.pattern().getBytes(StandardCharsets.ISO_8859_1)),
                        in);
                return at < 0 ? -1 : at - in.readerIndex() + e.pattern().length();
            }
            case "binary" -> {
                byte[] needle = HexFormat.of().parseHex(e.pattern());
                int at = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(needle), in);
                return at < 0 ? -1 : at - in.readerIndex() + needle.length;
            }
            case "rstring", "rbinary" -> {
                String text = e.kind().equals("rstring") ? in.toString(StandardCharsets.ISO_8859_1)
                        : ByteBufUtil.hexDump(in);
                var m = Pattern.compile(e.pattern()).matcher(text);
                if (!m.find()) {
                    return -1;
                }
                return e.kind().equals("rstring") ? m.end() : (m.end() + 1) / 2;
            }
            default -> throw new IllegalArgumentException(e.kind());
        }
    }
}
