package dev.bascule.dist;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real rsyslogd (Debian's package) receiving syslog over UDP on loopback, on ports of its own, with its own
 * config, work directory and pid file, stopped by PID. Each port writes what it receives, exactly as received
 * (rsyslog's {@code %rawmsg%}), one message a line, to a file of its own: a test reads the lines a proxy sent.
 */
final class RsyslogServer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final List<Integer> ports;

    private RsyslogServer(Process process, Path dir, List<Integer> ports) {
        this.process = process;
        this.dir = dir;
        this.ports = ports;
    }

    /** @param inputs how many UDP ports, each with its own file */
    static RsyslogServer start(String name, int inputs) throws Exception {
        String rsyslogd = Tools.require("rsyslogd");
        Path dir = Bascule.workDir("rsyslog-" + name);
        Files.createDirectories(dir.resolve("spool"));
        List<Integer> ports = new ArrayList<>();
        StringBuilder conf = new StringBuilder("""
                global(workDirectory="%s")
                module(load="imudp")
                template(name="raw" type="string" string="%%rawmsg%%\\n")
                """.formatted(dir.resolve("spool")));
        for (int i = 0; i < inputs; i++) {
            int port = Ports.free();
            ports.add(port);
            conf.append("""
                    ruleset(name="in%1$d") { action(type="omfile" file="%2$s" template="raw") }
                    input(type="imudp" address="127.0.0.1" port="%3$d" ruleset="in%1$d")
                    """.formatted(i, dir.resolve("port-" + port + ".log"), port));
        }
        Path cfg = dir.resolve("rsyslog.conf");
        Files.writeString(cfg, conf.toString());
        Path out = dir.resolve("rsyslogd.out");
        Process p = new ProcessBuilder(List.of(rsyslogd, "-n", "-f", cfg.toString(), "-i",
                dir.resolve("rsyslogd.pid").toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        RsyslogServer server = new RsyslogServer(p, dir, ports);
        try {
            for (int port : ports) {
                server.awaitProbe(port, out);
            }
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Sends a message until it shows in the port's file: then rsyslogd listens and writes. */
    private void awaitProbe(int port, Path out) throws Exception {
        byte[] probe = ("<14>probe " + port).getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (DatagramSocket s = new DatagramSocket()) {
            while (received(port).stream().noneMatch(l -> l.equals("<14>probe " + port))) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("rsyslogd does not receive on " + port + ":\n"
                            + (Files.exists(out) ? Files.readString(out) : ""));
                }
                s.send(new DatagramPacket(probe, probe.length, InetAddress.getLoopbackAddress(), port));
                Thread.sleep(50);
            }
        }
    }

    int port(int input) {
        return ports.get(input);
    }

    /** What the port received so far, the probes left out. */
    List<String> lines(int port) throws Exception {
        return received(port).stream().filter(l -> !l.startsWith("<14>probe ")).toList();
    }

    private List<String> received(int port) throws Exception {
        Path f = dir.resolve("port-" + port + ".log");
        return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
    }

    /** Waits until the port has received {@code count} lines (rsyslogd writes them as they come). */
    List<String> await(int port, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> got;
        while ((got = lines(port)).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(count + " log lines expected on " + port + ", got " + got.size() + ": "
                        + got);
            }
            Thread.sleep(20);
        }
        return got;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
