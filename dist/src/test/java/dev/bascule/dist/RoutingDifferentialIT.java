package dev.bascule.dist;

import dev.bascule.config.ConfigParser;
import dev.bascule.config.Diagnostic;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operators' own configurations that route with ACLs ({@code ../shared/configs/real}, MANIFEST.tsv): each is given
 * loopback addresses (every server a recording backend that answers with its name and the request headers it got),
 * then the requests its ACLs tell apart (their paths, hosts, headers, cookies, parameters, methods) go through a real
 * HAProxy 2.6 and through Bascule. Both must send each to the same backend, answer the same status and set the same
 * response headers. A configuration that needs what cannot run here (TLS, Lua), or a rule Bascule does not run yet
 * (its {@code -c} says so), is skipped with the reason printed.
 */
class RoutingDifferentialIT {
    private static final Path REAL = Path.of(System.getProperty("bascule.shared", "../../shared"), "configs", "real")
            .toAbsolutePath().normalize();
    /** Keywords whose "not implemented yet" changes what a request gets: such a configuration is not comparable. */
    private static final Pattern ROUTING = Pattern.compile("'(http-request|http-response|http-after-response|"
            + "tcp-request|use_backend|use-server|redirect|force-persist|ignore-persist|userlist|http-error|errorloc)");
    /** The response headers compared (the others are the backend's own, or dates). */
    private static final Set<String> COMPARED = Set.of("location", "content-type", "set-cookie", "cache-control");
    /** Request headers the backends echo that only say who the client is (curl-like defaults), left out. */
    private static final Set<String> CLIENT_HEADERS = Set.of("host", "connection", "content-length");

    private record Server(String backend, String name, TestServer recorder) {
    }

    /** A request as the test client writes it. */
    private record Request(String method, String target, Map<String, String> headers) {
        @Override
        public String toString() {
            return method + " " + target + (headers.isEmpty() ? "" : " " + headers);
        }
    }

    @Test
    void configs_that_route_with_acls_route_as_haproxy_does() throws Exception {
        Tools.require("haproxy");
        Path manifest = REAL.resolve("MANIFEST.tsv");
        if (!Files.exists(manifest)) {
            System.out.println("RoutingDifferentialIT: skipped, " + manifest + " is absent");
            return;
        }
        List<String> outcomes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> rows = Files.readAllLines(manifest);
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split("\t", -1);
            if (!f[5].matches(".*\\b(acl|use_backend|http_request_rules|tcp_request_rules)\\b.*")) {
                continue;
            }
            String reason = compare(f[1], Files.readString(REAL.resolve(f[1])), outcomes);
            if (reason != null) {
                skipped.add(f[1] + ": " + reason);
            }
        }
        skipped.forEach(s -> System.out.println("RoutingDifferentialIT: skipped " + s));
        assertTrue(outcomes.stream().anyMatch(o -> o.contains("server=")), "no request reached a server; skipped:\n"
                + String.join("\n", skipped));
        assertTrue(outcomes.stream().map(o -> o.substring(0, o.indexOf(' '))).distinct().count() >= 2,
                "fewer than two configurations compared; skipped:\n" + String.join("\n", skipped));
    }

    /**
     * Runs one configuration through both proxies; what HAProxy answered is added to {@code outcomes}.
     *
     * @return why it was skipped, or null when both proxies answered every request alike
     */
    private static String compare(String file, String original, List<String> outcomes) throws Exception {
        if (original.matches("(?s).*\\bbind\\b[^\\n]*\\b(ssl|crt)\\b.*")) {
            return "it needs TLS";
        }
        if (original.contains("lua-load")) {
            return "it needs Lua";
        }
        List<Server> servers = new ArrayList<>();
        String name = "routing-" + file.replace(".cfg", "");
        try {
            Rewritten ours = rewrite(original, servers, 0);
            Rewritten theirs = rewrite(original, servers, servers.size());
            if (ours.ports().isEmpty()) {
                return "it has no frontend";
            }
            // Bascule's own parser (what -c and the start-up print) says which rules it parses without running them.
            List<String> gaps = new ConfigParser(System::getenv, Set.of("EPOLL")).parse(file, ours.text())
                    .diagnostics().stream().map(Diagnostic::text).filter(l -> l.contains("not implemented yet")
                            && ROUTING.matcher(l).find()).toList();
            if (!gaps.isEmpty()) {
                return "Bascule does not run all of its rules yet: " + String.join(" | ", gaps);
            }
            long started = System.nanoTime();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig(name, ours.text()), ours.ports().get(0))) {
                HaproxyServer reference;
                try {
                    reference = HaproxyServer.start(name, theirs.text(), theirs.ports().get(0));
                } catch (Throwable refused) {
                    return "HAProxy 2.6 does not start on it here: " + refused.getMessage();
                }
                try (reference) {
                    for (int p : ours.ports()) {
                        proxy.awaitPort(p);
                    }
                    List<String> expected = new ArrayList<>();
                    List<String> got = new ArrayList<>();
                    for (int i = 0; i < ours.ports().size(); i++) {
                        for (Request r : requests(original)) {
                            String what = file + " frontend#" + i + " " + r + " -> ";
                            expected.add(what + seen(theirs.ports().get(i), r));
                            got.add(what + seen(ours.ports().get(i), r));
                        }
                    }
                    assertEquals(String.join("\n", expected), String.join("\n", got), file);
                    outcomes.addAll(expected);
                    System.out.printf("RoutingDifferentialIT: %s, %d requests, in %d ms%n", file, expected.size(),
                            (System.nanoTime() - started) / 1_000_000);
                }
            }
            return null;
        } finally {
            for (Server s : servers) {
                s.recorder().close();
            }
        }
    }

    /** A config on loopback and its listening ports, one per frontend or listen section, in order. */
    private record Rewritten(String text, List<Integer> ports) {
    }

    /**
     * The config on loopback: a minimal global section, each proxy's binds replaced by one free port, each server by
     * its recording backend (its cookie, backup and weight kept; checks dropped, as they would probe other ports).
     *
     * @param first the index in {@code servers} of this copy's first server (each copy has its own recorders)
     */
    private static Rewritten rewrite(String original, List<Server> servers, int first) {
        List<Integer> binds = new ArrayList<>();
        StringBuilder out = new StringBuilder("global\n    maxconn 200\n");
        String section = null;
        String proxy = null;
        boolean bound = false;
        int next = first;
        for (String raw : original.split("\n")) {
            String line = raw.replaceAll("\\s+#.*$", "");
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] w = t.split("\\s+");
            if (!Character.isWhitespace(line.charAt(0)) || w[0].matches("global|defaults|frontend|backend|listen|"
                    + "userlist|peers|resolvers|mailers|http-errors|program|cache|ring")) {
                section = w[0];
                proxy = w.length > 1 ? w[1] : "";
                bound = false;
                if (!section.equals("global") && !section.equals("peers") && !section.equals("resolvers")) {
                    out.append(t).append('\n');
                }
                continue;
            }
            if (section == null || section.equals("global") || section.equals("peers") || section.equals("resolvers")) {
                continue;
            }
            switch (w[0]) {
                case "bind" -> {
                    if (!bound) {
                        int port = Ports.free();
                        binds.add(port);
                        out.append("    bind 127.0.0.1:").append(port).append('\n');
                        bound = true;
                    }
                }
                case "server" -> {
                    Server s;
                    if (next < servers.size()) {
                        s = servers.get(next);
                    } else {
                        String name = proxy + "/" + w[1];
                        s = new Server(proxy, w[1], TestServer.start(recording(name)));
                        servers.add(s);
                    }
                    next++;
                    StringBuilder kept = new StringBuilder();
                    for (int i = 3; i < w.length; i++) {
                        if (w[i].matches("cookie|weight") && i + 1 < w.length) {
                            kept.append(' ').append(w[i]).append(' ').append(w[++i]);
                        } else if (w[i].equals("backup")) {
                            kept.append(" backup");
                        }
                    }
                    out.append("    server ").append(w[1]).append(" 127.0.0.1:").append(s.recorder().port())
                            .append(kept).append('\n');
                }
                case "log", "stick-table", "stats" -> {
                    // Logs go nowhere here; peers are dropped; stats sockets and pages are not routing.
                    if (w[0].equals("stats") && !section.equals("global")) {
                        out.append(line).append('\n');
                    }
                }
                default -> out.append(line).append('\n');
            }
        }
        return new Rewritten(out.toString(), binds);
    }

    /**
     * The requests the config's ACLs tell apart: for each {@code acl} line a request that matches it (its path,
     * Host, header, cookie, parameter or method), each cookie value a server has, and requests none matches.
     */
    private static List<Request> requests(String config) {
        Set<Request> out = new LinkedHashSet<>();
        out.add(new Request("GET", "/", Map.of()));
        out.add(new Request("GET", "/nothing/matches/this", Map.of("Host", "nowhere.invalid")));
        for (String line : config.split("\n")) {
            List<String> w = new ArrayList<>(List.of(line.replaceAll("\\s+#.*$", "").trim().split("\\s+")));
            if (w.size() < 3 || !w.get(0).equals("acl")) {
                continue;
            }
            String criterion = w.get(2);
            boolean ignoreCase = false;
            int i = 3;
            for (; i < w.size() && w.get(i).startsWith("-"); i++) {
                ignoreCase |= w.get(i).equals("-i");
                if (w.get(i).matches("-[mfuM]")) {
                    i++;
                }
            }
            List<String> values = new ArrayList<>(w.subList(Math.min(i, w.size()), w.size()));
            String fetch = criterion.replaceAll("\\(.*", "");
            String arg = criterion.contains("(") ? criterion.replaceAll(".*\\(([^,)]*).*", "$1") : "";
            if (values.isEmpty()) {
                // -m found: the header, cookie or parameter is there.
                values.add("x");
            }
            for (String v : values) {
                for (String written : ignoreCase ? List.of(v, v.toUpperCase(Locale.ROOT)) : List.of(v)) {
                    Request r = forAcl(fetch, arg, written);
                    if (r != null) {
                        out.add(r);
                    }
                }
            }
        }
        Matcher cookie = Pattern.compile("(?m)^\\s*cookie\\s+(\\S+)").matcher(config);
        if (cookie.find()) {
            Matcher values = Pattern.compile("(?m)^\\s*server\\s+.*\\bcookie\\s+(\\S+)").matcher(config);
            while (values.find()) {
                out.add(new Request("GET", "/", Map.of("Cookie", cookie.group(1) + "=" + values.group(1))));
            }
        }
        return new ArrayList<>(out);
    }

    private static Request forAcl(String fetch, String arg, String v) {
        String path = v.startsWith("/") ? v : "/" + v;
        return switch (fetch) {
            case "path", "url", "path_dir", "url_dir" -> new Request("GET", path, Map.of());
            case "path_beg", "url_beg" -> new Request("GET", path + (path.endsWith("/") ? "" : "/") + "x", Map.of());
            case "path_end", "url_end" -> new Request("GET", "/a/b" + v, Map.of());
            case "path_sub", "url_sub" -> new Request("GET", "/a" + path + "b", Map.of());
            case "hdr", "req.hdr", "hdr_dom", "req.hdr_dom" -> header(arg, v);
            case "hdr_beg", "req.hdr_beg" -> header(arg, v + "x");
            case "hdr_end", "req.hdr_end" -> header(arg, "x" + v);
            case "hdr_sub", "req.hdr_sub" -> header(arg, "a" + v + "b");
            case "cook", "req.cook" -> new Request("GET", "/", Map.of("Cookie", arg + "=" + v));
            case "url_param", "urlp" -> new Request("GET", "/?" + arg + "=" + v, Map.of());
            case "method" -> new Request(v.toUpperCase(Locale.ROOT), "/", Map.of());
            default -> null;
        };
    }

    private static Request header(String name, String v) {
        return new Request("GET", "/", Map.of(name.isEmpty() ? "Host" : name, v));
    }

    /**
     * A backend that answers every request head with 200 and a body of its name and the request's headers (names
     * lowercased, sorted, the client's own left out), so the comparison sees where a request went and what rules did.
     */
    static TestServer.Behaviour recording(String name) {
        return (s, server) -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = head(in);
                if (head == null) {
                    return;
                }
                Set<String> lines = new TreeSet<>();
                for (String h : head.split("\r\n")) {
                    int colon = h.indexOf(':');
                    if (colon > 0 && !CLIENT_HEADERS.contains(h.substring(0, colon).toLowerCase(Locale.ROOT))) {
                        lines.add(h.substring(0, colon).toLowerCase(Locale.ROOT) + ":" + h.substring(colon + 1).trim());
                    }
                }
                byte[] body = ("server=" + name + " " + String.join(" ", lines)).getBytes(StandardCharsets.ISO_8859_1);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        };
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        return null;
    }

    /** What the client sees: the status, the compared headers, and the backend's answer (or that it was local). */
    private static String seen(int port, Request r) throws Exception {
        StringBuilder req = new StringBuilder(r.method() + " " + r.target() + " HTTP/1.1\r\n");
        Map<String, String> headers = new LinkedHashMap<>(r.headers());
        headers.putIfAbsent("Host", "www.example.com");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("Connection: close\r\n\r\n");
        String reply;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(got);
            } catch (SocketTimeoutException | java.net.SocketException cut) {
                // what came is the answer
            }
            reply = got.toString(StandardCharsets.ISO_8859_1);
        }
        int end = reply.indexOf("\r\n\r\n");
        if (end < 0) {
            return reply.isEmpty() ? "closed" : "unframed";
        }
        String[] head = reply.substring(0, end).split("\r\n");
        StringBuilder out = new StringBuilder(head[0].split(" ")[1]);
        List<String> kept = new ArrayList<>();
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            String name = colon < 0 ? "" : head[i].substring(0, colon).toLowerCase(Locale.ROOT);
            if (COMPARED.contains(name) || name.startsWith("x-")) {
                kept.add(name + ":" + head[i].substring(colon + 1).trim());
            }
        }
        kept.sort(null);
        kept.forEach(k -> out.append(" | ").append(k));
        String body = reply.substring(end + 4);
        out.append(" | ").append(body.startsWith("server=") ? body.replace(String.valueOf(port), "<port>")
                : "(answered by the proxy)");
        return out.toString();
    }
}
