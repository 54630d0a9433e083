package dev.bascule.dist;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code -D} without {@code fork()}: the launcher starts the same command again as a detached child in its
 * own session, waits until that child listens (or died, then shows why and fails), and exits. The child
 * writes the pid file, as HAProxy's daemon does, and drops its output once started.
 */
final class Daemon {
    private static final long STARTUP_TIMEOUT_S = 60;

    private Daemon() {
    }

    static int spawn(String[] args) throws IOException, InterruptedException {
        Path ready = Files.createTempFile("bascule-ready-", ".tmp");
        Files.delete(ready);
        Path output = Files.createTempFile("bascule-daemon-", ".log");
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(thisJvm());
        Arrays.stream(args).filter(a -> !a.equals("-D")).forEach(command::add);
        command.addAll(List.of("--daemon-child", ready.toString()));
        Process child = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_TIMEOUT_S);
            while (System.nanoTime() < deadline) {
                if (Files.exists(ready)) {
                    return 0;
                }
                if (child.waitFor(50, TimeUnit.MILLISECONDS)) {
                    System.err.print(Files.readString(output));
                    return child.exitValue() == 0 ? 1 : child.exitValue();
                }
            }
            System.err.print(Files.readString(output));
            System.err.println("[ALERT]    (" + ProcessHandle.current().pid() + ") : the daemon did not start within "
                    + STARTUP_TIMEOUT_S + "s; stopping it");
            child.destroy();
            return 1;
        } finally {
            Files.deleteIfExists(ready);
            Files.deleteIfExists(output);
        }
    }

    /** The command that starts {@link Main} in a JVM like this one (the daemon's child, the master's workers). */
    static List<String> thisJvm() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return command;
    }

    /** Tells whoever started this process that it serves: the file it waits for appears. */
    static void signalReady(Path readyFile) {
        try {
            Files.createFile(readyFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal readiness through " + readyFile, e);
        }
    }

    /** In the child: tells the launcher it is serving, then stops writing to the launcher's output file. */
    static void ready(Path readyFile) {
        signalReady(readyFile);
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(nowhere);
        System.setErr(nowhere);
    }
}
