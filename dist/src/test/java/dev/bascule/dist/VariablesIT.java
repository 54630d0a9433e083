package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator keeps facts in variables ({@code set-var} in tcp-request and http-request rules, read by later rules,
 * headers and the log line) and protects paths with a userlist whose passwords are crypt(3) hashes made by
 * {@code openssl passwd}. A real HAProxy 2.6 given the same configuration answers every request alike (status, the
 * challenge, the body or the header the rules built) and logs the same variables and captures.
 */
class VariablesIT {
    private static final String PASSWORD_512 = "s3cret-512";
    private static final String PASSWORD_256 = "s3cret-256";
    private static final String PASSWORD_MD5 = "s3cret-md5";

    private static String config(int port, int tcpPort, int logPort, NginxServer web, List<String> hashes) {
        return """
                global
                    log 127.0.0.1:%3$d local0
                    set-var proc.base int(40)
                defaults
                    log global
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                userlist staff
                    group admin
                    group ops users md5user
                    user sha512user password %5$s groups admin
                    user sha256user password %6$s
                    user md5user password %7$s
                    user plain insecure-password clear groups admin
                frontend fe
                    mode http
                    bind 127.0.0.1:%1$d
                    log-format "http user=%%[var(txn.user)] src=%%[var(sess.src)] n=%%[var(txn.n)] path=%%[var(txn.path)] st=%%ST hr=%%hr"
                    capture request header X-Tier len 10
                    tcp-request connection set-var(sess.src) src
                    tcp-request content set-var(txn.n) int(1)
                    tcp-request content capture path len 4
                    http-request set-var(txn.path) path
                    http-request set-var(txn.n) var(txn.n),add(1) if { path_beg /count }
                    http-request set-var(req.tier) str(gold) if { hdr(x-tier) -m found }
                    http-request set-var(txn.user) http_auth_group(staff) if { http_auth(staff) }
                    http-request auth realm Private if { path_beg /private } !{ http_auth(staff) }
                    http-request auth if { path_beg /admin } !{ http_auth_group(staff) admin }
                    http-request deny deny_status 429 if { path /deny } { var(req.tier) -m str gold }
                    http-request set-header X-Forwarded-For %%[var(txn.user)]/%%[var(txn.n)]/%%[var(req.tier)]/%%[var(sess.src)]/%%[var(proc.base),add(txn.n)] if { path /xff }
                    http-request unset-var(txn.path) if { path /xff }
                    default_backend web
                frontend tcp
                    mode tcp
                    bind 127.0.0.1:%2$d
                    log-format "tcp hr=%%hr port=%%[var(sess.port)] k=%%[var(txn.k)] len=%%[var(txn.len)]"
                    tcp-request inspect-delay 2s
                    tcp-request session set-var(sess.port) dst_port,sub(%2$d)
                    tcp-request content set-var(txn.len) req.len if { req.len gt 0 }
                    tcp-request content set-var-fmt(txn.k) "tcp-%%[var(sess.port)]"
                    tcp-request content capture req.payload(0,3) len 3
                    default_backend web_tcp
                backend web
                    mode http
                    server a 127.0.0.1:%4$d
                backend web_tcp
                    mode tcp
                    server a 127.0.0.1:%4$d
                """.formatted(port, tcpPort, logPort, web.port, hashes.get(0), hashes.get(1), hashes.get(2));
    }

    /** Each request as curl's arguments after the URL's path. */
    private static final List<List<String>> REQUESTS = List.of(
            List.of("/"),
            List.of("/count"),
            List.of("/private"),
            List.of("/private", "-u", "sha512user:" + PASSWORD_512),
            List.of("/private", "-u", "sha512user:" + PASSWORD_256),
            List.of("/private", "-u", "sha256user:" + PASSWORD_256),
            List.of("/private", "-u", "sha256user:wrong"),
            List.of("/private", "-u", "md5user:" + PASSWORD_MD5),
            List.of("/private", "-u", "md5user:" + PASSWORD_MD5.toUpperCase(Locale.ROOT)),
            List.of("/private", "-u", "plain:clear"),
            List.of("/private", "-u", "nobody:clear"),
            List.of("/admin", "-u", "plain:clear"),
            List.of("/admin", "-u", "md5user:" + PASSWORD_MD5),
            List.of("/admin", "-u", "sha512user:" + PASSWORD_512),
            List.of("/deny"),
            List.of("/deny", "-H", "X-Tier: 1"),
            List.of("/xff", "-u", "sha256user:" + PASSWORD_256, "-H", "X-Tier: 1"));

    /** What a client sees of one answer: status, the challenge, and the body (the server's name or header). */
    private static String seen(int port, List<String> request) throws Exception {
        List<String> args = new ArrayList<>(List.of("http://127.0.0.1:" + port + request.get(0)));
        args.addAll(request.subList(1, request.size()));
        Curl.Reply r = Curl.run(args.toArray(new String[0]));
        StringBuilder out = new StringBuilder(String.valueOf(r.status()));
        for (String line : r.headers().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("www-authenticate:")) {
                out.append(" | ").append(line.trim());
            }
        }
        return out.append(" | ").append(r.body().trim().replace("\n", " ")).toString();
    }

    /**
     * The traffic lines a proxy logged (the log-format's, without the syslog header), sorted, once {@code count} came;
     * the request length a TCP line logs depends on the port curl names, so it is left out.
     */
    private static List<String> traffic(RsyslogServer syslog, int port, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> lines = syslog.lines(port).stream().filter(l -> l.contains(": http ") || l.contains(": tcp "))
                    .map(l -> l.substring(l.indexOf(": ") + 2).replaceFirst("len=\\d+$", "len=LEN")).sorted()
                    .toList();
            if (lines.size() >= count || System.nanoTime() > deadline) {
                assertEquals(count, lines.size(), String.join("\n", lines));
                return lines;
            }
            Thread.sleep(50);
        }
    }

    private static String hash(String scheme, String password) throws Exception {
        Process p = new ProcessBuilder(Tools.require("openssl"), "passwd", scheme, password).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertTrue(out.startsWith("$"), out);
        return out;
    }

    @Test
    void variables_and_userlists_answer_and_log_as_haproxy_does() throws Exception {
        Tools.require("haproxy");
        List<String> hashes = List.of(hash("-6", PASSWORD_512), hash("-5", PASSWORD_256), hash("-1", PASSWORD_MD5));
        try (NginxServer web = NginxServer.start("vars-web"); RsyslogServer syslog = RsyslogServer.start("vars", 2)) {
            int ours = Ports.free();
            int oursTcp = Ports.free();
            int theirs = Ports.free();
            int theirsTcp = Ports.free();
            Path cfg = Bascule.writeConfig("vars", config(ours, oursTcp, syslog.port(1), web, hashes));
            try (Bascule proxy = Bascule.serve(cfg, ours);
                 HaproxyServer reference = HaproxyServer.start("vars", config(theirs, theirsTcp, syslog.port(0), web,
                         hashes), theirs)) {
                List<String> expected = new ArrayList<>();
                List<String> got = new ArrayList<>();
                for (List<String> request : REQUESTS) {
                    expected.add(String.join(" ", request) + " -> " + seen(theirs, request));
                    got.add(String.join(" ", request) + " -> " + seen(ours, request));
                }
                String tcpRequest = "/ through the TCP frontend -> ";
                expected.add(tcpRequest + seen(theirsTcp, List.of("/")));
                got.add(tcpRequest + seen(oursTcp, List.of("/")));
                assertEquals(String.join("\n", expected), String.join("\n", got));
                String all = String.join("\n", expected);
                assertTrue(all.contains("/xff -u sha256user:" + PASSWORD_256 + " -H X-Tier: 1 -> 200 | "
                        + "sha256user/1/gold/127.0.0.1/41"), all);
                for (String who : List.of("sha512user:" + PASSWORD_512, "sha256user:" + PASSWORD_256,
                        "md5user:" + PASSWORD_MD5, "plain:clear")) {
                    assertTrue(all.contains("/private -u " + who + " -> 200 | vars-web"), who + ":\n" + all);
                }
                assertTrue(all.contains("/private -u sha256user:wrong -> 401 | www-authenticate: Basic "
                        + "realm=\"Private\""), all);
                assertTrue(all.contains("/admin -u md5user:" + PASSWORD_MD5 + " -> 401 | www-authenticate: Basic "
                        + "realm=\"fe\""), all);
                int lines = REQUESTS.size() + 1;
                List<String> theirLines = traffic(syslog, syslog.port(0), lines);
                List<String> ourLines = traffic(syslog, syslog.port(1), lines);
                assertEquals(String.join("\n", theirLines), String.join("\n", ourLines));
                // A missing sample is logged as '-'.
                assertTrue(ourLines.contains("http user=sha256user src=127.0.0.1 n=1 path=- st=200 hr={1|/xff}"),
                        String.join("\n", ourLines));
                assertTrue(ourLines.contains("http user=- src=127.0.0.1 n=2 path=/count st=200 hr={|/cou}"),
                        String.join("\n", ourLines));
                assertTrue(ourLines.contains("tcp hr={GET} port=0 k=tcp-0 len=LEN"), String.join("\n", ourLines));
            }
        }
    }
}
