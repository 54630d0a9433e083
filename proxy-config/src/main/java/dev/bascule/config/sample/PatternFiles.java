package dev.bascule.config.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where {@code -f FILE} patterns and map files are read from (a test gives its own). */
@FunctionalInterface
public interface PatternFiles {
    /** Files named relative to the working directory, as HAProxy reads them. */
    PatternFiles DISK = path -> Files.readAllLines(Path.of(path), StandardCharsets.ISO_8859_1);

    List<String> lines(String path) throws IOException;
}
