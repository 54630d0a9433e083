package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listeners and servers on Unix sockets, Linux abstract sockets and inherited file descriptors. */
class AddressFamiliesIT {

    @Test
    void a_tcp_frontend_reaches_a_server_through_a_unix_socket_listener() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path dir = Bascule.workDir("unix");
            Path sock = dir.resolve("relay.sock");
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, TcpProxyIT.config("""
                    listen front
                        bind 127.0.0.1:%d
                        server relay unix@%s
                    listen relay
                        bind %s
                        server echo 127.0.0.1:%d
                    """.formatted(port, sock, sock, echo.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                assertEquals("hello[eof after 5 bytes]\n", echoThrough(port, "hello"));
                // The Unix listener itself, with a Unix client.
                try (SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    unix.connect(UnixDomainSocketAddress.of(sock));
                    unix.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
                    unix.shutdownOutput();
                    assertEquals("abc[eof after 3 bytes]\n", new String(Channels.newInputStream(unix)
                            .readAllBytes(), StandardCharsets.US_ASCII));
                }
                assertEquals(0, proxy.stop());
                assertFalse(Files.exists(sock), "the socket file is removed on exit");
            }
        }
    }

    @Test
    void abstract_namespace_sockets_chain_two_proxies_as_in_the_ssl_offload_pattern() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            String name = "bascule-test-" + ProcessHandle.current().pid() + "-" + port;
            Path cfg = Bascule.writeConfig("abns", TcpProxyIT.config("""
                    listen front
                        bind 127.0.0.1:%d
                        server inner abns@%s
                    frontend inner
                        bind abns@%s
                        default_backend app
                    backend app
                        server echo 127.0.0.1:%d
                    """.formatted(port, name, name, echo.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                assertEquals("ping[eof after 4 bytes]\n", echoThrough(port, "ping"));
                assertEquals(0, proxy.stop());
            }
        }
    }

    @Test
    void fd_at_adopts_a_listening_socket_inherited_from_the_parent() throws Exception {
        String python = Tools.require("python3");
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("fd", TcpProxyIT.config("""
                    listen inherited
                        bind "fd@${LISTEN_FD}"
                        server echo 127.0.0.1:%d
                    """.formatted(echo.port())));
            // As systemd socket activation does: the parent listens, then execs the proxy with the fd open.
            String launcher = String.join("\n",
                    "import os, socket, sys",
                    "s = socket.socket()",
                    "s.bind(('127.0.0.1', int(sys.argv[1])))",
                    "s.listen(128)",
                    "os.set_inheritable(s.fileno(), True)",
                    "os.environ['LISTEN_FD'] = str(s.fileno())",
                    "os.execv(sys.argv[2], sys.argv[2:])");
            Path bascule = Bascule.HOME.resolve("bin/bascule").toAbsolutePath();
            Process p = new ProcessBuilder(List.of(python, "-c", launcher, String.valueOf(port), bascule.toString(),
                    "-db", "-f", cfg.toString()))
                    .redirectErrorStream(true).redirectOutput(cfg.getParent().resolve("output.txt").toFile()).start();
            try {
                awaitStarted(cfg.getParent().resolve("output.txt"), p);
                assertEquals("fd[eof after 2 bytes]\n", echoThrough(port, "fd"));
            } finally {
                p.destroy();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            }
            assertEquals(0, p.exitValue());
        }
    }

    private static void awaitStarted(Path output, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(output).contains("Proxy inherited started.")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("bascule did not start on the inherited socket:\n" + Files.readString(output));
            }
            Thread.sleep(20);
        }
    }

    private static String echoThrough(int port, String text) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
