package dev.bascule.config.model;

import java.util.List;

/**
 * A {@code bind ... ssl} line's TLS termination: the certificates in load order (the first is served to a client
 * whose SNI matches none, unless {@code strictSni}), and the settings the certificates without their own use.
 */
public record BindTls(List<CertificateEntry> certificates, TlsSettings settings, boolean strictSni) {
    public BindTls {
        certificates = List.copyOf(certificates);
    }
}
