package dev.bascule.core.state;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a server state file's lines, as HAProxy 2.6's srv_state_get_version and srv_state_parse_line do. */
final class ServerStateFile {
    private static final Logger log = LoggerFactory.getLogger(ServerStateFile.class);

    private ServerStateFile() {
    }

    /**
     * The server lines of {@code path}, or null after a warning when the file cannot be used: missing, unreadable,
     * empty, without version 1 on its first line, or with a line of too few fields or cut short (no end of line).
     * As in HAProxy, one such line makes the whole file unusable: it is what a dump cut short looks like.
     *
     * @param what how the warnings name the file ("global server state file", "server state file of backend 'x'")
     */
    static List<StateLine> read(String path, String what) {
        String text;
        try {
            text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            log.warn("Can't open {} '{}': no such file; servers start as configured", what, path);
            return null;
        } catch (IOException | RuntimeException e) {
            log.warn("Can't open {} '{}': {}; servers start as configured", what, path, e.getMessage());
            return null;
        }
        if (text.isEmpty()) {
            log.warn("Empty {} '{}'; servers start as configured", what, path);
            return null;
        }
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(String.valueOf(ServerStateFormat.VERSION)) || lines.length == 1) {
            log.warn("Can't get version of the {} '{}': its first line must be '{}', as 'show servers state' "
                    + "writes it; servers start as configured", what, path, ServerStateFormat.VERSION);
            return null;
        }
        List<StateLine> out = new ArrayList<>();
        // The text after the last end of line is a line cut short, unless it is empty.
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (i == lines.length - 1 && line.isEmpty()) {
                break;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = Arrays.asList(line.split("[ \t]+"));
            if (i == lines.length - 1 || fields.size() < ServerStateFormat.MIN_FIELDS) {
                log.warn("corrupted {} '{}' at line {}: {}; none of it is applied", what, path, i + 1,
                        i == lines.length - 1 ? "the line is cut short" : "it has " + fields.size()
                                + " fields, format 1 has " + ServerStateFormat.MIN_FIELDS + " to "
                                + ServerStateFormat.COLUMNS.size());
                return null;
            }
            int n = Math.min(fields.size(), ServerStateFormat.COLUMNS.size());
            out.add(new StateLine(path, i + 1, List.copyOf(fields.subList(0, n))));
        }
        return out;
    }
}
