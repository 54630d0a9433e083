package dev.bascule.dist;

import dev.bascule.config.Version;
import dev.bascule.core.SocketFile;
import dev.bascule.core.StartupException;
import dev.bascule.core.handoff.InheritedFd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The master CLI ({@code -S <address>[,mode,<octal>]}): {@code show proc}, {@code reload}, and any worker's
 * runtime API through {@code @<n> <command>} (the n-th current worker, 1 being the one serving) or
 * {@code @!<pid> <command>}, as doc/management.txt describes HAProxy's. Few clients and short answers: a thread
 * per client, away from every event loop.
 */
final class MasterCli implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MasterCli.class);
    /** Room for the peer's address that accept() fills in (Netty's own size: an IPv6 address and its length). */
    private static final int ACCEPTED_ADDRESS_BYTES = 26;

    /** Where clients come from: a socket this process bound, or one it was given ({@code fd@N}). */
    private interface Acceptor extends Closeable {
        /** Waits for the next client. */
        Client accept() throws IOException;

        boolean isOpen();
    }

    /** One client's two directions; closing {@code connection} ends it. */
    private record Client(InputStream in, OutputStream out, Closeable connection) {
    }

    private final Acceptor server;
    private final SocketFile file;
    private final Master master;

    private MasterCli(Acceptor server, SocketFile file, Master master) {
        this.server = server;
        this.file = file;
        this.master = master;
    }

    /** @throws StartupException when the address cannot be bound */
    static MasterCli start(String spec, Master master) throws IOException, StartupException {
        String[] parts = spec.split(",");
        String address = parts[0];
        Acceptor server;
        SocketFile file = null;
        if (address.startsWith("fd@")) {
            server = GivenSocket.adopt(address);
        } else if (address.startsWith("/") || address.startsWith("unix@")) {
            Path path = Path.of(address.startsWith("unix@") ? address.substring(5) : address);
            SocketFile.replaceStale(path);
            ServerSocketChannel bound = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            bound.bind(UnixDomainSocketAddress.of(path));
            file = SocketFile.bound(path);
            server = new BoundSocket(bound);
        } else {
            String hostPort = address.startsWith("ipv4@") ? address.substring(5) : address;
            int colon = hostPort.lastIndexOf(':');
            ServerSocketChannel bound = ServerSocketChannel.open();
            bound.bind(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon
                    + 1))));
            server = new BoundSocket(bound);
        }
        for (int i = 1; i < parts.length; i += 2) {
            if (parts[i].equals("mode") && file != null && i + 1 < parts.length) {
                SocketFile.chmod(file.path(), parts[i + 1]);
            } else {
                log.warn("-S {}: '{}' is not supported here (only 'mode <octal>' on a Unix socket); ignored", spec,
                        parts[i]);
            }
        }
        MasterCli cli = new MasterCli(server, file, master);
        Thread acceptor = new Thread(cli::accept, "master-cli");
        acceptor.setDaemon(true);
        acceptor.start();
        return cli;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                Client client = server.accept();
                Thread t = new Thread(() -> serve(client), "master-cli-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.warn("master CLI: {}", e.getMessage());
                }
            }
        }
    }

    /** One command per line; one-shot unless the client asks for {@code prompt}, as the stats socket. */
    private void serve(Client client) {
        try (Closeable connection = client.connection(); BufferedReader in = new BufferedReader(
                new InputStreamReader(client.in(), StandardCharsets.UTF_8)); OutputStream out = client.out()) {
            boolean interactive = false;
            for (String line; (line = in.readLine()) != null; ) {
                String command = line.trim();
                if (command.equals("quit")) {
                    return;
                }
                if (command.equals("prompt")) {
                    interactive = !interactive;
                    out.write((interactive ? "\nmaster> " : "").getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                out.write(answer(command).getBytes(StandardCharsets.UTF_8));
                if (!interactive || command.equals("reload")) {
                    return;
                }
                out.write("\nmaster> ".getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    String answer(String command) {
        if (command.equals("show proc")) {
            return showProc();
        }
        if (command.equals("reload")) {
            master.requestReload();
            return "";
        }
        if (command.startsWith("@")) {
            int space = command.indexOf(' ');
            String target = space < 0 ? command.substring(1) : command.substring(1, space);
            Master.Worker w = worker(target);
            if (w == null) {
                return "Can't find the target CLI!\n";
            }
            return forward(w, space < 0 ? "" : command.substring(space + 1));
        }
        return """
                Unknown command. Please enter one of the following commands only :
                  help           : this message
                  prompt         : toggle interactive mode with prompt
                  quit           : disconnect
                  show proc      : show processes status
                  reload         : reload haproxy
                  @<relative pid> : send a command to the <relative pid> process
                  @!<pid>         : send a command to the <pid> process
                """;
    }

    /** {@code 1} the current worker; {@code !pid} any worker, current or old. */
    private Master.Worker worker(String target) {
        Master.Worker current = master.current();
        if (current == null) {
            return null; // the first worker is still starting
        }
        List<Master.Worker> all = new ArrayList<>(List.of(current));
        all.addAll(master.oldWorkers());
        if (target.startsWith("!")) {
            return all.stream().filter(w -> String.valueOf(w.pid()).equals(target.substring(1))).findFirst()
                    .orElse(null);
        }
        return target.equals("1") ? current : null;
    }

    private static String forward(Master.Worker w, String command) {
        try (SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            SocketAddress at = UnixDomainSocketAddress.of(w.cli());
            s.connect(at);
            s.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            return new String(Channels.newInputStream(s).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "Can't connect to the target CLI! (" + e.getMessage() + ")\n";
        }
    }

    private String showProc() {
        String version = Version.BASCULE;
        StringBuilder s = new StringBuilder(row("#<PID>", "<type>", "<reloads>", "<uptime>", "<version>"));
        long now = System.currentTimeMillis();
        s.append(row(String.valueOf(ProcessHandle.current().pid()), "master", master.reloads() + " [failed: 0]",
                uptime(now - master.startedMillis()), version));
        s.append("# workers\n");
        Master.Worker c = master.current();
        // None while the first worker starts.
        if (c != null) {
            s.append(row(String.valueOf(c.pid()), "worker", String.valueOf(master.reloads() - (c.number() - 1)),
                    uptime(now - c.startedMillis()), version));
        }
        s.append("# old workers\n");
        for (Master.Worker w : master.oldWorkers()) {
            s.append(row(String.valueOf(w.pid()), "worker", String.valueOf(master.reloads() - (w.number() - 1)),
                    uptime(now - w.startedMillis()), version));
        }
        return s.append("# programs\n\n").toString();
    }

    private static String row(String pid, String type, String reloads, String uptime, String version) {
        return String.format("%-15s %-15s %-15s %-15s %s%n", pid, type, reloads, uptime, version);
    }

    private static String uptime(long millis) {
        long s = millis / 1000;
        return String.format("%dd%02dh%02dm%02ds", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
    }

    /** A socket bound here, with Java's own channels. */
    private record BoundSocket(ServerSocketChannel channel) implements Acceptor {
        @Override
        public Client accept() throws IOException {
            SocketChannel c = channel.accept();
            return new Client(Channels.newInputStream(c), Channels.newOutputStream(c), c);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * {@code -S fd@N}: a listening socket the process was started with, which Java's channels cannot take: it is
     * accepted on in blocking mode by the acceptor thread, and each client is read and written as a blocking
     * descriptor (needs the JDK export bin/bascule gives).
     */
    private record GivenSocket(io.netty.channel.unix.Socket socket) implements Acceptor {
        static GivenSocket adopt(String address) throws IOException, StartupException {
            int fd;
            try {
                fd = Integer.parseInt(address.substring("fd@".length()));
            } catch (NumberFormatException e) {
                throw new StartupException("'" + address + "' : a file descriptor is a number");
            }
            InheritedFd.listening(fd);
            if (InheritedFd.blocking(fd) == null) {
                throw new StartupException("'" + address + "' needs the JVM option "
                        + "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED (bin/bascule gives it)");
            }
            return new GivenSocket(new io.netty.channel.unix.Socket(fd));
        }

        @Override
        public Client accept() throws IOException {
            int fd = socket.accept(new byte[ACCEPTED_ADDRESS_BYTES]);
            if (fd < 0) {
                throw new IOException("accept() returned " + fd);
            }
            FileDescriptor d = InheritedFd.blocking(fd);
            FileInputStream in = new FileInputStream(d);
            return new Client(in, new FileOutputStream(d), in);
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // exiting anyway
        }
        if (file != null) {
            file.remove();
        }
    }
}
