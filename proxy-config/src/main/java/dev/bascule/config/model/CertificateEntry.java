package dev.bascule.config.model;

import java.util.List;

/**
 * One certificate a TLS bind serves: a {@code crt} file (each file of a {@code crt} directory) or a {@code crt-list}
 * line. {@code filters} are the line's SNI filters ({@code *.example.com}, {@code !www.example.com}); empty, the
 * certificate's own names select it. {@code settings} are the bind's, with the line's own options over them.
 */
public record CertificateEntry(PemBundle pem, List<String> filters, TlsSettings settings) {
    public CertificateEntry {
        filters = List.copyOf(filters);
    }

    /** The names a client's SNI is matched against: the filters that are not exclusions, else the certificate's. */
    public List<String> serverNames() {
        List<String> positive = filters.stream().filter(f -> !f.startsWith("!")).toList();
        return positive.isEmpty() ? pem.getNames() : positive;
    }

    /** The names a {@code !name} filter excludes. */
    public List<String> excluded() {
        return filters.stream().filter(f -> f.startsWith("!")).map(f -> f.substring(1)).toList();
    }
}
