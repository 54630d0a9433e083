package dev.bascule.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by the test with real openssl, in HAProxy's layout (certificate, key and chain in one PEM
 * file): a CA, server certificates it signs (RSA for {@code rsa.test}, ECDSA for {@code ec.test}, a wildcard for
 * {@code *.wild.test}), a client certificate it signs, and one signed by another CA, which the first does not trust.
 */
final class TestCertificates {
    final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    static TestCertificates make(String name) throws Exception {
        Tools.require("openssl");
        Path dir = Bascule.workDir("certs-" + name);
        TestCertificates c = new TestCertificates(dir);
        c.ca("ca", "Bascule Test CA");
        c.ca("other-ca", "Other CA");
        c.leaf("rsa", "rsa.test", "rsa:2048", "ca", "DNS:rsa.test,DNS:www.rsa.test", false);
        c.leaf("ec", "ec.test", "ec", "ca", "DNS:ec.test", false);
        c.leaf("wild", "*.wild.test", "ec", "ca", "DNS:*.wild.test", false);
        c.leaf("localhost", "localhost", "ec", "ca", "DNS:localhost,IP:127.0.0.1", false);
        c.leaf("client", "client one", "ec", "ca", null, true);
        c.leaf("stranger", "stranger", "ec", "other-ca", null, true);
        return c;
    }

    /** The PEM with certificate, key and CA for {@code name} (rsa, ec, wild, localhost, client, stranger). */
    Path pem(String name) {
        return dir.resolve(name + ".pem");
    }

    Path cert(String name) {
        return dir.resolve(name + ".crt");
    }

    Path key(String name) {
        return dir.resolve(name + ".key");
    }

    Path caFile() {
        return cert("ca");
    }

    private void ca(String name, String cn) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/O=Bascule/CN=" + cn, "-keyout", key(name).toString(), "-out", cert(name).toString());
    }

    private void leaf(String name, String cn, String keyType, String ca, String san, boolean client)
            throws Exception {
        List<String> req = new ArrayList<>(List.of("req", "-new", "-newkey", keyType));
        if (keyType.equals("ec")) {
            req.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        req.addAll(List.of("-nodes", "-subj", "/O=Bascule/CN=" + cn, "-keyout", key(name).toString(), "-out",
                dir.resolve(name + ".csr").toString()));
        openssl(req.toArray(new String[0]));
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, (san == null ? "" : "subjectAltName=" + san + "\n")
                + "extendedKeyUsage=" + (client ? "clientAuth" : "serverAuth") + "\n");
        openssl("x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA", cert(ca).toString(), "-CAkey",
                key(ca).toString(), "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out",
                cert(name).toString());
        Files.writeString(pem(name), Files.readString(cert(name)) + Files.readString(key(name))
                + Files.readString(cert(ca)));
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("openssl")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed:\n" + out);
        }
    }
}
