package dev.bascule.core.http;

import dev.bascule.core.http.FramingRun.Kind;
import dev.bascule.core.http.FramingRun.Part;
import dev.bascule.core.http.MessageFramer.Body;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What every framing must hold to, whatever the bytes: the properties the fuzz tests check. */
final class FramingChecks {
    private FramingChecks() {
    }

    /**
     * The parts are messages as their heads frame them, made of the bytes given in the order given and of no
     * other: a head's bytes, then exactly the body its framing calls for (never more), then END; an Invalid
     * ends everything. A body that its framing hands on as it comes has handed on all it was given.
     *
     * @param emptyLinesBetween empty lines before a head are skipped (requests: RFC 9112 section 2.2)
     * @param closed            the peer closed after the bytes
     */
    static void framed(List<Part> parts, byte[] input, boolean emptyLinesBetween, boolean closed) {
        String sent = new String(input, StandardCharsets.ISO_8859_1);
        int at = 0;
        // The framing of the message under way, or null between messages.
        Body body = null;
        long due = 0;
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            int n = i;
            // Built only for a failure: the checks run on every input.
            Supplier<String> where = () -> "part " + n + " of " + parts;
            switch (part.kind()) {
                case INVALID -> assertEquals(parts.size() - 1, i, () -> "nothing after an Invalid: " + where.get());
                case HEAD -> {
                    assertTrue(body == null || body == Body.INTERIM, () -> "a head inside a message: " + where.get());
                    while (emptyLinesBetween && at < sent.length()
                            && (sent.charAt(at) == '\r' || sent.charAt(at) == '\n')) {
                        at++;
                    }
                    at = passedOn(sent, at, part, where);
                    body = part.head().body();
                    due = part.head().contentLength();
                    if (body == Body.NONE || body == Body.LENGTH && due == 0) {
                        assertTrue(i + 1 < parts.size() && parts.get(i + 1).kind() == Kind.END,
                                () -> "a message without a body ends with its head: " + where.get());
                    }
                }
                case BODY -> {
                    assertTrue(body == Body.LENGTH || body == Body.CHUNKED || body == Body.UNTIL_CLOSE
                            || body == Body.TUNNEL, () -> "body bytes where no body goes: " + where.get());
                    at = passedOn(sent, at, part, where);
                    if (body == Body.LENGTH) {
                        assertTrue(part.bytes().length() <= due, () -> "more body than Content-Length: " + where.get());
                        due -= part.bytes().length();
                    }
                }
                case END -> {
                    assertTrue(body != null && body != Body.INTERIM && body != Body.TUNNEL,
                            () -> "an END outside a message: " + where.get());
                    assertTrue(body != Body.LENGTH || due == 0,
                            () -> "an END before Content-Length bytes: " + where.get());
                    assertTrue(body != Body.UNTIL_CLOSE || closed && i == parts.size() - 1,
                            () -> "an END before the close: " + where.get());
                    body = null;
                }
            }
        }
        boolean invalid = !parts.isEmpty() && parts.get(parts.size() - 1).kind() == Kind.INVALID;
        if (!invalid && (body == Body.LENGTH || body == Body.UNTIL_CLOSE || body == Body.TUNNEL)) {
            assertEquals(sent.length(), at, () -> "body bytes held back: " + parts);
        }
        assertTrue(invalid || !closed || body != Body.UNTIL_CLOSE,
                () -> "the close ends the body it delimits: " + parts);
    }

    private static int passedOn(String sent, int at, Part part, Supplier<String> where) {
        if (!sent.startsWith(part.bytes(), at)) {
            fail("bytes not as sent at " + at + ": " + where.get());
        }
        return at + part.bytes().length();
    }

    /** The parts of the message that starts at part {@code head}: its body, END or Invalid, none of the next. */
    static List<Part> rest(List<Part> parts, int head) {
        List<Part> rest = new ArrayList<>();
        for (int i = head + 1; i < parts.size() && parts.get(i).kind() != Kind.HEAD; i++) {
            rest.add(parts.get(i));
            if (parts.get(i).kind() == Kind.END) {
                break;
            }
        }
        return rest;
    }

    /**
     * What reading {@link #resent} must give after the head: the same, but for an Invalid, whose bytes are not
     * in it.
     */
    static List<String> resentRest(List<Part> rest) {
        List<String> shown = shown(rest);
        boolean invalid = !rest.isEmpty() && rest.get(rest.size() - 1).kind() == Kind.INVALID;
        return invalid ? shown.subList(0, shown.size() - 1) : shown;
    }

    /** The bytes of the message that starts at part {@code head}: its head replaced by {@code newHead}. */
    static byte[] resent(String newHead, List<Part> rest) {
        StringBuilder bytes = new StringBuilder(newHead);
        for (Part part : rest) {
            if (part.kind() == Kind.BODY) {
                bytes.append(part.bytes());
            }
        }
        return bytes.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether a head the proxy sends has no more header lines than the proxy reads: the line it adds
     * ({@code Connection}) may take a head of {@link HttpProxy#MAXHDR} lines over, which a peer reads
     * but the proxy's own parser would refuse.
     */
    static boolean readable(String head) {
        return head.chars().filter(c -> c == '\n').count() - 2 <= HttpProxy.MAXHDR;
    }

    static List<String> shown(List<Part> parts) {
        return parts.stream().map(Part::toString).toList();
    }
}
