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
}
