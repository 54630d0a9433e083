package dev.bascule.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A front door serving HTTPS: certificates chosen by the name the client asks for, versions and ciphers refused as
 * configured, client certificates checked, TLS toward the servers (a real nginx) with its connections reused, TLS
 * health checks, certificates replaced by a reload, and bad certificate files refused by {@code -c}. The clients are
 * real curl and openssl s_client; the certificates are made by openssl for the test.
 */
class TlsIT {
    private static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.make("tls");
    }

    private static String pem(String name) {
        return certs.pem(name).toAbsolutePath().toString();
    }

    /** curl over TLS to {@code host} at 127.0.0.1:port, trusting the test CA: its -w output, or its exit code. */
    private static String curl(int port, String host, String path, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--cacert", certs.caFile().toString(), "--resolve",
                host + ":" + port + ":127.0.0.1", "-w", "%{http_code}", "-o", "/dev/null"));
        args.addAll(List.of(extra));
        args.add("https://" + host + ":" + port + path);
        return Curl.output(10, args.toArray(new String[0]));
    }

    /** What openssl s_client reports of a handshake: its -brief lines, or why it failed. */
    private static String sClient(int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-brief"));
        args.addAll(List.of(extra));
        return sClientFull(port, args.toArray(new String[0]));
    }

    /** Its full report ({@code -brief} leaves out the ALPN protocol of a TLSv1.3 handshake). */
    private static String sClientFull(int port, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("openssl"), "s_client", "-connect",
                "127.0.0.1:" + port));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "s_client finished");
        return out;
    }

    private static String peer(String sClientOutput) {
        return sClientOutput.lines().filter(l -> l.startsWith("Peer certificate:")).findFirst().orElse("none:\n"
                + sClientOutput);
    }

    @Test
    void sni_chooses_the_certificate_and_the_first_loaded_serves_the_others() throws Exception {
        Path dir = Bascule.workDir("tls-crt-dir");
        Files.copy(certs.pem("ec"), dir.resolve("a-ec.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.pem("wild"), dir.resolve("b-wild.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path list = Bascule.workDir("tls-crt-list").resolve("list.txt");
        Files.writeString(list, "# name filters override the certificate's own names\n"
                + pem("rsa") + " [alpn http/1.1] alias.test\n" + pem("ec") + " !ec.test *.other.test\n");
        try (NginxServer app = NginxServer.start("tls-sni")) {
            int port = Ports.freeRange(3);
            Path cfg = Bascule.writeConfig("tls-sni", HttpModeIT.config("""
                    frontend https
                        bind 127.0.0.1:%1$d ssl crt %2$s crt %3$s
                        bind 127.0.0.1:%4$d ssl crt %5$s
                        bind 127.0.0.1:%6$d ssl crt-list %7$s
                        default_backend app
                    backend app
                        server s1 127.0.0.1:%8$d
                    """.formatted(port, pem("rsa"), dir, port + 1, dir, port + 2, list, app.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                assertEquals("200", curl(port, "rsa.test", "/"), "RSA certificate by its name");
                assertEquals("200", curl(port, "ec.test", "/"), "ECDSA certificate of the directory");
                assertEquals("200", curl(port, "api.wild.test", "/"), "wildcard, one label deep");
                assertTrue(peer(sClient(port, "-servername", "www.rsa.test")).contains("CN = rsa.test"));
                assertTrue(peer(sClient(port, "-servername", "ec.test")).contains("CN = ec.test"));
                assertTrue(peer(sClient(port, "-servername", "a.wild.test")).contains("CN = *.wild.test"));
                assertTrue(peer(sClient(port, "-servername", "deep.a.wild.test")).contains("CN = rsa.test"),
                        "a wildcard covers one label only: the default certificate");
                assertTrue(peer(sClient(port, "-servername", "nobody.test")).contains("CN = rsa.test"),
                        "an unknown name gets the first certificate loaded");
                assertTrue(peer(sClient(port)).contains("CN = rsa.test"), "no SNI: the default certificate");
                assertTrue(peer(sClient(port + 1, "-servername", "nobody.test")).contains("CN = ec.test"),
                        "a directory loads its files in name order; the first is the default");
                assertTrue(peer(sClient(port + 2, "-servername", "alias.test")).contains("CN = rsa.test"));
                assertTrue(peer(sClient(port + 2, "-servername", "x.other.test")).contains("CN = ec.test"));
                assertTrue(peer(sClient(port + 2, "-servername", "ec.test")).contains("CN = rsa.test"),
                        "the crt-list line names it only for *.other.test");
                String alpn = sClientFull(port + 2, "-servername", "alias.test", "-alpn", "h2,http/1.1");
                assertTrue(alpn.contains("ALPN protocol: http/1.1"), alpn);
            }
        }
    }

    @Test
    void versions_ciphers_and_strict_sni_refuse_what_is_not_allowed() throws Exception {
        try (NginxServer app = NginxServer.start("tls-limits")) {
            int port = Ports.freeRange(3);
            Path cfg = Bascule.writeConfig("tls-limits", HttpModeIT.config("""
                    global
                        ssl-default-bind-options ssl-min-ver TLSv1.2
                    frontend modern
                        bind 127.0.0.1:%1$d ssl crt %2$s ssl-min-ver TLSv1.3
                        bind 127.0.0.1:%3$d ssl crt %4$s force-tlsv12 ciphers ECDHE-ECDSA-AES128-GCM-SHA256
                        bind 127.0.0.1:%5$d ssl crt %2$s strict-sni
                        default_backend app
                    backend app
                        server s1 127.0.0.1:%6$d
                    """.formatted(port, pem("rsa"), port + 1, pem("ec"), port + 2, app.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                assertEquals("200", curl(port, "rsa.test", "/", "--tlsv1.3"));
                assertNotEquals("200", curl(port, "rsa.test", "/", "--tls-max", "1.2"), "TLSv1.2 refused");
                String tls12 = sClient(port + 1, "-servername", "ec.test", "-tls1_2", "-cipher",
                        "ECDHE-ECDSA-AES128-GCM-SHA256");
                assertTrue(tls12.contains("Protocol version: TLSv1.2"), tls12);
                assertTrue(tls12.contains("Ciphersuite: ECDHE-ECDSA-AES128-GCM-SHA256"), tls12);
                assertTrue(!sClient(port + 1, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384")
                        .contains("CONNECTION ESTABLISHED"), "a cipher the bind does not list is refused");
                assertTrue(!sClient(port + 1, "-tls1_3").contains("CONNECTION ESTABLISHED"), "TLSv1.3 refused");
                assertEquals("200", curl(port + 2, "rsa.test", "/"));
                assertTrue(!sClient(port + 2, "-servername", "nobody.test").contains("CONNECTION ESTABLISHED"),
                        "strict-sni: no certificate for the name, no handshake");
            }
        }
    }

    @Test
    void a_tcp_frontend_terminates_tls_and_routes_on_the_sni() throws Exception {
        try (NginxServer a = NginxServer.start("tls-tcp-a"); NginxServer b = NginxServer.start("tls-tcp-b")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("tls-tcp", """
                    defaults
                        mode tcp
                        timeout connect 2s
                        timeout client 10s
                        timeout server 10s
                    frontend tls
                        bind 127.0.0.1:%d ssl crt %s crt %s
                        use_backend ec if { ssl_fc_sni -m str ec.test }
                        default_backend rsa
                    backend rsa
                        server a 127.0.0.1:%d
                    backend ec
                        server b 127.0.0.1:%d
                    """.formatted(port, pem("rsa"), pem("ec"), a.port, b.port));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String viaRsa = Curl.output(10, "--cacert", certs.caFile().toString(), "--resolve",
                        "rsa.test:" + port + ":127.0.0.1", "https://rsa.test:" + port + "/");
                String viaEc = Curl.output(10, "--cacert", certs.caFile().toString(), "--resolve",
                        "ec.test:" + port + ":127.0.0.1", "https://ec.test:" + port + "/");
                assertEquals("tls-tcp-a\n", viaRsa);
                assertEquals("tls-tcp-b\n", viaEc, "the session's backend chosen on the name the client asked for");
            }
        }
    }

    @Test
    void client_certificates_are_required_and_read_by_the_rules() throws Exception {
        try (NginxServer app = NginxServer.start("tls-clients")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("tls-clients", HttpModeIT.config("""
                    frontend mtls
                        bind 127.0.0.1:%1$d ssl crt %2$s verify required ca-file %3$s
                        http-request set-header X-TLS "%%[ssl_fc] %%[ssl_fc_protocol] %%[ssl_fc_sni] %%[ssl_c_used] %%[ssl_c_verify] %%[ssl_c_s_dn] %%[ssl_c_i_dn]"
                        default_backend app
                    backend app
                        server s1 127.0.0.1:%4$d
                    """.formatted(port, pem("rsa"), certs.caFile().toAbsolutePath(), app.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                assertNotEquals("200", curl(port, "rsa.test", "/"), "no client certificate: refused");
                assertNotEquals("200", curl(port, "rsa.test", "/", "--cert", pem("stranger")),
                        "a certificate of another CA: refused");
                assertEquals("200", curl(port, "rsa.test", "/", "--cert", pem("client")));
                String facts = Curl.output(10, "--cacert", certs.caFile().toString(), "--resolve",
                        "rsa.test:" + port + ":127.0.0.1", "--cert", pem("client"), "--tlsv1.3",
                        "https://rsa.test:" + port + "/tls-facts").strip();
                assertEquals("1 TLSv1.3 rsa.test 1 0 /O=Bascule/CN=client one /O=Bascule/CN=Bascule Test CA", facts);
            }
        }
    }

    @Test
    void servers_are_reached_over_tls_with_connections_reused_and_checked() throws Exception {
        try (NginxServer tls = NginxServer.startTls("tls-origin", certs.pem("localhost"));
             NginxServer plain = NginxServer.start("tls-plain")) {
            int port = Ports.freeRange(2);
            Path cfg = Bascule.writeConfig("tls-origin", "global\n    nbthread 1\n" + HttpModeIT.config("""
                    frontend www
                        bind 127.0.0.1:%1$d
                        use_backend wrongname if { path_beg /wrong }
                        default_backend secure
                    backend secure
                        http-reuse always
                        option log-health-checks
                        timeout check 3s
                        server s1 127.0.0.1:%2$d ssl verify required ca-file %3$s sni str(localhost) alpn http/1.1 check inter 300ms
                    backend wrongname
                        server s1 127.0.0.1:%2$d ssl verify required ca-file %3$s sni str(other.test)
                    backend checked
                        timeout check 3s
                        server plain 127.0.0.1:%4$d check check-ssl verify none inter 300ms rise 1 fall 1
                    """.formatted(port, tls.port, certs.caFile().toAbsolutePath(), plain.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                proxy.awaitLog("Health check for server secure/s1 succeeded, reason: Layer6 check passed", 10000);
                String url = "http://127.0.0.1:" + port;
                String out = Curl.output(10, url + "/tls", url + "/tls");
                assertEquals("tls-origin TLSv1.3 localhost 1\ntls-origin TLSv1.3 localhost 2\n", out,
                        "TLS toward nginx, SNI sent, the second request on the same connection");
                assertEquals(503, Curl.run(url + "/wrong").status(),
                        "verify required: a certificate without the name is refused");
                proxy.awaitLog("Server checked/plain is DOWN, reason: Layer6 invalid response, info: \"SSL handshake "
                        + "failure\"", 5000);
            }
        }
    }

    @Test
    void option_httpslog_and_handshake_failures_are_logged_as_haproxy_does() throws Exception {
        try (NginxServer app = NginxServer.start("tls-logs"); RsyslogServer syslog = RsyslogServer.start("tls-logs", 2)) {
            int haproxyPort = Ports.free();
            int basculePort = Ports.free();
            String config = HttpModeIT.config("""
                    frontend https
                        bind 127.0.0.1:%d ssl crt %s
                        log 127.0.0.1:%d local0
                        option httpslog
                        default_backend app
                    backend app
                        server s1 127.0.0.1:%d
                    """);
            List<List<String>> lines = new ArrayList<>();
            int[][] sides = {{haproxyPort, syslog.port(0)}, {basculePort, syslog.port(1)}};
            try (HaproxyServer haproxy = HaproxyServer.start("tls-logs", config.formatted(haproxyPort, pem("rsa"),
                    syslog.port(0), app.port), haproxyPort);
                 Bascule bascule = Bascule.serve(Bascule.writeConfig("tls-logs", config.formatted(basculePort,
                         pem("rsa"), syslog.port(1), app.port)), basculePort)) {
                for (int[] side : sides) {
                    // One suite both offer first: the JDK and OpenSSL order TLSv1.3's suites differently.
                    assertEquals("200", curl(side[0], "rsa.test", "/", "--tls13-ciphers", "TLS_AES_128_GCM_SHA256"));
                    assertEquals("200", curl(side[0], "rsa.test", "/", "--tls-max", "1.2", "--ciphers",
                            "ECDHE-RSA-AES128-GCM-SHA256"));
                    assertTrue(!sClient(side[0], "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
                            .contains("CONNECTION ESTABLISHED"), "no suite for an RSA certificate");
                    lines.add(TrafficLogsIT.normalize(syslog.await(side[1], 3)).stream().sorted().toList());
                }
            }
            assertTrue(lines.get(0).stream().anyMatch(l -> l.contains("https~ app/s1") && l.contains(
                    "rsa.test/TLSv1.3/TLS_AES_128_GCM_SHA256")), lines.get(0).toString());
            assertTrue(lines.get(0).stream().anyMatch(l -> l.endsWith("https/1: SSL handshake failure")),
                    lines.get(0).toString());
            assertEquals(lines.get(0), lines.get(1), "HAProxy's lines, then Bascule's, normalized");
        }
    }

    @Test
    void a_reload_serves_the_new_certificate_and_keeps_connections() throws Exception {
        try (NginxServer app = NginxServer.start("tls-reload")) {
            int port = Ports.free();
            Path served = Bascule.workDir("tls-reload-cert").resolve("site.pem");
            Files.copy(certs.pem("rsa"), served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path cfg = Bascule.writeConfig("tls-reload", HttpModeIT.config("""
                    frontend https
                        bind 127.0.0.1:%d ssl crt %s
                        default_backend app
                    backend app
                        server s1 127.0.0.1:%d
                    """.formatted(port, served.toAbsolutePath(), app.port)));
            try (Bascule proxy = Bascule.serve(cfg, port);
                 java.net.Socket kept = trustingTestCa().createSocket("127.0.0.1", port)) {
                assertTrue(peer(sClient(port, "-servername", "rsa.test")).contains("CN = rsa.test"));
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                        kept.getInputStream(), StandardCharsets.US_ASCII));
                assertEquals("HTTP/1.1 200 OK", request(kept, in), "a client kept alive across the reload");
                Files.copy(certs.pem("ec"), served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                String line = ReloadIT.hup(proxy);
                assertTrue(line.contains("bind 127.0.0.1:" + port), line);
                assertTrue(peer(sClient(port, "-servername", "rsa.test")).contains("CN = ec.test"),
                        "the new file's certificate, on the same socket");
                assertEquals("HTTP/1.1 200 OK", request(kept, in), "the connection made before goes on");
            }
        }
    }

    /** A JDK client that trusts the test CA only, and does not check names (it connects to 127.0.0.1). */
    private static javax.net.ssl.SSLSocketFactory trustingTestCa() throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (var in = Files.newInputStream(certs.caFile())) {
            store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(store);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    /** One keep-alive request on {@code s}: its status line (the rest of the response is read and dropped). */
    private static String request(java.net.Socket s, java.io.BufferedReader in) throws Exception {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: rsa.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String status = in.readLine();
        int length = 0;
        for (String h; !(h = in.readLine()).isEmpty(); ) {
            if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            }
        }
        for (int i = 0; i < length; i++) {
            in.read();
        }
        return status;
    }

    @Test
    void bad_certificate_files_are_refused_by_check_naming_the_file() throws Exception {
        Path dir = Bascule.workDir("tls-bad");
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "not a certificate\n");
        Path certOnly = dir.resolve("cert-only.pem");
        Files.copy(certs.cert("rsa"), certOnly, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path mismatch = dir.resolve("mismatch.pem");
        Files.writeString(mismatch, Files.readString(certs.cert("rsa")) + Files.readString(certs.key("ec")));
        String[][] cases = {
                {"ssl crt " + dir.resolve("missing.pem"), "unable to stat SSL certificate from file '"
                        + dir.resolve("missing.pem") + "' : No such file or directory."},
                {"ssl crt " + junk, "unable to load certificate from file '" + junk + "'."},
                {"ssl crt " + certOnly, "No Private Key found in '" + certOnly + ".key'."},
                {"ssl crt " + mismatch, "inconsistencies between private key and certificate loaded '" + mismatch
                        + "'."},
                {"ssl", "Proxy 'https': no SSL certificate specified for bind '127.0.0.1:8443'"},
                {"ssl crt " + pem("rsa") + " verify required", "verify is enabled but no CA file specified"},
                {"ssl crt " + pem("rsa") + " ssl-min-ver TLSv1.4", "'TLSv1.4' : unknown ssl/tls version"},
        };
        // One file, one frontend per case: -c reports every error of a file, each with its line.
        StringBuilder cfg = new StringBuilder();
        for (int i = 0; i < cases.length; i++) {
            cfg.append("frontend https").append(i == 4 ? "" : String.valueOf(i)).append("\n    bind 127.0.0.1:")
                    .append(i == 4 ? 8443 : 9000 + i).append(' ').append(cases[i][0]).append("\n");
        }
        Path file = Bascule.writeConfig("tls-bad", HttpModeIT.config(cfg.toString()));
        Bascule.Result r = Bascule.run("-c", "-f", file.toString());
        assertEquals(1, r.exitCode(), r.stderr());
        for (String[] c : cases) {
            assertTrue(r.stderr().lines().anyMatch(l -> l.contains(c[1]) && l.contains("haproxy.cfg:")),
                    c[0] + ":\n" + r.stderr());
        }
    }
}
