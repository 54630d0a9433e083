package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator rewrites requests on their way to the servers: {@code replace-header}, {@code replace-value},
 * {@code del-header -m}, {@code set-method}, {@code set-path}, {@code set-pathq}, {@code set-query},
 * {@code set-uri}, {@code normalize-uri}, in a frontend, in the backends it routes to and in a listen section; reads
 * bodies with {@code wait-for-body} or {@code option http-buffer-request} and {@code req.body}; sends
 * {@code early-hint}s; and slows a robot down with {@code tarpit}. Bascule and a real HAProxy 2.6 given the same configuration send every request to the server alike:
 * the same request line and headers (as the server sees them, names in any case), or answer it alike.
 */
class HttpRequestActionsIT {
    private static String config(int port, int listen, int server) {
        return "global\n    expose-experimental-directives\n" + HttpModeIT.config("""
                frontend fe
                    bind 127.0.0.1:%1$d
                    timeout tarpit 300ms
                    http-request tarpit deny_status 429 if { path /trap }
                    http-request wait-for-body time 1s if METH_POST
                    http-request deny if { req.body -m sub secret }
                    http-request set-header X-Body-Len %%[req.body_len] if METH_POST
                    http-request early-hint Link "</a.css>; rel=preload; as=style" if { path /hints }
                    http-request early-hint Link "</b.js>; rel=preload; as=script" if { path /hints }
                    http-request normalize-uri path-merge-slashes if { path_beg /norm }
                    http-request normalize-uri path-strip-dotdot full if { path_beg /norm }
                    http-request normalize-uri percent-decode-unreserved strict if { path_beg /norm }
                    http-request normalize-uri query-sort-by-name if { path_beg /norm }
                    http-request normalize-uri percent-to-uppercase strict if { path_beg /strict }
                    http-request replace-header X-Cookie foo=([^;]*);(.*) foo=\\1;fe=%%[fe_name];\\2
                    http-request replace-header User-Agent curl.* robot
                    http-request replace-value X-List ^192\\.168\\.(.*)$ 172.16.\\1
                    http-request del-header X-Debug- -m beg
                    http-request del-header -secret -m end
                    http-request del-header ^x-trace-[0-9]+$ -m reg
                    http-request del-header tmp -m sub
                    http-request set-method PUT if { path /put }
                    http-request set-path /v2%%[path] if { path_beg /api }
                    http-request set-query %%[query]&by=fe if { path_beg /v2/api } { query -m found }
                    http-request set-query %%[url_param(none)] if { path /emptyq }
                    http-request set-query added if { path /noq }
                    http-request set-pathq /q if { path /pathq }
                    http-request set-uri /whole?x=1 if { path /uri }
                    use_backend other if { path_beg /other }
                    use_backend buffered if { path_beg /buffered }
                    default_backend be
                backend be
                    http-request set-header X-Backend %%[be_name] if { path_beg /v2/ }
                    server s 127.0.0.1:%3$d
                backend other
                    http-request set-path /from-other%%[path]
                    http-request deny deny_status 410 if { path_end /gone }
                    server s 127.0.0.1:%3$d
                backend buffered
                    option http-buffer-request
                    http-request set-header X-Buffered %%[req.body,lower]
                    server s 127.0.0.1:%3$d
                listen solo
                    bind 127.0.0.1:%2$d
                    http-request add-header X-Once 1
                    server s 127.0.0.1:%3$d
                """.formatted(port, listen, server));
    }

    /** Each request as curl's arguments after the URL's path; "@listen" first goes to the listen section. */
    private static final List<List<String>> REQUESTS = List.of(
            List.of("/plain"),
            List.of("/h", "-H", "X-Cookie: foo=bar; path=/", "-H", "X-List: 192.168.1.2, 10.0.0.1,192.168.3.4",
                    "-H", "X-List: 192.168.9.9"),
            List.of("/h", "-H", "X-Debug-A: 1", "-H", "x-debug-b: 2", "-H", "X-Api-Secret: s", "-H", "X-Trace-12: t",
                    "-H", "X-Trace-x: kept", "-H", "X-Tmp-1: t", "-H", "X-Keep: k"),
            List.of("/put"),
            List.of("/api/a?k=v"),
            List.of("/api/a"),
            List.of("/emptyq?a=1"),
            List.of("/noq"),
            List.of("/pathq?a=1"),
            List.of("/uri"),
            List.of("/other/x?y=1"),
            List.of("/other/gone"),
            List.of("/trap"),
            List.of("/post", "-d", "hello secret"),
            List.of("/post", "-d", "hello"),
            List.of("/buffered", "-d", "Whole BODY"),
            List.of("/post", "-d", "x".repeat(2000), "-H", "Expect: 100-continue"),
            List.of("/norm//a/b/../%61%2f?c=1&a=2&b", "--path-as-is"),
            List.of("/strict/%7e%zz", "--path-as-is"),
            List.of("/strict/%7e", "--path-as-is"),
            List.of("@listen", "/"));

    /**
     * Status and what the server saw, its header names in lower case (HAProxy sends them so), no Connection, and the
     * proxy's port out of the Host curl sends.
     */
    private static String seen(int port, int listen, List<String> request) throws Exception {
        boolean toListen = request.get(0).equals("@listen");
        List<String> rest = toListen ? request.subList(1, request.size()) : request;
        List<String> args = new ArrayList<>(List.of("http://127.0.0.1:" + (toListen ? listen : port) + rest.get(0)));
        args.addAll(rest.subList(1, rest.size()));
        Curl.Reply r = Curl.run(args.toArray(new String[0]));
        if (r.status() != 200) {
            return String.valueOf(r.status());
        }
        return r.status() + "\n" + r.body().lines().map(line -> {
            int colon = line.indexOf(':');
            return colon < 0 || line.startsWith("GET ") || line.startsWith("PUT ") || line.startsWith("POST ") ? line
                    : line.substring(0, colon).toLowerCase(Locale.ROOT) + line.substring(colon);
        }).filter(line -> !line.startsWith("connection:") && !line.isEmpty())
                .map(line -> line.startsWith("host: 127.0.0.1:") ? "host: 127.0.0.1:PORT" : line)
                .collect(Collectors.joining("\n"));
    }

    /** The interim responses a request for /hints gets before its answer, header names in lower case. */
    private static String earlyHints(int port) throws Exception {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /hints HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            int last = all.indexOf("HTTP/1.1 200 ");
            assertTrue(last > 0, "103s, then the answer: " + all);
            return all.substring(0, last).lines().map(line -> {
                int colon = line.indexOf(':');
                return colon < 0 ? line : line.substring(0, colon).toLowerCase(Locale.ROOT) + line.substring(colon);
            }).collect(Collectors.joining("\n"));
        }
    }

    @Test
    void rewriting_rules_send_the_request_to_the_server_as_haproxy_does() throws Exception {
        Tools.require("haproxy");
        try (TestServer server = TestServer.start(TestServer.headEcho())) {
            int ours = Ports.free();
            int oursListen = Ports.free();
            int theirs = Ports.free();
            int theirsListen = Ports.free();
            Path cfg = Bascule.writeConfig("http-request-actions", config(ours, oursListen, server.port()));
            try (Bascule proxy = Bascule.serve(cfg, ours);
                 HaproxyServer reference = HaproxyServer.start("http-request-actions",
                         config(theirs, theirsListen, server.port()), theirs)) {
                List<String> expected = new ArrayList<>();
                List<String> got = new ArrayList<>();
                for (List<String> request : REQUESTS) {
                    expected.add(String.join(" ", request) + " -> " + seen(theirs, theirsListen, request));
                    got.add(String.join(" ", request) + " -> " + seen(ours, oursListen, request));
                }
                assertEquals(String.join("\n\n", expected), String.join("\n\n", got));
                assertEquals(earlyHints(theirs), earlyHints(ours));
                long start = System.nanoTime();
                assertEquals(429, Curl.run("http://127.0.0.1:" + ours + "/trap").status());
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms >= 280, "the tarpit held the request for its timeout: " + ms + " ms");
                String all = String.join("\n", expected);
                assertTrue(all.contains("x-cookie: foo=bar;fe=fe; path=/") && all.contains("GET /v2/api/a?k=v&by=fe ")
                        && all.contains("x-backend: be") && all.contains("PUT /put ") && all.contains("x-body-len: 5")
                        && all.contains("GET /norm/a/a%2f?a=2&b&c=1 ") && all.contains("GET /from-other/other/x?y=1 "),
                        all);
            }
        }
    }

    private static String logged(int port, int logPort, int server) {
        return """
                global
                    log 127.0.0.1:%2$d local0
                defaults
                    log global
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend fe
                    bind 127.0.0.1:%1$d
                    log-format "%%{+Q}r %%hr"
                    capture request header Host len 4
                    http-request capture path len 5
                    declare capture request len 8
                    http-request capture req.hdr(x-id) id 2
                    http-request set-log-level silent if { path /quiet }
                    http-request set-log-level err if { path_beg /b }
                    default_backend be
                backend be
                    http-request capture method id 1 if { path_beg /b }
                    server s 127.0.0.1:%3$d
                """.formatted(port, logPort, server);
    }

    /** A log line's priority and message, the date, host name and pid between them left out. */
    private static String priorityAndMessage(String line) {
        return line.substring(0, line.indexOf('>') + 1) + " " + line.substring(line.indexOf("]: ") + 3);
    }

    @Test
    void captures_and_log_levels_set_by_rules_show_in_the_log_as_with_haproxy() throws Exception {
        Tools.require("haproxy");
        List<List<String>> requests = List.of(List.of("/abcdefg", "-H", "X-Id: identifier"), List.of("/quiet"),
                List.of("/b/c"), List.of("/x"));
        try (TestServer server = TestServer.start(TestServer.headEcho());
             RsyslogServer syslog = RsyslogServer.start("http-request-captures", 2)) {
            int ours = Ports.free();
            int theirs = Ports.free();
            Path cfg = Bascule.writeConfig("http-request-captures", logged(ours, syslog.port(1), server.port()));
            try (Bascule proxy = Bascule.serve(cfg, ours);
                 HaproxyServer reference = HaproxyServer.start("http-request-captures",
                         logged(theirs, syslog.port(0), server.port()), theirs)) {
                for (List<String> request : requests) {
                    seen(theirs, theirs, request);
                    seen(ours, ours, request);
                }
                List<String> expected = syslog.await(syslog.port(0), 3).stream()
                        .map(HttpRequestActionsIT::priorityAndMessage).toList();
                List<String> got = syslog.await(syslog.port(1), 3).stream()
                        .map(HttpRequestActionsIT::priorityAndMessage).toList();
                assertEquals(String.join("\n", expected), String.join("\n", got));
                assertEquals(List.of("<134> \"GET /abcdefg HTTP/1.1\" {127.|/abcd|identifi}",
                        "<131> \"GET /b/c HTTP/1.1\" {127.|GET|}", "<134> \"GET /x HTTP/1.1\" {127.|/x|}"),
                        expected, "the silent request is not logged; a rule's level is the line's");
            }
        }
    }
}
