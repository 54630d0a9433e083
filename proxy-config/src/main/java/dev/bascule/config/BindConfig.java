package dev.bascule.config;

import dev.bascule.config.model.BindOptions;
import dev.bascule.config.model.BindTls;
import dev.bascule.config.model.CertificateEntry;
import dev.bascule.config.model.PemBundle;
import dev.bascule.config.model.TlsSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The options of one {@code bind} line (doc section 5.1) into its {@link BindOptions}: the listener's own
 * settings, and with {@code ssl} its TLS termination, the certificates read and checked now ({@code crt} files,
 * every file of a {@code crt} directory, {@code crt-list} lines with their own options and SNI filters).
 */
final class BindConfig {
    /** Files a {@code crt} directory holds beside certificates, which HAProxy does not load as such. */
    private static final List<String> EXTRA_FILES = List.of(".key", ".ocsp", ".issuer", ".sctl");

    private final Diagnostics diag;
    private final Line line;
    private final String owner;
    private final SslDefaults defaults;
    private final TlsConfig tls;
    /** The certificate files in the order they were named, each with its crt-list options, for {@link #build}. */
    private final List<Pending> certificates = new ArrayList<>();
    private boolean ssl;
    private boolean strictSni;
    private String name;
    private int id;
    private int maxconn;
    private int backlog;
    private boolean acceptProxy;
    private boolean deferAccept;
    private boolean transparent;
    private boolean v4v6;
    private boolean v6only;
    private boolean tfo;
    private int mss;
    private String interfaceName;
    private String process;
    private String thread;
    private final List<String> unimplemented = new ArrayList<>();
    private boolean failed;

    /**
     * A certificate to load, with its crt-list line's SNI filters and TLS options (null: the bind's), applied at the
     * end over the bind's own, wherever those are on the line.
     */
    private record Pending(Path file, List<String> filters, List<List<String>> options, String where) {
    }

    private final String proxy;

    private BindConfig(Diagnostics diag, Line line, SslDefaults defaults, String proxy) {
        this.diag = diag;
        this.proxy = proxy;
        this.line = line;
        this.owner = "bind " + line.word(1);
        this.defaults = defaults;
        this.tls = TlsConfig.forBind(diag, line.source(), defaults);
    }

    /** The options of a bind line from word 2 on; null after an alert. */
    static BindOptions parse(Diagnostics diag, Line line, SslDefaults defaults, String proxy) {
        List<ServerOptions.Parsed> options = ServerOptions.parse(diag, line, 2, ServerOptions.BIND,
                "bind " + line.word(1));
        if (options == null) {
            return null;
        }
        BindConfig c = new BindConfig(diag, line, defaults, proxy);
        for (ServerOptions.Parsed o : options) {
            c.option(o);
            if (c.failed) {
                return null;
            }
        }
        return c.build();
    }

    private void option(ServerOptions.Parsed o) {
        String option = o.option().name();
        String value = o.value();
        if (o.option().support() != Support.SUPPORTED) {
            unimplemented.add(o.written());
            diag.warning(line.source(), "bind option '" + option + "' is parsed but not implemented yet; it has no "
                    + "effect");
        }
        if (TlsConfig.handles(option)) {
            failed = !tls.set(diag, line.source(), owner, option, value, defaults);
            return;
        }
        switch (option) {
            case "ssl" -> ssl = true;
            case "crt" -> crt(value);
            case "crt-list" -> crtList(value);
            case "strict-sni" -> strictSni = true;
            case "name" -> name = value;
            case "id" -> id = number(option, value, 1);
            case "maxconn" -> maxconn = number(option, value, 0);
            case "backlog" -> backlog = number(option, value, 1);
            case "accept-proxy" -> acceptProxy = true;
            case "defer-accept" -> deferAccept = true;
            case "transparent" -> transparent = true;
            case "v4v6" -> v4v6 = true;
            case "v6only" -> v6only = true;
            case "tfo" -> tfo = true;
            case "mss" -> mss = number(option, value, Integer.MIN_VALUE);
            case "interface" -> interfaceName = value;
            case "process" -> process = value;
            case "thread" -> thread = value;
            default -> {
                // Kept as written (unimplemented) above, with its warning.
            }
        }
    }

    private int number(String option, String value, int min) {
        Integer v = Numbers.parse(diag, line, owner + "' : '" + option, value, min, Integer.MAX_VALUE);
        failed |= v == null;
        return v == null ? 0 : v;
    }

    /** {@code crt <file|dir>}: one certificate, or every certificate file of a directory in name order. */
    private void crt(String value) {
        Path path = Path.of(SslDefaults.under(defaults.crtBase, value));
        if (!Files.isDirectory(path)) {
            certificates.add(new Pending(path, List.of(), null, null));
            return;
        }
        try (Stream<Path> files = Files.list(path)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> EXTRA_FILES.stream().noneMatch(f.getFileName().toString()::endsWith))
                    .sorted().forEach(f -> certificates.add(new Pending(f, List.of(), null, null)));
        } catch (IOException e) {
            diag.alert(line.source(), "'" + owner + "' : unable to scan directory '" + path + "' : " + e.getMessage());
            failed = true;
        }
    }

    /**
     * {@code crt-list <file>}: one certificate per line, {@code <crtfile> [\[<sslbindconf> ...\]] [[!]<snifilter> ...]}
     * (HAProxy's format; '#' starts a comment).
     */
    private void crtList(String value) {
        Path file = Path.of(SslDefaults.under(defaults.crtBase, value));
        List<String> lines;
        try {
            lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            diag.alert(line.source(), "'" + owner + "' : 'crt-list' : unable to open file '" + file + "' : "
                    + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.getMessage())
                    + ".");
            failed = true;
            return;
        }
        for (int n = 0; n < lines.size(); n++) {
            String text = lines.get(n).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String where = "'" + owner + "' : 'crt-list' file '" + file + "' line " + (n + 1);
            List<String> words = new ArrayList<>(List.of(text.split("\\s+")));
            List<List<String>> options = null;
            int open = text.indexOf('[');
            if (open >= 0) {
                int close = text.indexOf(']', open);
                if (close < 0) {
                    diag.alert(line.source(), where + " : missing ']' after the SSL options.");
                    failed = true;
                    return;
                }
                options = new ArrayList<>();
                String inside = text.substring(open + 1, close).strip();
                String[] opts = inside.isEmpty() ? new String[0] : inside.split("\\s+");
                for (int i = 0; i < opts.length; i++) {
                    String o = opts[i];
                    if (!TlsConfig.handles(o)) {
                        diag.alert(line.source(), where + " : unknown or unsupported option '" + o + "' in the SSL "
                                + "options; a crt-list line takes the TLS options of a bind line");
                        failed = true;
                        return;
                    }
                    if (TlsConfig.takesValue(o) && i + 1 >= opts.length) {
                        diag.alert(line.source(), where + " : '" + o + "' expects a value.");
                        failed = true;
                        return;
                    }
                    options.add(TlsConfig.takesValue(o) ? List.of(o, opts[++i]) : List.of(o));
                }
                words = new ArrayList<>(List.of(text.substring(0, open).strip()));
                String rest = text.substring(close + 1).strip();
                if (!rest.isEmpty()) {
                    words.addAll(List.of(rest.split("\\s+")));
                }
            }
            Path crt = Path.of(SslDefaults.under(defaults.crtBase, words.get(0)));
            certificates.add(new Pending(crt, words.subList(1, words.size()).stream()
                    .map(w -> w.toLowerCase(java.util.Locale.ROOT)).toList(), options, where));
        }
    }

    private BindOptions build() {
        List<CertificateEntry> entries = new ArrayList<>();
        for (Pending p : certificates) {
            PemBundle pem;
            try {
                pem = Pem.certificate(p.file());
            } catch (Pem.Failure e) {
                diag.alert(line.source(), "'" + owner + "' : " + (p.where() != null ? "'crt-list' : " : "")
                        + e.getMessage());
                return null;
            }
            TlsConfig own = tls;
            if (p.options() != null) {
                own = tls.copy();
                for (List<String> o : p.options()) {
                    if (!own.set(diag, line.source(), p.where(), o.get(0), o.size() > 1 ? o.get(1) : null, defaults)) {
                        return null;
                    }
                }
            }
            entries.add(new CertificateEntry(pem, p.filters(), own.build()));
        }
        BindTls termination = null;
        if (ssl) {
            if (entries.isEmpty()) {
                diag.alert(line.source(), "Proxy '" + proxy + "': no SSL certificate specified for bind '" + line.word(1) + "' at ["
                        + line.source() + "] (use 'crt').");
                return null;
            }
            for (CertificateEntry e : entries) {
                if (e.settings().verify() != TlsSettings.Verify.NONE && e.settings().caFile() == null) {
                    diag.alert(line.source(), "Proxy '" + proxy + "': verify is enabled but no CA file specified for bind '" + line.word(1)
                            + "' at [" + line.source() + "]; add 'ca-file <file>' or 'verify none'.");
                    return null;
                }
            }
            termination = new BindTls(entries, tls.build(), strictSni);
        }
        return new BindOptions(termination, name, id, maxconn, backlog, acceptProxy, deferAccept, transparent, v4v6,
                v6only, tfo, mss, interfaceName, process, thread, unimplemented);
    }
}
