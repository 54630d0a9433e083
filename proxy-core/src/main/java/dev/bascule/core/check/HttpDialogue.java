package dev.bascule.core.check;

import dev.bascule.config.model.CheckSettings;
import dev.bascule.config.model.CheckSettings.Expect;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code option httpchk} with {@code http-check send/expect}: one request, the status line and body judged.
 * Without expect rules a 2xx or 3xx status passes (HAProxy's default). The request asks the server to
 * close, so the body ends with the connection; at most {@value #MAX_RESPONSE} bytes are read, as HAProxy's
 * {@code tune.chksize}.
 */
final class HttpDialogue implements Dialogue {
    static final int MAX_RESPONSE = 16384;

    private final CheckSettings settings;

    HttpDialogue(CheckSettings settings) {
        this.settings = settings;
    }

    @Override
    public Verdict connected(Channel channel) {
        CheckSettings.HttpRequest r = settings.http();
        StringBuilder req = new StringBuilder(r.method()).append(' ').append(r.uri()).append(' ')
                .append(r.version()).append("\r\n");
        boolean hasConnection = false;
        for (String h : r.headers()) {
            req.append(h).append("\r\n");
            hasConnection |= h.regionMatches(true, 0, "connection:", 0, 11);
        }
        if (!hasConnection) {
            req.append("Connection: close\r\n");
        }
        if (!r.body().isEmpty()) {
            req.append("Content-Length: ").append(r.body().getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        req.append("\r\n").append(r.body());
        channel.writeAndFlush(Unpooled.copiedBuffer(req, StandardCharsets.UTF_8));
        return null;
    }

    @Override
    public Verdict received(Channel channel, ByteBuf in, boolean closed) {
        int eol = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(new byte[] {'\n'}), in);
        if (eol < 0) {
            return closed || in.readableBytes() >= MAX_RESPONSE ? Verdict.of(CheckStatus.L7RSP,
                    in.isReadable() ? "Non-HTTP response" : "Empty response") : null;
        }
        String statusLine = in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.ISO_8859_1).trim();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
            return Verdict.of(CheckStatus.L7RSP, "Invalid HTTP status line: '" + statusLine + "'");
        }
        int code = Integer.parseInt(parts[1]);
        String reason = parts.length > 2 ? parts[2] : "";
        List<Expect> rules = settings.httpExpect();
        boolean needsBody = rules.stream().anyMatch(e -> e.kind().endsWith("string"));
        if (needsBody && !closed && in.readableBytes() < MAX_RESPONSE) {
            return null;
        }
        if (settings.disableOn404() && code == 404) {
            return new Verdict(CheckStatus.L7OKC, code, reason);
        }
        if (rules.isEmpty()) {
            boolean ok = code >= 200 && code < 400;
            return new Verdict(ok ? CheckStatus.L7OK : CheckStatus.L7STS, code, reason);
        }
        String body = needsBody ? body(in) : "";
        for (Expect e : rules) {
            boolean match = switch (e.kind()) {
                case "status" -> statusMatches(e.pattern(), code);
                case "rstatus" -> Pattern.compile(e.pattern()).matcher(String.valueOf(code)).find();
                case "string" -> body.contains(e.pattern());
                default -> Pattern.compile(e.pattern()).matcher(body).find();
            };
            if (match == e.negate()) {
                boolean onStatus = e.kind().endsWith("status");
                return new Verdict(onStatus ? CheckStatus.L7STS : CheckStatus.L7RSP, code, onStatus ? reason
                        : "HTTP content check " + (e.negate() ? "matched unwanted content" : "did not match"));
            }
        }
        return new Verdict(CheckStatus.L7OK, code, reason);
    }

    /** {@code status 200}, {@code status 200-399}, {@code status 200,301}. */
    private static boolean statusMatches(String pattern, int code) {
        for (String part : pattern.split(",")) {
            String[] range = part.split("-");
            try {
                int lo = Integer.parseInt(range[0].trim());
                int hi = range.length > 1 ? Integer.parseInt(range[1].trim()) : lo;
                if (code >= lo && code <= hi) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    private static String body(ByteBuf in) {
        String all = in.toString(StandardCharsets.ISO_8859_1);
        int start = all.indexOf("\r\n\r\n");
        return start < 0 ? "" : all.substring(start + 4);
    }
}
