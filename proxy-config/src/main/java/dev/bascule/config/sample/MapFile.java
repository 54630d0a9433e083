package dev.bascule.config.sample;

import java.util.List;

/** A map file's entries in file order (HAProxy looks keys up first to last): each a key and its value. */
public record MapFile(String path, List<Entry> entries) {
    public record Entry(String key, String value) {
    }

    public MapFile {
        entries = List.copyOf(entries);
    }

    /**
     * Reads a map file's lines: blank lines and those starting with {@code #} are skipped; the key is the first word,
     * the value the rest of the line with its leading blanks removed (HAProxy's {@code pat_ref_read_from_file_smp}).
     */
    public static MapFile of(String path, List<String> lines) {
        List<Entry> entries = new java.util.ArrayList<>();
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int blank = 0;
            while (blank < l.length() && !Character.isWhitespace(l.charAt(blank))) {
                blank++;
            }
            entries.add(new Entry(l.substring(0, blank), l.substring(blank).strip()));
        }
        return new MapFile(path, entries);
    }
}
