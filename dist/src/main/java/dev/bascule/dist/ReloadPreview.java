package dev.bascule.dist;

import dev.bascule.config.Diagnostic;
import dev.bascule.config.ParseResult;
import dev.bascule.config.model.Address;
import dev.bascule.config.model.StatsSocket;
import dev.bascule.core.ReloadPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * {@code bascule -c -f NEW.cfg --diff [<socket>]}: asks the running process, over its stats socket, what a reload
 * with these files would do ({@code show reload-plan}), and prints the reload's line. The process parses the files
 * itself, with its own environment, and compares them with what it runs, so the answer is what its reload would
 * find; nothing is applied.
 */
final class ReloadPreview {
    private static final Logger log = LoggerFactory.getLogger(ReloadPreview.class);
    /** A plan parses the whole config in the process: generous, but a hung process must not hang a script. */
    private static final long ANSWER_TIMEOUT_MS = 30_000;

    private ReloadPreview() {
    }

    /**
     * @param socket as given after {@code --diff}, or empty to take the new config's admin socket
     * @return 0 when the reload would apply, 1 when it would be refused, 2 when part of it needs a restart
     */
    static int run(List<Path> files, String socket, Function<List<Path>, ParseResult> parser) {
        SocketAddress target;
        if (socket.isEmpty()) {
            ParseResult local = parser.apply(files);
            if (!local.valid()) {
                ConfigReport.report(local, files);
                return 1;
            }
            StatsSocket admin = local.config().global().statsSockets().stream()
                    .filter(s -> s.level().equalsIgnoreCase("admin")).findFirst().orElse(null);
            if (admin == null) {
                log.error("--diff: the configuration has no 'stats socket ... level admin' to reach the running "
                        + "process through; give it: --diff <socket>");
                return 1;
            }
            target = reachable(admin.address());
            if (target == null) {
                log.error("--diff: 'stats socket {}' cannot be reached from here; give a Unix path or "
                        + "ipv4@host:port: --diff <socket>", admin.address());
                return 1;
            }
        } else {
            try {
                target = parse(socket);
            } catch (IllegalArgumentException e) {
                log.error("--diff: '{}' is neither a Unix socket path nor ipv4@host:port", socket);
                return 1;
            }
        }
        StringBuilder command = new StringBuilder("show reload-plan");
        for (Path f : files) {
            String path = f.toAbsolutePath().normalize().toString();
            if (path.matches(".*[\\s;].*")) {
                log.error("--diff: the runtime API splits commands on blanks and ';', so '{}' cannot be sent; "
                        + "rename it or link it from a path without them", path);
                return 1;
            }
            command.append(' ').append(path);
        }
        String answer;
        try {
            answer = ask(target, command.toString());
        } catch (IOException e) {
            log.error("--diff: cannot ask the running process at {}: {}", target, e.getMessage());
            return 1;
        }
        return print(answer.strip().lines().toList());
    }

    /** Diagnostics as {@code -c} prints them, then the reload's line: on stdout if it would apply. */
    private static int print(List<String> lines) {
        if (lines.isEmpty()) {
            log.error("--diff: the running process gave no answer");
            return 1;
        }
        String alert = "[" + Diagnostic.Severity.ALERT + "] ";
        String warning = "[" + Diagnostic.Severity.WARNING + "] ";
        for (String l : lines.subList(0, lines.size() - 1)) {
            if (l.startsWith(warning)) {
                log.warn(l.substring(warning.length()));
            } else {
                log.error(l.startsWith(alert) ? l.substring(alert.length()) : l);
            }
        }
        String line = lines.get(lines.size() - 1);
        ReloadPlan.Verdict verdict = ReloadPlan.Verdict.of(line);
        if (verdict == ReloadPlan.Verdict.REFUSED) {
            log.error(line);
            return 1;
        }
        System.out.println(line);
        return verdict == ReloadPlan.Verdict.APPLIES ? 0 : 2;
    }

    /** What {@code --diff} takes: a Unix socket path ({@code unix@} optional) or {@code [ipv4@]host:port}. */
    private static SocketAddress parse(String socket) {
        if (socket.regionMatches(true, 0, "unix@", 0, 5)) {
            return UnixDomainSocketAddress.of(socket.substring(5));
        }
        String s = socket.replaceFirst("(?i)^ipv4@", "");
        int colon = s.lastIndexOf(':');
        if (s.contains("/") || colon < 0) {
            return UnixDomainSocketAddress.of(s);
        }
        return new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    }

    /** A stats socket's address as a client connects to it; a wildcard TCP one is reached on loopback. */
    private static SocketAddress reachable(Address a) {
        return switch (a.family()) {
            case UNIX -> UnixDomainSocketAddress.of(a.path());
            case INET -> a.host() == null || a.host().equals("0.0.0.0")
                    ? new InetSocketAddress(InetAddress.getLoopbackAddress(), a.port())
                    : new InetSocketAddress(a.host(), a.port());
            case ABNS, FD, SOCKPAIR -> null;
        };
    }

    /** One command on a one-shot connection: the process answers and closes. */
    private static String ask(SocketAddress target, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(target instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET)) {
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(ANSWER_TIMEOUT_MS);
                    channel.close();
                } catch (InterruptedException | IOException e) {
                    // answered in time, or closing anyway
                }
            }, "diff-timeout");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                channel.connect(target);
                channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
                InputStream in = Channels.newInputStream(channel);
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (AsynchronousCloseException e) {
                throw new IOException("no answer within " + ANSWER_TIMEOUT_MS / 1000 + " s", e);
            } finally {
                watchdog.interrupt();
            }
        }
    }
}
