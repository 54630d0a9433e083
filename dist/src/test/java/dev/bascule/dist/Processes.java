package dev.bascule.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Helpers for the real programs the tests start: wait until they listen, stop them by PID. */
final class Processes {
    private Processes() {
    }

    /** Waits (up to 30 s) until {@code port} listens; fails with the program's log if it exits first. */
    static void awaitListening(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Bascule.isListening(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                stop(p);
                throw new AssertionError("nothing listens on " + port + (log != null && Files.exists(log)
                        ? ":\n" + Files.readString(log) : ""));
            }
            Thread.sleep(20);
        }
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
