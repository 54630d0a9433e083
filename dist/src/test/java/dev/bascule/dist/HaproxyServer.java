package dev.bascule.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real HAProxy (Debian's package) in the foreground on a test's config, as the reference; stopped by PID. */
final class HaproxyServer implements AutoCloseable {
    private final Process process;
    private final Path log;

    private HaproxyServer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** What it printed so far (its alerts, warnings and notices). */
    String output() throws java.io.IOException {
        return Files.readString(log);
    }

    static HaproxyServer start(String name, String config, int port) throws Exception {
        String haproxy = Tools.require("haproxy");
        Path dir = Bascule.workDir("haproxy-" + name);
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        Path log = dir.resolve("stdout.txt");
        Process p = new ProcessBuilder(List.of(haproxy, "-db", "-f", cfg.toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Processes.awaitListening(port, p, log);
        return new HaproxyServer(p, log);
    }

    /** Sends a signal by name ({@code USR1}, {@code TTOU}...). */
    void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor();
    }

    /** Whether it exited within {@code ms}. */
    boolean awaitExit(long ms) throws InterruptedException {
        return process.waitFor(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
