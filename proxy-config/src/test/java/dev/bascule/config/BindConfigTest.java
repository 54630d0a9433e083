package dev.bascule.config;

import dev.bascule.config.model.Bind;
import dev.bascule.config.model.BindTls;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.TlsSettings;
import dev.bascule.config.diff.ConfigDiff;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bind and server TLS options into the model: certificates read and checked, defaults applied, HAProxy's words. */
class BindConfigTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=rsa.test", "-addext",
                "subjectAltName=DNS:rsa.test,DNS:*.rsa.test", "-keyout", "rsa.key", "-out", "rsa.crt");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=ec.test", "-keyout", "ec.key", "-out", "ec.crt");
        // The same EC key in OpenSSL's traditional form (SEC 1), which older tools write.
        openssl("ec", "-in", "ec.key", "-out", "ec-sec1.key");
        openssl("rsa", "-in", "rsa.key", "-traditional", "-out", "rsa-pkcs1.key");
        Files.writeString(dir.resolve("rsa.pem"), Files.readString(dir.resolve("rsa.crt"))
                + Files.readString(dir.resolve("rsa.key")));
        Files.writeString(dir.resolve("ec.pem"), Files.readString(dir.resolve("ec-sec1.key"))
                + Files.readString(dir.resolve("ec.crt")));
        Files.writeString(dir.resolve("pkcs1.pem"), Files.readString(dir.resolve("rsa.crt"))
                + Files.readString(dir.resolve("rsa-pkcs1.key")));
    }

    private static void openssl(String... args) throws Exception {
        java.io.File openssl = new java.io.File("/usr/bin/openssl");
        Assumptions.assumeTrue(openssl.canExecute(), "openssl is not installed");
        List<String> cmd = new java.util.ArrayList<>(List.of(openssl.getPath()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", "global\n"
                + "    crt-base " + dir + "\n    ca-base " + dir + "\n" + text);
    }

    private static List<String> alerts(String text) {
        ParseResult r = parse(text);
        assertFalse(r.valid(), "expected alerts");
        return r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ALERT)
                .map(Diagnostic::text).toList();
    }

    private static Bind bind(String text) {
        ParseResult r = parse(text);
        assertTrue(r.valid(), () -> r.diagnostics().toString());
        return r.config().frontends().get(0).binds().get(0);
    }

    @Test
    void ssl_crt_reads_certificates_in_every_pem_form_with_their_names() {
        BindTls tls = bind("""
                frontend f
                    bind 127.0.0.1:8443 ssl crt rsa.pem crt ec.pem crt pkcs1.pem alpn h2,http/1.1
                """).tls();
        assertEquals(3, tls.certificates().size());
        assertEquals(List.of("rsa.test", "*.rsa.test"), tls.certificates().get(0).serverNames());
        assertEquals(List.of("ec.test"), tls.certificates().get(1).serverNames());
        assertEquals("EC", tls.certificates().get(1).pem().key().getAlgorithm());
        assertEquals(List.of("h2", "http/1.1"), tls.settings().alpn());
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), tls.settings().protocols(), "HAProxy's default minimum");
        assertFalse(tls.strictSni());
    }

    @Test
    void global_defaults_apply_and_line_options_override_them() {
        Bind b = bind("""
                global
                    ssl-default-bind-ciphers ECDHE-RSA-AES128-GCM-SHA256
                    ssl-default-bind-options no-tlsv13
                frontend f
                    bind :8443 ssl crt rsa.pem ssl-min-ver TLSv1.1 verify optional ca-file ec.crt strict-sni backlog 50
                """);
        TlsSettings s = b.tls().settings();
        assertEquals("ECDHE-RSA-AES128-GCM-SHA256", s.ciphers());
        assertEquals(List.of("TLSv1.1", "TLSv1.2"), s.protocols());
        assertEquals(TlsSettings.Verify.OPTIONAL, s.verify());
        assertTrue(b.tls().strictSni());
        assertEquals(50, b.options().backlog());
        assertEquals(List.of("TLSv1.2"), bind("frontend f\n    bind :8443 ssl crt rsa.pem force-tlsv12\n").tls()
                .settings().protocols());
    }

    @Test
    void a_crt_list_line_carries_its_options_and_sni_filters() throws Exception {
        Files.writeString(dir.resolve("list.txt"), "# comment\n\nrsa.pem [alpn http/1.1 ssl-min-ver TLSv1.3] "
                + "www.example.test !bad.example.test\nec.pem\n");
        BindTls tls = bind("frontend f\n    bind :8443 ssl crt-list list.txt\n").tls();
        assertEquals(2, tls.certificates().size());
        var first = tls.certificates().get(0);
        assertEquals(List.of("www.example.test"), first.serverNames());
        assertEquals(List.of("bad.example.test"), first.excluded());
        assertEquals(List.of("TLSv1.3"), first.settings().protocols());
        assertEquals(List.of("http/1.1"), first.settings().alpn());
        assertEquals(List.of("ec.test"), tls.certificates().get(1).serverNames());
    }

    @Test
    void a_plain_bind_has_no_tls_and_crt_without_ssl_is_only_checked() {
        assertNull(bind("frontend f\n    bind :8080\n").tls());
        assertNull(bind("frontend f\n    bind :8080 crt rsa.pem\n").tls());
    }

    @Test
    void bad_files_and_settings_are_alerts_in_haproxys_words() throws Exception {
        Files.writeString(dir.resolve("junk.pem"), "junk\n");
        Files.writeString(dir.resolve("mismatch.pem"), Files.readString(dir.resolve("rsa.crt"))
                + Files.readString(dir.resolve("ec.key")));
        assertTrue(alerts("frontend f\n    bind :1 ssl crt nope.pem\n").get(0).endsWith("unable to stat SSL "
                + "certificate from file '" + dir.resolve("nope.pem") + "' : No such file or directory."));
        assertTrue(alerts("frontend f\n    bind :1 ssl crt junk.pem\n").get(0).contains("unable to load certificate "
                + "from file '" + dir.resolve("junk.pem") + "'."));
        assertTrue(alerts("frontend f\n    bind :1 ssl crt rsa.crt\n").get(0).contains("No Private Key found in '"
                + dir.resolve("rsa.crt") + ".key'."));
        assertTrue(alerts("frontend f\n    bind :1 ssl crt mismatch.pem\n").get(0).contains("inconsistencies "
                + "between private key and certificate loaded '" + dir.resolve("mismatch.pem") + "'."));
        assertTrue(alerts("frontend f\n    bind :1 ssl\n").get(0).contains("Proxy 'f': no SSL certificate "
                + "specified for bind ':1'"));
        assertTrue(alerts("frontend f\n    bind :1 ssl crt rsa.pem verify required\n").get(0)
                .contains("verify is enabled but no CA file specified"));
        assertTrue(alerts("frontend f\n    bind :1 ssl crt rsa.pem verify maybe\n").get(0)
                .contains("unknown verify method 'maybe'"));
        assertTrue(alerts("global\n    ssl-default-bind-options no-sslv2\n").get(0).contains("unknown option "
                + "'no-sslv2'"));
    }

    @Test
    void servers_verify_by_default_and_take_sni_and_client_certificates() {
        assertTrue(alerts("backend b\n    server s1 127.0.0.1:443 ssl\n").get(0).contains("verify is enabled by "
                + "default but no CA file specified"));
        ParseResult r = parse("""
                global
                    ssl-default-server-options ssl-min-ver TLSv1.3
                backend b
                    server s1 127.0.0.1:443 ssl ca-file rsa.crt sni req.hdr(host) crt ec.pem alpn http/1.1
                    server s2 127.0.0.1:443 check check-ssl verify none check-sni health.test
                """);
        assertTrue(r.valid(), () -> r.diagnostics().toString());
        Server s1 = r.config().backends().get(0).servers().get(0);
        assertTrue(s1.tls().ssl());
        assertEquals(TlsSettings.Verify.REQUIRED, s1.tls().settings().verify());
        assertEquals(List.of("TLSv1.3"), s1.tls().settings().protocols());
        assertEquals(dev.bascule.config.sample.FetchKeyword.REQ_HDR, s1.tls().sni().fetch());
        assertEquals(List.of("ec.test"), s1.tls().crt().getNames());
        Server s2 = r.config().backends().get(0).servers().get(1);
        assertFalse(s2.tls().ssl());
        assertTrue(s2.tls().checkSsl());
        assertEquals("health.test", s2.tls().checkSni());
    }

    @Test
    void a_changed_certificate_file_is_a_change_of_its_listener() throws Exception {
        Path served = dir.resolve("served.pem");
        Files.copy(dir.resolve("rsa.pem"), served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String text = "frontend f\n    bind 127.0.0.1:8443 ssl crt served.pem\n";
        var before = parse(text).config();
        assertTrue(ConfigDiff.between(before, parse(text).config()).isEmpty(), "same file: no change");
        Files.copy(dir.resolve("ec.pem"), served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String summary = ConfigDiff.between(before, parse(text).config()).summary();
        assertTrue(summary.contains("bind 127.0.0.1:8443 certificates"), summary);
    }
}
