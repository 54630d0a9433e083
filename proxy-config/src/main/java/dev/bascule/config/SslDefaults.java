package dev.bascule.config;

import dev.bascule.config.model.TlsSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code global} section's TLS settings that bind and server lines start from, as they stand when such a line
 * is read (HAProxy applies {@code crt-base}, {@code ca-base} and the {@code ssl-default-*} values at the line): the
 * global section writes them, the proxy sections read them.
 */
final class SslDefaults {
    String crtBase;
    String caBase;
    String bindCiphers;
    String bindCiphersuites;
    String bindCurves;
    /** {@code ssl-default-bind-options}, one option (with its value) per element. */
    final List<List<String>> bindOptions = new ArrayList<>();
    String serverCiphers;
    String serverCiphersuites;
    String serverCurves;
    final List<List<String>> serverOptions = new ArrayList<>();
    /** {@code ssl-server-verify}: what a server line without {@code verify} does. */
    TlsSettings.Verify serverVerify = TlsSettings.Verify.REQUIRED;

    /** {@code file} under {@code base} when it is relative and a base is set, as HAProxy joins them. */
    static String under(String base, String file) {
        if (base == null || file.startsWith("/")) {
            return file;
        }
        return base.endsWith("/") ? base + file : base + "/" + file;
    }
}
