package dev.bascule.stats;

import com.sun.net.httpserver.HttpServer;
import dev.bascule.config.ConfigParser;
import dev.bascule.config.ParseResult;
import dev.bascule.core.Runtime;
import dev.bascule.core.Transport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real Bascule on loopback for the stats tests: a frontend {@code web} in front of backend {@code app}
 * (servers {@code s1} with {@code id 7}, {@code s2} and {@code off}, {@code disabled}, all on one in-test HTTP
 * server that answers 200, or 404 under /missing), a backend {@code dead} whose checked server {@code gone}
 * points at a closed port, and a {@code listen stats} with the page (admin from anywhere) and the Prometheus
 * exporter. HAProxy numbers these proxies 1 to 4 in that declaration order.
 */
final class TestProxy implements AutoCloseable {
    private static final Set<Integer> GIVEN_PORTS = ConcurrentHashMap.newKeySet();
    static final String CONFIG = """
            global
                nbthread 1
            defaults
                mode http
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            frontend web
                bind 127.0.0.1:%1$d
                default_backend app
            backend app
                balance roundrobin
                server s1 127.0.0.1:%3$d id 7
                server s2 127.0.0.1:%3$d
                server off 127.0.0.1:%3$d disabled
            backend dead
                server gone 127.0.0.1:%4$d check inter 50ms fall 1 rise 1
            listen stats
                bind 127.0.0.1:%2$d
                stats enable
                stats uri /stats
                stats admin if TRUE
                http-request use-service prometheus-exporter if { path /metrics }
            """;

    final int web;
    final int stats;
    final Runtime runtime;
    /** {@link #CONFIG} with its ports, as the proxy runs it. */
    final String config;
    private final HttpServer origin;

    private TestProxy(int web, int stats, Runtime runtime, String config, HttpServer origin) {
        this.web = web;
        this.stats = stats;
        this.runtime = runtime;
        this.config = config;
        this.origin = origin;
    }

    static TestProxy start() throws Exception {
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.createContext("/", exchange -> {
            byte[] body = "hello\n".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().startsWith("/missing") ? 404 : 200,
                    body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();
        int web = freePort();
        int stats = freePort();
        String text = CONFIG.formatted(web, stats, origin.getAddress().getPort(), freePort());
        ParseResult parsed = new ConfigParser(name -> null, Set.of()).parse("stats-test.cfg", text);
        if (!parsed.valid()) {
            origin.stop(0);
            throw new IllegalStateException(parsed.diagnostics().toString());
        }
        try {
            Runtime runtime = Runtime.start(parsed.config(), Transport.select(false), new StatsApplets(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            runtime.configReader(files -> new ConfigParser(name -> null, Set.of()).parse(files));
            return new TestProxy(web, stats, runtime, text, origin);
        } catch (Exception | Error e) {
            origin.stop(0);
            throw e;
        }
    }

    /**
     * A port nobody listens on right now (the proxy binds it next; a clash would fail the start loudly), and not one
     * handed out before: the kernel may give a closed probe's port to the next probe, and two listeners of a test
     * on one port both bind (SO_REUSEPORT) and share its connections.
     */
    static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN_PORTS.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    /** One request on its own connection ({@code Connection: close}): the whole response as text. */
    static String get(int port, String path) {
        return request(port, "GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    }

    static String request(int port, String raw) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of a response {@link #get} read. */
    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    /** Retries {@code check} until it passes or {@code within} is over (counters land as the response leaves). */
    static void eventually(Duration within, Runnable check) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    @Override
    public void close() {
        runtime.close();
        origin.stop(0);
    }
}
