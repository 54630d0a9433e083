package dev.bascule.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code -p} / {@code pidfile} file: this process's pid, removed when it exits. */
final class PidFile {
    private final Path path;

    private PidFile(Path path) {
        this.path = path;
    }

    static PidFile write(Path path) {
        try {
            Files.writeString(path, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create pidfile " + path, e);
        }
        PidFile pidFile = new PidFile(path);
        // Also on an exit that does not go through the normal stop (e.g. out of memory).
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(pidFile::remove, "pidfile-cleanup"));
        return pidFile;
    }

    /** Unless a process that took over has written its own pid there since (-sf). */
    void remove() {
        try {
            if (Files.readString(path).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Nothing better to do while exiting; a stale pid file is what HAProxy leaves too.
        }
    }
}
