package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator routes and filters with ACLs: named and anonymous, {@code use_backend} (a name built from a sample
 * too), {@code http-request} rules and {@code redirect}. Bascule and a real HAProxy 2.6 given the same configuration
 * answer every request alike: the same backend, status, Location and Content-Type, and the same edited headers as
 * the backend sees them.
 */
class RulesIT {
    private static String config(int port, NginxServer a, NginxServer b, NginxServer c) {
        return HttpModeIT.config("""
                frontend fe
                    bind 127.0.0.1:%d
                    acl is_api path_beg -i /api
                    acl host_b hdr(host) -i -m beg b.
                    acl local src 127.0.0.0/8 ::1
                    http-request deny if { path_beg /admin } !{ hdr(x-admin) -m found }
                    http-request deny deny_status 429 if { url_param(flood) -m found }
                    http-request return status 200 content-type text/plain string pong if { path /ping }
                    redirect prefix http://new.example code 301 if { hdr(host) -i old.example }
                    http-request redirect location /login code 303 if { path /private } !{ cook(sid) -m found }
                    http-request set-header X-Forwarded-For %%[req.hdr(host),lower,field(1,:)] if { path /xff }
                    http-request del-header Cookie if { path /cookie } { hdr_cnt(x-strip) gt 0 }
                    use_backend be_b if host_b || { url_param(to) b }
                    use_backend be_c if is_api local !METH_POST
                    use_backend be_%%[req.hdr(x-pool),lower] if { req.hdr(x-pool) -m found }
                    default_backend be_a
                backend be_a
                    server a 127.0.0.1:%d
                backend be_b
                    server b 127.0.0.1:%d
                backend be_c
                    server c 127.0.0.1:%d
                """.formatted(port, a.port, b.port, c.port));
    }

    /** Each request as curl's arguments after the URL's path. */
    private static final List<List<String>> REQUESTS = List.of(
            List.of("/"),
            List.of("/API/v1"),
            List.of("/api/v1"),
            List.of("/api/v1", "-X", "POST", "-d", "x"),
            List.of("/", "-H", "Host: b.example"),
            List.of("/?to=b"),
            List.of("/", "-H", "X-Pool: C"),
            List.of("/", "-H", "X-Pool: nope"),
            List.of("/admin"),
            List.of("/admin", "-H", "X-Admin: 1"),
            List.of("/?flood=1"),
            List.of("/ping"),
            List.of("/a/b?c=1", "-H", "Host: old.example"),
            List.of("/private"),
            List.of("/private", "-b", "sid=1"),
            List.of("/xff", "-H", "Host: WWW.Example.COM:8080"),
            List.of("/cookie", "-b", "a=1", "-H", "X-Strip: 1"),
            List.of("/cookie", "-b", "a=1"));

    /** What a client sees of one answer: status, the headers rules set, and the body (the backend's name). */
    private static String seen(int port, List<String> request) throws Exception {
        List<String> args = new ArrayList<>(List.of("http://127.0.0.1:" + port + request.get(0)));
        args.addAll(request.subList(1, request.size()));
        Curl.Reply r = Curl.run(args.toArray(new String[0]));
        StringBuilder out = new StringBuilder(String.valueOf(r.status()));
        for (String line : r.headers().split("\r\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.startsWith("location:") || l.startsWith("content-type:")) {
                out.append(" | ").append(l.trim());
            }
        }
        return out.append(" | ").append(r.body().trim()).toString();
    }

    @Test
    void acls_switching_and_rules_answer_as_haproxy_does() throws Exception {
        Tools.require("haproxy");
        try (NginxServer a = NginxServer.start("rules-a"); NginxServer b = NginxServer.start("rules-b");
             NginxServer c = NginxServer.start("rules-c")) {
            int ours = Ports.free();
            int theirs = Ports.free();
            Path cfg = Bascule.writeConfig("rules", config(ours, a, b, c));
            try (Bascule proxy = Bascule.serve(cfg, ours);
                 HaproxyServer reference = HaproxyServer.start("rules", config(theirs, a, b, c), theirs)) {
                List<String> expected = new ArrayList<>();
                List<String> got = new ArrayList<>();
                for (List<String> request : REQUESTS) {
                    expected.add(String.join(" ", request) + " -> " + seen(theirs, request));
                    got.add(String.join(" ", request) + " -> " + seen(ours, request));
                }
                assertEquals(String.join("\n", expected), String.join("\n", got));
                assertTrue(expected.stream().anyMatch(e -> e.endsWith("rules-c")), String.join("\n", expected));
                assertTrue(expected.stream().anyMatch(e -> e.startsWith("/xff") && e.endsWith("www.example.com")),
                        "the edited header reached the backend: " + String.join("\n", expected));
            }
        }
    }

    private static String persistence(int port, NginxServer a, NginxServer b, NginxServer c) {
        return HttpModeIT.config("""
                frontend fe
                    bind 127.0.0.1:%d
                    default_backend be
                backend be
                    balance first
                    cookie SRV insert indirect nocache
                    use-server c if { req.hdr(x-server) c }
                    use-server a if { req.hdr(x-server) a }
                    force-persist if { req.hdr(x-force) 1 }
                    ignore-persist if { path_beg /static }
                    server a 127.0.0.1:%d cookie a disabled
                    server b 127.0.0.1:%d cookie b
                    server c 127.0.0.1:%d cookie c
                """.formatted(port, a.port, b.port, c.port));
    }

    /** Each request as curl's arguments after the URL's path, for {@link #persistence}. */
    private static final List<List<String>> PERSISTENT = List.of(
            List.of("/"),
            List.of("/", "-b", "SRV=c"),
            List.of("/", "-b", "SRV=a"),
            List.of("/", "-b", "SRV=a", "-H", "X-Force: 1"),
            List.of("/static/x", "-b", "SRV=c"),
            List.of("/", "-H", "X-Server: c"),
            List.of("/", "-H", "X-Server: a"),
            List.of("/", "-H", "X-Server: a", "-H", "X-Force: 1"),
            List.of("/", "-b", "SRV=b", "-H", "X-Server: c"));

    /** Status, Set-Cookie and the server's name. */
    private static String served(int port, List<String> request) throws Exception {
        List<String> args = new ArrayList<>(List.of("http://127.0.0.1:" + port + request.get(0)));
        args.addAll(request.subList(1, request.size()));
        Curl.Reply r = Curl.run(args.toArray(new String[0]));
        StringBuilder out = new StringBuilder(String.valueOf(r.status()));
        for (String line : r.headers().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("set-cookie:")) {
                out.append(" | ").append(line.trim());
            }
        }
        return out.append(" | ").append(r.body().trim()).toString();
    }

    @Test
    void use_server_and_persistence_rules_pick_servers_as_haproxy_does() throws Exception {
        Tools.require("haproxy");
        try (NginxServer a = NginxServer.start("persist-a"); NginxServer b = NginxServer.start("persist-b");
             NginxServer c = NginxServer.start("persist-c")) {
            int ours = Ports.free();
            int theirs = Ports.free();
            Path cfg = Bascule.writeConfig("persist", persistence(ours, a, b, c));
            try (Bascule proxy = Bascule.serve(cfg, ours);
                 HaproxyServer reference = HaproxyServer.start("persist", persistence(theirs, a, b, c), theirs)) {
                List<String> expected = new ArrayList<>();
                List<String> got = new ArrayList<>();
                for (List<String> request : PERSISTENT) {
                    expected.add(String.join(" ", request) + " -> " + served(theirs, request));
                    got.add(String.join(" ", request) + " -> " + served(ours, request));
                }
                assertEquals(String.join("\n", expected), String.join("\n", got));
                assertTrue(expected.stream().anyMatch(e -> e.contains("X-Force") && e.endsWith("persist-a")),
                        "force-persist reached the server in maintenance: " + String.join("\n", expected));
            }
        }
    }

    private static String errors(int port, Path dir, NginxServer a) {
        return HttpModeIT.config("""
                http-errors site
                    errorfile 503 %2$s/503.http
                    errorfile 404 %2$s/404.http
                frontend fe
                    bind 127.0.0.1:%1$d
                    errorfiles site
                    errorloc303 403 /denied
                    http-error status 429 content-type text/plain string "slow down" hdr Retry-After 10
                    http-request deny if { path /deny }
                    http-request deny deny_status 429 if { path /flood }
                    http-request deny deny_status 404 if { path /gone }
                    use_backend empty if { path_beg /empty }
                    default_backend be
                backend be
                    server a 127.0.0.1:%3$d
                backend empty
                    errorfiles site 404
                    http-error status 503 content-type text/html file %2$s/503.html
                """.formatted(port, dir, a.port));
    }

    /** Status, the headers error pages set, and the body. */
    private static String page(int port, String path) throws Exception {
        Curl.Reply r = Curl.run("http://127.0.0.1:" + port + path);
        StringBuilder out = new StringBuilder(String.valueOf(r.status()));
        for (String line : r.headers().split("\r\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.matches("(location|content-type|retry-after|cache-control|x-page):.*")) {
                out.append(" | ").append(l.trim());
            }
        }
        return out.append(" | ").append(r.body().trim()).toString();
    }

    @Test
    void error_pages_come_from_http_errors_sections_errorloc_and_http_error_as_with_haproxy() throws Exception {
        Tools.require("haproxy");
        Path dir = Bascule.workDir("error-pages");
        java.nio.file.Files.writeString(dir.resolve("503.http"), "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                + "text/plain\r\nX-Page: site\r\n\r\nthe site is down\n");
        java.nio.file.Files.writeString(dir.resolve("404.http"), "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain"
                + "\r\nX-Page: site\r\n\r\nno such page\n");
        java.nio.file.Files.writeString(dir.resolve("503.html"), "<h1>empty backend</h1>\n");
        try (NginxServer a = NginxServer.start("errors-a")) {
            int ours = Ports.free();
            int theirs = Ports.free();
            Path cfg = Bascule.writeConfig("errors", errors(ours, dir, a));
            try (Bascule proxy = Bascule.serve(cfg, ours);
                 HaproxyServer reference = HaproxyServer.start("errors", errors(theirs, dir, a), theirs)) {
                List<String> expected = new ArrayList<>();
                List<String> got = new ArrayList<>();
                for (String path : List.of("/", "/deny", "/flood", "/gone", "/empty/x")) {
                    expected.add(path + " -> " + page(theirs, path));
                    got.add(path + " -> " + page(ours, path));
                }
                assertEquals(String.join("\n", expected), String.join("\n", got));
                assertTrue(expected.contains("/deny -> 303 | cache-control: no-cache | location: /denied | "),
                        String.join("\n", expected));
            }
        }
        Path missing = Bascule.writeConfig("errors-missing", HttpModeIT.config("""
                frontend fe
                    bind 127.0.0.1:%d
                    errorfile 503 /nonexistent/503.http
                    errorfiles nosuch
                    default_backend be
                backend be
                    server a 127.0.0.1:1
                """.formatted(Ports.free())));
        Bascule.Result check = Bascule.run("-c", "-f", missing.toString());
        assertEquals(1, check.exitCode(), check.stderr());
        assertTrue(check.stderr().contains("errorfile : error opening file '/nonexistent/503.http'."), check.stderr());
        assertTrue(check.stderr().contains("unknown http-errors section 'nosuch'"), check.stderr());
    }
}
