package dev.bascule.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ulimit-n}. HAProxy raises its soft limit of open files to the value (and, as root, its hard limit too). The
 * JVM cannot call setrlimit(), but HotSpot raises the soft limit to the hard one as it starts: what is left is to
 * tell when that is still below the value, as HAProxy warns when setrlimit() fails.
 */
final class OpenFilesLimit {
    private OpenFilesLimit() {
    }

    /** HAProxy's warning with what raises the limit, or null when the process may open {@code wanted} files. */
    static String shortfall(int wanted) {
        long limit = current();
        if (wanted <= 0 || limit < 0 || limit >= wanted) {
            return null;
        }
        return "[main()] Cannot raise FD limit to " + wanted + ", limit is " + limit + ". The JVM raised its soft "
                + "limit to the hard one already; raise the hard limit before the start: LimitNOFILE=" + wanted
                + " in the systemd unit, or 'ulimit -n " + wanted + "' in the shell that starts Bascule.";
    }

    /** The soft limit of open files, from /proc/self/limits; -1 when unknown or unlimited. */
    private static long current() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: nothing to compare
        }
        return -1;
    }
}
