package dev.bascule.core.http;

import dev.bascule.config.model.LogSettings;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A message head kept in the bytes it arrived in (a retained slice of the read buffer), which it releases. */
abstract class MessageHead extends AbstractReferenceCounted implements MessageFramer.Head {
    protected final ByteBuf raw;
    /** What HAProxy's internal form of its chunked body leaves out of the bytes, so far (see {@link HtxSize}). */
    private long chunkFraming;
    /**
     * Lines rules added while the head is still only its bytes (name, value, name, value...): written before its
     * blank line when it goes out, so that a rule adding a header does not turn the head into header objects.
     */
    private List<String> added;
    /**
     * Headers the proxy itself writes or drops on the way out (the connection's and the body's framing): a rule
     * setting one edits the header objects, where those lines are reconciled, never only the bytes.
     */
    private static final String[] FRAMING = {"connection", "keep-alive", "proxy-connection", "upgrade", "te",
            "trailer", "transfer-encoding", "content-length"};

    MessageHead(ByteBuf raw) {
        this.raw = raw;
    }

    /** Its size in HAProxy's internal form, which its logs count ({@link HtxSize}). */
    long htxSize() {
        return HtxSize.head(raw, dropsContentLength());
    }

    /** Transfer-Encoding and Content-Length both: the latter is dropped. */
    abstract boolean dropsContentLength();

    @Override
    public void chunkFraming(int wire, int kept) {
        chunkFraming += wire - kept;
    }

    /** How many bytes of its chunked body so far are not in HAProxy's internal form (0 for other bodies). */
    long chunkFraming() {
        return chunkFraming;
    }

    /** How many bytes the head took on the wire, as it came. */
    int size() {
        return raw.readableBytes();
    }

    /**
     * {@code capture request|response header}: for each capture, the value of the last line of its name (cut at its
     * length), read from the bytes as they came; null where none came.
     */
    String[] captures(List<LogSettings.Capture> captures) {
        String[] values = new String[captures.size()];
        headerLines((pos, colon, end) -> {
            for (int i = 0; i < values.length; i++) {
                String name = captures.get(i).name();
                if (name != null && named(pos, colon, name)) {
                    values[i] = cut(value(colon, end), captures.get(i).length());
                }
            }
            return true;
        });
        return values;
    }

    /**
     * {@code capture cookie}: the first cookie of the {@code header} lines whose {@code name=value} begins with the
     * capture's name, blanks around its {@code =} removed (HAProxy rewrites them so), cut at the capture's length;
     * null when none. {@code eachPair}: every {@code ;}-separated pair counts (Cookie); else only the first, the
     * rest being attributes (Set-Cookie).
     */
    String cookieCapture(String header, boolean eachPair, LogSettings.Capture capture) {
        String[] found = new String[1];
        headerLines((pos, colon, end) -> {
            if (!named(pos, colon, header)) {
                return true;
            }
            String line = value(colon, end);
            for (String pair : eachPair ? line.split(";") : new String[] {line.split(";", 2)[0]}) {
                int eq = pair.indexOf('=');
                String text = eq < 0 ? pair.trim() : pair.substring(0, eq).trim() + "=" + pair.substring(eq + 1).trim();
                if (!text.isEmpty() && text.startsWith(capture.name())) {
                    found[0] = cut(text, capture.length());
                    return false;
                }
            }
            return true;
        });
        return found[0];
    }

    /** Where the header lines start, from the head's first byte. */
    abstract int headersAt();

    /** Whether the head is still only its bytes (and lines added to them): no rule made it header objects. */
    abstract boolean inBytes();

    /** The head's header objects, made from its bytes (and added lines) the first time: it is encoded from them. */
    abstract HttpHeaders headers();

    /** {@code add-header}: a line more. */
    final void addLine(String name, String value) {
        if (!inBytes() || framing(name)) {
            headers().add(name, value);
            return;
        }
        if (added == null) {
            added = new ArrayList<>(4);
        }
        added.add(name);
        added.add(value);
    }

    /** {@code set-header}: every line of the name replaced by one; a name the bytes do not have is only added. */
    final void setLine(String name, String value) {
        if (inBytes() && !HeadBytes.has(raw, headersAt(), name)) {
            removeAdded(name);
            addLine(name, value);
        } else {
            headers().set(name, value);
        }
    }

    /** {@code del-header}: a name the head lacks changes nothing, and it stays in its bytes. */
    final void deleteLines(String name) {
        if (!inBytes() || HeadBytes.has(raw, headersAt(), name)) {
            headers().remove(name);
        } else {
            removeAdded(name);
        }
    }

    private static boolean framing(String name) {
        for (String f : FRAMING) {
            if (f.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private void removeAdded(String name) {
        for (int i = added == null ? -2 : added.size() - 2; i >= 0; i -= 2) {
            if (added.get(i).equalsIgnoreCase(name)) {
                added.subList(i, i + 2).clear();
            }
        }
    }

    /** {@code lines} (the bytes' values of {@code name}) and the added lines' of that name after them. */
    final List<String> withAdded(String name, List<String> lines) {
        for (int i = 0; added != null && i < added.size(); i += 2) {
            if (added.get(i).equalsIgnoreCase(name)) {
                lines.add(added.get(i + 1));
            }
        }
        return lines;
    }

    /** {@code names} (the bytes' header names) and the added lines' after them. */
    final List<String> namesWithAdded(List<String> names) {
        for (int i = 0; added != null && i < added.size(); i += 2) {
            names.add(added.get(i));
        }
        return names;
    }

    /** Moves the added lines into the header objects being made of the head. */
    final void moveAdded(HttpHeaders headers) {
        for (int i = 0; added != null && i < added.size(); i += 2) {
            headers.add(added.get(i), added.get(i + 1));
        }
        added = null;
    }

    /** The added lines as they go out, or null when there are none. */
    final byte[] addedLines() {
        if (added == null || added.isEmpty()) {
            return null;
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < added.size(); i += 2) {
            lines.append(added.get(i)).append(": ").append(added.get(i + 1)).append("\r\n");
        }
        return lines.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A header line: its start, its colon and its end (before CR LF); false to stop. */
    private interface HeaderLine {
        boolean take(int start, int colon, int end);
    }

    /** Walks the header lines in the bytes as they came, in order. */
    private void headerLines(HeaderLine line) {
        int to = raw.writerIndex();
        int pos = raw.indexOf(raw.readerIndex(), to, (byte) '\n') + 1;
        while (pos > 0 && pos < to) {
            int lf = raw.indexOf(pos, to, (byte) '\n');
            int end = HeadBytes.lineEnd(raw, pos, lf < 0 ? to : lf);
            int colon = end <= pos ? -1 : raw.indexOf(pos, end, (byte) ':');
            if (colon < 0 || !line.take(pos, colon, end)) {
                return;
            }
            pos = lf + 1;
        }
    }

    private boolean named(int pos, int colon, String name) {
        return name != null && colon - pos == name.length()
                && raw.toString(pos, colon - pos, StandardCharsets.ISO_8859_1).equalsIgnoreCase(name);
    }

    private String value(int colon, int end) {
        return raw.toString(colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1).trim();
    }

    private static String cut(String s, int length) {
        return s.length() > length ? s.substring(0, length) : s;
    }

    @Override
    protected void deallocate() {
        raw.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        raw.touch(hint);
        return this;
    }
}
