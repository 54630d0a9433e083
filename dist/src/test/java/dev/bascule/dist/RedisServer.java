package dev.bascule.dist;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real redis-server on its own loopback port, without persistence, stopped by its PID. */
final class RedisServer implements AutoCloseable {
    final int port;
    private final Process process;

    private RedisServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static RedisServer start(Path dir) throws Exception {
        String binary = Tools.require("redis-server");
        int port = Ports.free();
        Process p = new ProcessBuilder(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
                .start();
        Processes.awaitListening(port, p, dir.resolve("redis-" + port + ".log"));
        return new RedisServer(port, p);
    }

    /** Runs redis-cli against {@code port} and returns its output, trimmed. */
    static String cli(int port, String... command) throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of(Tools.require("redis-cli"), "-h", "127.0.0.1", "-p",
                String.valueOf(port)));
        args.addAll(List.of(command));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redis-cli " + String.join(" ", command) + " did not finish");
        }
        return out;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
