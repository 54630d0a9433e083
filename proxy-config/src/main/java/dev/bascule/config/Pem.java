package dev.bascule.config;

import dev.bascule.config.model.PemBundle;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files as HAProxy does: a certificate file holds the leaf certificate, its private key (or a
 * {@code <file>.key} beside it does) and its chain; a CA file holds certificates; a CRL file revocation lists.
 * Failures are {@link Failure}s whose message is HAProxy's wording, naming the file and the reason.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] SIGNED = "bascule key check".getBytes(StandardCharsets.US_ASCII);
    /** rsaEncryption and id-ecPublicKey, DER-encoded with their tag and length. */
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x01, 0x01};
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /** A file that cannot serve: the message says which and why. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    private Pem() {
    }

    /** A certificate file: a certificate and its private key, in the file or in {@code <file>.key}. */
    static PemBundle certificate(Path file) throws Failure {
        String text = read(file, "SSL certificate");
        List<X509Certificate> certs = certificates(file, text);
        if (certs.isEmpty()) {
            throw new Failure("unable to load certificate from file '" + file + "'.");
        }
        PrivateKey key = key(file, text);
        String keyText = "";
        if (key == null) {
            Path beside = Path.of(file + ".key");
            if (Files.isReadable(beside)) {
                keyText = read(beside, "SSL private key");
                key = key(beside, keyText);
            }
            if (key == null) {
                throw new Failure("No Private Key found in '" + beside + "'.");
            }
        }
        if (!matches(key, certs.get(0).getPublicKey())) {
            throw new Failure("inconsistencies between private key and certificate loaded '" + file + "'.");
        }
        return new PemBundle(file.toString(), digest(text + keyText), certs, key, List.of(), names(certs.get(0)));
    }

    /** A {@code ca-file}: at least one certificate. */
    static PemBundle authorities(Path file) throws Failure {
        String text = read(file, "CA file");
        List<X509Certificate> certs = certificates(file, text);
        if (certs.isEmpty()) {
            throw new Failure("unable to load CA file '" + file + "': it holds no certificate.");
        }
        return new PemBundle(file.toString(), digest(text), certs, null, List.of(), List.of());
    }

    /** A {@code crl-file}: at least one revocation list. */
    static PemBundle revocations(Path file) throws Failure {
        String text = read(file, "CRL file");
        List<X509CRL> crls = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(text, "X509 CRL")) {
                crls.add((X509CRL) f.generateCRL(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Failure("unable to load CRL file '" + file + "': " + e.getMessage());
        }
        if (crls.isEmpty()) {
            throw new Failure("unable to load CRL file '" + file + "': it holds no revocation list.");
        }
        return new PemBundle(file.toString(), digest(text), List.of(), null, crls, List.of());
    }

    private static String read(Path file, String what) throws Failure {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new Failure("unable to stat " + what + " from file '" + file + "' : No such file or directory.");
        } catch (IOException e) {
            throw new Failure("unable to read " + what + " from file '" + file + "' : " + e.getMessage() + ".");
        }
    }

    private static List<X509Certificate> certificates(Path file, String text) throws Failure {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(text, "CERTIFICATE")) {
                out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new Failure("unable to load certificate from file '" + file + "': " + e.getMessage() + ".");
        }
        return out;
    }

    private static List<byte[]> blocks(String text, String type) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }

    /** The file's private key in any of OpenSSL's unencrypted forms, or null when it has none. */
    private static PrivateKey key(Path file, String text) throws Failure {
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("ENCRYPTED PRIVATE KEY") || type.endsWith("PRIVATE KEY") && m.group(2).contains("ENCRYPTED")) {
                throw new Failure("unable to load SSL private key from PEM file '" + file + "': it is encrypted, and "
                        + "no pass phrase can be given; decrypt it with 'openssl pkey -in " + file + "'.");
            }
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new Failure("unable to load SSL private key from PEM file '" + file + "'.");
            }
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> sequence(integer0(), sequence(RSA_OID, new byte[]{0x05, 0x00}),
                        tlv(0x04, der));
                case "EC PRIVATE KEY" -> sequence(integer0(), sequence(EC_OID, curve(file, der)), tlv(0x04, der));
                default -> throw new Failure("unable to load SSL private key from PEM file '" + file + "': '" + type
                        + "' keys are not supported.");
            };
            for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                } catch (GeneralSecurityException e) {
                    // Not this algorithm's key: the next one.
                }
            }
            throw new Failure("unable to load SSL private key from PEM file '" + file + "'.");
        }
        return null;
    }

    /** The named curve's OID of a SEC 1 EC key (its {@code [0]} parameters), DER-encoded. */
    private static byte[] curve(Path file, byte[] sec1) throws Failure {
        // SEQUENCE { INTEGER 1, OCTET STRING key, [0] OID curve, [1] BIT STRING public key }
        int[] seq = header(sec1, 0);
        for (int i = seq[0]; i < sec1.length; ) {
            int[] h = header(sec1, i);
            if ((sec1[i] & 0xff) == 0xa0) {
                byte[] oid = new byte[h[1]];
                System.arraycopy(sec1, h[0], oid, 0, h[1]);
                return oid;
            }
            i = h[0] + h[1];
        }
        throw new Failure("unable to load SSL private key from PEM file '" + file + "': the EC key names no curve.");
    }

    /** {content offset, content length} of the DER element at {@code at}. */
    private static int[] header(byte[] der, int at) {
        int len = der[at + 1] & 0xff;
        int off = at + 2;
        if (len > 0x80) {
            int n = len - 0x80;
            len = 0;
            for (int k = 0; k < n; k++) {
                len = len << 8 | der[off++] & 0xff;
            }
        }
        return new int[]{off, len};
    }

    private static byte[] integer0() {
        return new byte[]{0x02, 0x01, 0x00};
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return tlv(0x30, b.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(tag);
        int n = content.length;
        if (n < 0x80) {
            b.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            b.write(0x80 | bytes);
            for (int k = bytes - 1; k >= 0; k--) {
                b.write(n >>> 8 * k);
            }
        }
        b.writeBytes(content);
        return b.toByteArray();
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, PublicKey pub) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm();
        };
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(SIGNED);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(pub);
            v.update(SIGNED);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The names a client's SNI may ask for: the DNS subject alternative names, then the CN. */
    static List<String> names(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if ((Integer) san.get(0) == 2) {
                        out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // No readable alternative names: the CN alone.
        }
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                String cn = rdn.getType().equalsIgnoreCase("CN") ? rdn.getValue().toString().toLowerCase(Locale.ROOT)
                        : null;
                if (cn != null && !out.contains(cn)) {
                    out.add(cn);
                }
            }
        } catch (InvalidNameException e) {
            // A subject the JDK printed is a valid name.
        }
        return out;
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
