package dev.bascule.config.model;

import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A PEM file as the parser read it: HAProxy's layout (a certificate, its private key and its chain in one file, in
 * any order), or a CA or CRL file (certificates or revocation lists only). Read and checked when the configuration
 * is, so a changed file is a changed model and a bad one a {@code -c} error. Compared by path and content digest;
 * the JSON dump shows the path, the digest and the names, never the key (only those three have bean getters).
 */
public final class PemBundle {
    private final String file;
    private final String sha256;
    private final List<X509Certificate> certificates;
    private final PrivateKey key;
    private final List<X509CRL> crls;
    private final List<String> names;

    /** @param names the leaf's DNS names (subject alternative names, then its CN), lower case */
    public PemBundle(String file, String sha256, List<X509Certificate> certificates, PrivateKey key,
                     List<X509CRL> crls, List<String> names) {
        this.file = file;
        this.sha256 = sha256;
        this.certificates = List.copyOf(certificates);
        this.key = key;
        this.crls = List.copyOf(crls);
        this.names = List.copyOf(names);
    }

    public String getFile() {
        return file;
    }

    public String getSha256() {
        return sha256;
    }

    public List<String> getNames() {
        return names;
    }

    /** The leaf first, then its chain (or a CA file's certificates). */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /** The private key, or null for a CA or CRL file. */
    public PrivateKey key() {
        return key;
    }

    public List<X509CRL> crls() {
        return crls;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PemBundle p && p.file.equals(file) && p.sha256.equals(sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, sha256);
    }

    /** What a reload's diff line shows: the file and the start of its digest. */
    @Override
    public String toString() {
        return file + " (sha256 " + sha256.substring(0, 12) + ")";
    }
}
