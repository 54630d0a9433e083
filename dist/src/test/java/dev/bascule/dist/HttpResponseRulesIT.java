package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator edits and filters responses: {@code http-response} rules in the backend and the frontend (headers,
 * {@code set-status}, {@code deny}, {@code return}, {@code redirect}) on conditions over the response ({@code status},
 * {@code res.hdr}, {@code res.cook}), {@code http-after-response} rules that also see the proxy's own answers, replies
 * with log-format payloads and headers (an {@code http-error} page's too), and redirects that set cookies. Bascule and a real HAProxy 2.6 given the same
 * configuration answer every request alike: status line, the headers the rules touch, and body.
 */
class HttpResponseRulesIT {
    private static String config(int port, NginxServer a, Path pages) {
        return HttpModeIT.config("""
                http-errors pages
                    errorfile 503 %3$s/503.http
                frontend fe
                    bind 127.0.0.1:%1$d
                    http-request return status 503 errorfiles pages if { path /busy }
                    http-request deny deny_status 403 content-type text/plain string "no admin" hdr X-Why admin if { path /admin }
                    http-request return status 200 content-type text/plain lf-string "hello %%[req.hdr(host)]" if { path /hello }
                    redirect prefix /new code 301 drop-query append-slash set-cookie SEEN=1 if { path_beg /old }
                    redirect location /empty code 308 clear-cookie SEEN= if { path /clear }
                    http-request redirect location %%[req.hdr(x-to)] ignore-empty if { path /maybe }
                    http-response set-header X-Front %%[status]
                    http-response del-header Server
                    http-response set-status 503 reason "Slow Down" if { status 429 }
                    http-response deny if { res.hdr(x-leak) -m found }
                    http-response return status 200 content-type text/plain lf-string "gone %%[status]" hdr X-R 1 if { status 410 }
                    http-response redirect location /moved code 303 if { status 404 }
                    http-response set-header X-Session %%[res.cook(JSESSIONID)] if { res.cook_cnt(JSESSIONID) gt 0 }
                    http-after-response set-header X-After %%[status]
                    http-error status 503 content-type text/plain lf-string "down at %%[fe_name]" hdr X-Proxy %%[fe_name]
                    use_backend empty if { path /empty }
                    default_backend be
                backend be
                    http-response set-header X-Order back
                    http-response allow if { res.cook(JSESSIONID) -m found }
                    http-response add-header X-Back 1
                    server a 127.0.0.1:%2$d
                backend empty
                """.formatted(port, a.port, pages));
    }

    /** Each request as curl's arguments after the URL's path. */
    private static final List<List<String>> REQUESTS = List.of(
            List.of("/"),
            List.of("/login"),
            List.of("/status/429"),
            List.of("/status/410"),
            List.of("/status/404"),
            List.of("/leak"),
            List.of("/admin"),
            List.of("/hello", "-H", "Host: example.org"),
            List.of("/old/page?x=1"),
            List.of("/clear"),
            List.of("/maybe"),
            List.of("/maybe", "-H", "X-To: /there"),
            List.of("/empty"),
            List.of("/busy"));

    /** The headers the rules set or remove, or a redirect carries. */
    private static final Set<String> WATCHED = Set.of("location", "content-type", "cache-control", "set-cookie",
            "server", "x-front", "x-after", "x-r", "x-back", "x-order", "x-session", "x-why", "x-proxy", "x-page");

    /** What a client sees of one answer: the status line, the watched headers (sorted), and the body. */
    private static String seen(int port, List<String> request) throws Exception {
        List<String> args = new ArrayList<>(List.of("http://127.0.0.1:" + port + request.get(0)));
        args.addAll(request.subList(1, request.size()));
        Curl.Reply r = Curl.run(args.toArray(new String[0]));
        String[] lines = r.headers().split("\r\n");
        StringBuilder out = new StringBuilder(lines[0].trim());
        TreeSet<String> headers = new TreeSet<>();
        for (String line : lines) {
            String l = line.toLowerCase(Locale.ROOT).trim();
            int colon = l.indexOf(':');
            if (colon > 0 && WATCHED.contains(l.substring(0, colon))) {
                headers.add(l.startsWith("server:") ? "server: (present)" : l);
            }
        }
        headers.forEach(h -> out.append(" | ").append(h));
        return out.append(" | ").append(r.body().trim()).toString();
    }

    /** An http-errors page. */
    private static Path pages() throws Exception {
        Path dir = Bascule.workDir("resp-pages");
        java.nio.file.Files.writeString(dir.resolve("503.http"), "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                + "text/plain\r\nX-Page: busy\r\n\r\nbusy, try later\n");
        return dir;
    }

    @Test
    void response_rules_and_replies_answer_as_haproxy_does() throws Exception {
        Tools.require("haproxy");
        Path pages = pages();
        try (NginxServer a = NginxServer.start("resp-a")) {
            int ours = Ports.free();
            int theirs = Ports.free();
            Path cfg = Bascule.writeConfig("resp", config(ours, a, pages));
            try (Bascule proxy = Bascule.serve(cfg, ours);
                 HaproxyServer reference = HaproxyServer.start("resp", config(theirs, a, pages), theirs)) {
                List<String> expected = new ArrayList<>();
                List<String> got = new ArrayList<>();
                for (List<String> request : REQUESTS) {
                    expected.add(String.join(" ", request) + " -> " + seen(theirs, request));
                    got.add(String.join(" ", request) + " -> " + seen(ours, request));
                }
                assertEquals(String.join("\n", expected), String.join("\n", got));
                String all = String.join("\n", expected);
                assertTrue(all.contains("/status/429 -> HTTP/1.1 503 Slow Down"), all);
                assertTrue(all.contains("/leak -> HTTP/1.1 502") && all.contains("x-after: 502"),
                        "the denied response became the proxy's 502, which http-after-response saw: " + all);
                assertTrue(all.contains("x-back: 1") && all.contains("x-order: back"), all);
                assertTrue(all.contains("/empty -> HTTP/1.1 503") && all.contains("x-proxy: fe")
                        && all.contains("down at fe"), all);
                assertTrue(all.contains("/busy -> HTTP/1.1 503 Service Unavailable") && all.contains("busy, try later"),
                        all);
            }
        }
    }

    @Test
    void a_response_rule_edits_what_the_client_gets_through_the_packaged_proxy() throws Exception {
        try (NginxServer a = NginxServer.start("resp-b")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("resp-own", config(port, a, pages()));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String ok = seen(port, List.of("/"));
                assertEquals("HTTP/1.1 200 OK | content-type: text/plain | x-after: 200 | x-back: 1 | x-front: 200 "
                        + "| x-order: back | resp-b", ok);
                String login = seen(port, List.of("/login"));
                assertTrue(login.contains("x-session: abc123") && !login.contains("x-back"),
                        "the backend's allow ends its own rules, not the frontend's: " + login);
                String moved = seen(port, List.of("/status/404"));
                assertTrue(moved.startsWith("HTTP/1.1 303 See Other | cache-control: no-cache | "
                        + "location: /moved"), moved);
                String gone = seen(port, List.of("/status/410"));
                assertTrue(gone.startsWith("HTTP/1.1 200 OK") && gone.contains("x-r: 1") && gone.endsWith("| gone"),
                        "the reply is built once the server's response is dropped: " + gone);
            }
        }
    }
}
