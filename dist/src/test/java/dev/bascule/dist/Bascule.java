package dev.bascule.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code bin/bascule} run as a real process, the way an operator runs it: a config file on
 * disk, HAProxy's flags, output captured to files under {@code target/e2e/}, stopped by its PID.
 */
final class Bascule implements AutoCloseable {
    static final Path HOME = Path.of(System.getProperty("bascule.home", "target/bascule"));
    private static final Path WORK = Path.of("target", "e2e").toAbsolutePath();

    final Process process;
    final Path dir;
    final Path stdout;
    final Path stderr;

    private Bascule(Process process, Path dir, Path stdout, Path stderr) {
        this.process = process;
        this.dir = dir;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * A fresh directory for one test's files, readable by all: a config that names a {@code user} or {@code uid} is
     * read by a proxy already running as that user (bin/bascule drops root before the JVM starts).
     */
    static Path workDir(String name) throws IOException {
        Files.createDirectories(WORK);
        Path dir = Files.createTempDirectory(WORK, name + "-");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** Writes {@code config} to {@code haproxy.cfg} in a new work directory. */
    static Path writeConfig(String name, String config) throws IOException {
        Path cfg = workDir(name).resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        return cfg;
    }

    /** Starts {@code bin/bascule args...} in {@code dir}, with extra environment such as JAVA_OPTS. */
    static Bascule start(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher());
        command.addAll(List.of(args));
        return start(dir, env, command);
    }

    /**
     * Runs an operator's command line with {@code sh -c}, {@code bascule} standing for this distribution's
     * launcher ({@code bascule -f cfg -p pid -sf $(cat pid)}); the shell execs it, so {@link #pid} is the proxy's.
     */
    static Bascule shell(Path dir, String commandLine) throws IOException {
        return shell(dir, Map.of(), commandLine);
    }

    static Bascule shell(Path dir, Map<String, String> env, String commandLine) throws IOException {
        if (!commandLine.startsWith("bascule ")) {
            throw new IllegalArgumentException("a command line that starts bascule: " + commandLine);
        }
        return start(dir, env, List.of("sh", "-c", "exec " + launcher() + commandLine.substring(7)));
    }

    /**
     * Starts {@code bin/bascule args...} through {@code wrapper} (a program that prepares something, then execs the
     * launcher it is given last, as a socket-passing harness does); the PID is the proxy's once it has exec'd.
     */
    static Bascule wrapped(Path dir, Map<String, String> env, List<String> wrapper, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(launcher());
        command.addAll(List.of(args));
        return start(dir, env, command);
    }

    private static String launcher() {
        return HOME.resolve("bin/bascule").toAbsolutePath().toString();
    }

    private static Bascule start(Path dir, Map<String, String> env, List<String> command) throws IOException {
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putIfAbsent("JAVA_OPTS", "-Xmx256m");
        pb.environment().putAll(env);
        // BASCULE_TRANSPORT=epoll (or nio, io_uring) runs every proxy of the tests on that polling system.
        String transport = System.getenv("BASCULE_TRANSPORT");
        if (transport != null && !transport.isEmpty()) {
            pb.environment().merge("JAVA_OPTS", "-Dbascule.transport=" + transport, (a, b) -> a + " " + b);
        }
        return new Bascule(pb.start(), dir, out, err);
    }

    /** Runs {@code bin/bascule args...} to completion (for -c, -v, ...). */
    static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path dir = workDir("run");
        try (Bascule b = start(dir, env, args)) {
            if (!b.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("bascule " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(b.process.exitValue(), b.stdout(), b.stderr());
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    /** Starts the proxy in the foreground on {@code config} and waits until {@code port} accepts. */
    static Bascule serve(Path config, int port, String... extraArgs) throws Exception {
        return serve(config, port, Map.of(), extraArgs);
    }

    static Bascule serve(Path config, int port, Map<String, String> env, String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("-db", "-f", config.toAbsolutePath().toString()));
        args.addAll(List.of(extraArgs));
        Bascule b = start(config.getParent(), env, args.toArray(new String[0]));
        b.awaitPort(port);
        return b;
    }

    /**
     * Waits until {@code port} is in LISTEN state. It looks at the kernel's socket table instead of connecting,
     * so readiness checks open no session and take no turn from the balancer.
     */
    void awaitPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("bascule exited with " + process.exitValue() + " before listening on "
                        + port + ":\n" + stderr());
            }
            if (isListening(port)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("bascule did not listen on " + port + " within 30 s:\n" + stderr());
    }

    /** Whether some socket listens on {@code port}, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
    static boolean isListening(int port) throws IOException {
        String suffix = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(suffix) && f[3].equals("0A")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Waits for a line of stderr matching {@code regex} and returns it. */
    String awaitLog(String regex, long timeoutMs) throws Exception {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            for (String line : stderr().split("\n")) {
                if (p.matcher(line).find()) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line matching /" + regex + "/ within " + timeoutMs + " ms:\n"
                        + stderr());
            }
            Thread.sleep(20);
        }
    }

    /** Sends SIGTERM and returns the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bascule did not exit within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    /** Sends a signal by name ({@code HUP}, {@code USR1}, ...) with kill(1). */
    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + pid() + " failed");
        }
    }

    String stdout() throws IOException {
        return Files.readString(stdout);
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
