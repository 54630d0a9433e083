package dev.bascule.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A configuration file's bytes as lines. HAProxy reads a config as bytes, so a Latin-1 comment (common in
 * real configs) must not reject the file: a line that is not UTF-8 is read as ISO-8859-1, which keeps every
 * byte, and the parser warns only when such bytes reach a keyword's arguments.
 */
final class ConfigText {
    private final List<String> lines;
    private final BitSet latin1;
    private final boolean missingFinalNewline;

    private ConfigText(List<String> lines, BitSet latin1, boolean missingFinalNewline) {
        this.lines = lines;
        this.latin1 = latin1;
        this.missingFinalNewline = missingFinalNewline;
    }

    static ConfigText decode(byte[] bytes) {
        List<String> lines = new ArrayList<>();
        BitSet latin1 = new BitSet();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        while (start <= bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            if (end == bytes.length && start == end && start > 0) {
                break; // the file ends with a newline: no empty last line
            }
            ByteBuffer line = ByteBuffer.wrap(bytes, start, end - start);
            try {
                lines.add(utf8.decode(line).toString());
            } catch (CharacterCodingException e) {
                latin1.set(lines.size());
                lines.add(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1));
            }
            start = end + 1;
        }
        boolean missing = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
        return new ConfigText(lines, latin1, missing);
    }

    List<String> lines() {
        return lines;
    }

    /** Whether line {@code index} (0-based) was not UTF-8 and was read as ISO-8859-1. */
    boolean isLatin1(int index) {
        return latin1.get(index);
    }

    /**
     * HAProxy's warning for a last line without its newline (an editor or a copy may have cut the file
     * short), or null when the file ends with one.
     */
    String truncationWarning() {
        if (!missingFinalNewline) {
            return null;
        }
        return "Missing LF on last line, file might have been truncated at position "
                + (lines.get(lines.size() - 1).length() + 1) + ".";
    }
}
