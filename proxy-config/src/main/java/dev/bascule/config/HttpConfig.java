package dev.bascule.config;

import dev.bascule.config.model.ErrorPage;
import dev.bascule.config.model.HttpReply;
import dev.bascule.config.model.HttpRule;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleFormat;
import dev.bascule.config.sample.SampleParser;
import dev.bascule.config.model.HttpSettings;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.Network;
import dev.bascule.config.model.HttpSettings.ConnectionMode;
import dev.bascule.config.model.HttpSettings.AddressHeader;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Set;
import java.util.TreeMap;

/** The HTTP-mode keywords of a proxy section, building its {@link HttpSettings}. */
final class HttpConfig {
    /** The status codes HAProxy 2.6 lets {@code errorfile} replace. */
    static final Set<String> ERRORFILE_CODES = Set.of("200", "400", "401", "403", "404", "405", "407",
            "408", "410", "413", "425", "429", "500", "501", "502", "503", "504");

    private final Diagnostics diag;
    /** Compiles the log-format payloads and headers of {@code http-error}. */
    private final SampleParser samples = new SampleParser(PatternFiles.DISK);
    private ConnectionMode connection = ConnectionMode.KEEP_ALIVE;
    private AddressHeader forwardFor;
    private AddressHeader originalTo;
    private String monitorUri;
    /**
     * The lines that set error pages, in order (a later one overrides an earlier one); an {@code errorfiles} line
     * names its http-errors section, read once every section is ({@link #resolveErrors}).
     */
    private final List<ErrorLine> errorLines = new ArrayList<>();
    private Map<Integer, ErrorPage> errorPages = Map.of();

    /**
     * One such line: {@code page} for {@code code} (null: back to HAProxy's own, {@code default-errorfiles}), or the
     * {@code codes} of {@code section} (all of them when empty).
     */
    private record ErrorLine(Source source, int code, ErrorPage page, String section, List<Integer> codes) {
    }
    private HttpSettings.Reuse reuse = HttpSettings.Reuse.SAFE;
    private boolean bufferRequest;

    HttpConfig(Diagnostics diag, HttpConfig defaults) {
        this.diag = diag;
        if (defaults != null) {
            connection = defaults.connection;
            forwardFor = defaults.forwardFor;
            originalTo = defaults.originalTo;
            monitorUri = defaults.monitorUri;
            errorLines.addAll(defaults.errorLines);
            reuse = defaults.reuse;
            bufferRequest = defaults.bufferRequest;
        }
    }

    void connectionMode(Line line) {
        connection = switch (line.word(1)) {
            case "httpclose" -> ConnectionMode.CLOSE;
            case "http-server-close" -> ConnectionMode.SERVER_CLOSE;
            default -> ConnectionMode.KEEP_ALIVE;
        };
    }

    /** {@code no option httpclose} and its siblings bring back the default, keep-alive. */
    void negateConnectionMode() {
        connection = ConnectionMode.KEEP_ALIVE;
    }

    void forwardFor(Line line) {
        forwardFor = addressHeader(line, AddressHeader.FORWARDED_FOR, true, forwardFor);
    }

    void originalTo(Line line) {
        originalTo = addressHeader(line, AddressHeader.ORIGINAL_TO, false, originalTo);
    }

    /**
     * The arguments of {@code option forwardfor} or {@code option originalto}; null after an error. Without
     * {@code except}, the network the option had (from the defaults section) stays, as HAProxy keeps its
     * {@code except_xff_net}: a backend's plain {@code option forwardfor} still spares the defaults' network.
     */
    private AddressHeader addressHeader(Line line, String defaultHeader, boolean ifNoneAllowed, AddressHeader before) {
        String option = line.word(0) + " " + line.word(1);
        String header = defaultHeader;
        byte[] except = null;
        int prefix = 0;
        boolean ifNone = false;
        for (int i = 2; i < line.size(); i++) {
            String word = line.word(i);
            switch (word) {
                case "if-none" -> {
                    if (!ifNoneAllowed) {
                        diag.alert(line.source(), "'" + option + "' : unknown argument 'if-none'; expected "
                                + "'except <network>' or 'header <name>'");
                        return null;
                    }
                    ifNone = true;
                }
                case "header", "except" -> {
                    String value = line.word(++i);
                    if (value == null) {
                        diag.alert(line.source(), "'" + option + "' : '" + word + "' expects a "
                                + (word.equals("header") ? "header name" : "network such as 10.0.0.0/8"));
                        return null;
                    }
                    if (word.equals("header")) {
                        header = value;
                    } else {
                        int slash = value.indexOf('/');
                        except = literalAddress(slash < 0 ? value : value.substring(0, slash));
                        prefix = except == null ? -1 : slash < 0 ? except.length * 8 : prefixOf(value, slash, except);
                        if (except == null || prefix < 0) {
                            diag.alert(line.source(), "'" + option + " except' : '" + value
                                    + "' is not a network; write an address with an optional /prefix");
                            return null;
                        }
                    }
                }
                default -> {
                    diag.alert(line.source(), "'" + option + "' : unknown argument '" + word
                            + "'; expected 'except <network>', 'header <name>'" + (ifNoneAllowed ? " or 'if-none'" : ""));
                    return null;
                }
            }
        }
        return new AddressHeader(header, except == null ? (before == null ? null : before.except())
                : Network.of(except, prefix), ifNone);
    }

    void negateForwardFor() {
        forwardFor = null;
    }

    void negateOriginalTo() {
        originalTo = null;
    }

    /** {@code http-reuse never|safe|aggressive|always}. */
    void reuse(Line line) {
        try {
            reuse = HttpSettings.Reuse.valueOf(line.word(1).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), "'http-reuse' : unknown mode '" + line.word(1) + "'; expected 'never', "
                    + "'safe', 'aggressive' or 'always'");
        }
    }

    void monitorUri(Line line) {
        monitorUri = line.word(1);
    }

    /** {@code errorfile <code> <file>}: HAProxy's codes only, the file read when HAProxy reads its config. */
    void errorfile(Line line) {
        Integer code = errorCode(line, "errorfile", line.word(1));
        ErrorPage.File page = code == null ? null : errorFile(diag, line, "errorfile", line.word(2));
        if (page != null) {
            errorLines.add(new ErrorLine(line.source(), code, page, null, List.of()));
        }
    }

    /** {@code errorloc|errorloc302|errorloc303 <code> <url>}: a redirect instead of the page. */
    void errorloc(Line line) {
        String kw = line.keyword();
        if (line.size() < 3) {
            diag.alert(line.source(), kw + " : expects <status_code> and <url> as arguments.");
            return;
        }
        Integer code = errorCode(line, kw, line.word(1));
        if (code != null) {
            errorLines.add(new ErrorLine(line.source(), code, new ErrorPage.Location(kw.equals("errorloc303") ? 303
                    : 302, line.word(2)), null, List.of()));
        }
    }

    /** {@code errorfiles <name> [<code> ...]}: the pages of an http-errors section, all or those listed. */
    void errorfiles(Line line) {
        List<Integer> codes = new ArrayList<>();
        for (String c : line.words().subList(2, line.size())) {
            Integer code = errorCode(line, "errorfiles", c);
            if (code == null) {
                return;
            }
            codes.add(code);
        }
        errorLines.add(new ErrorLine(line.source(), 0, null, line.word(1), codes));
    }

    /**
     * {@code http-error status <code> [content-type <type>] [default-errorfiles | errorfile <file> | errorfiles <name>
     * | file <file> | string <str> | lf-string <fmt> | lf-file <file>] [hdr <name> <fmt>]*}: a built page is the reply
     * model of {@code deny} and {@code return}, its log-format payload and headers evaluated for each answer.
     */
    void httpError(Line line) {
        List<String> w = line.words();
        Integer code = null;
        String type = null;
        HttpReply.Body body = null;
        boolean payload = false;
        ErrorPage page = null;
        String section = null;
        boolean reset = false;
        List<HttpReply.Header> headers = new ArrayList<>();
        for (int i = 1; i < w.size(); i++) {
            String o = w.get(i);
            boolean pair = !o.equals("default-errorfiles");
            if (pair && i + 1 >= w.size() || o.equals("hdr") && i + 2 >= w.size()) {
                diag.alert(line.source(), "http-error : '" + o + "' expects " + (o.equals("hdr") ? "<name> <fmt>"
                        : "an argument") + ".");
                return;
            }
            try {
                switch (o) {
                    case "status" -> {
                        code = errorCode(line, "http-error", w.get(++i));
                        if (code == null) {
                            return;
                        }
                    }
                    case "content-type" -> type = w.get(++i);
                    case "default-errorfiles" -> reset = true;
                    case "errorfile" -> {
                        page = errorFile(diag, line, "http-error", w.get(++i));
                        if (page == null) {
                            return;
                        }
                    }
                    case "errorfiles" -> section = w.get(++i);
                    case "string" -> {
                        body = new HttpReply.Text(w.get(++i));
                        payload = true;
                    }
                    case "lf-string" -> {
                        body = formatted(w.get(++i));
                        payload = true;
                    }
                    case "file", "lf-file" -> {
                        String f = w.get(++i);
                        String text;
                        try {
                            text = Files.readString(Path.of(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
                            diag.alert(line.source(), "http-error : error opening file '" + f + "'.");
                            return;
                        }
                        body = o.equals("file") ? new HttpReply.Text(text) : formatted(text);
                        payload = !text.isEmpty();
                    }
                    case "hdr" -> headers.add(new HttpReply.Header(w.get(++i), SampleFormat.parse(w.get(++i),
                            samples)));
                    default -> {
                        diag.alert(line.source(), "http-error : unknown argument '" + o + "'; expects status, "
                                + "content-type, default-errorfiles, errorfile, errorfiles, file, lf-file, string, "
                                + "lf-string or hdr.");
                        return;
                    }
                }
            } catch (SampleException e) {
                diag.alert(line.source(), "http-error : '" + o + "' : " + e.getMessage());
                return;
            }
        }
        if (code == null) {
            diag.alert(line.source(), "http-error : expects 'status <code>' as argument.");
            return;
        }
        if (payload && type == null) {
            diag.alert(line.source(), "http-error : a content type must be defined when non-empty payload is "
                    + "configured");
            return;
        }
        if (section != null) {
            errorLines.add(new ErrorLine(line.source(), code, null, section, List.of(code)));
        } else {
            errorLines.add(new ErrorLine(line.source(), code, reset ? null : page != null ? page
                    : new ErrorPage.Reply(new HttpReply(code, body == null ? new HttpReply.Text("") : body,
                    payload ? type : null, headers)), null, List.of()));
        }
    }

    /** A log-format payload: kept as text when it holds no sample. */
    private HttpReply.Body formatted(String text) throws SampleException {
        SampleFormat f = SampleFormat.parse(text, samples);
        return f.literal() ? new HttpReply.Text(text) : new HttpReply.Formatted(f);
    }

    /** A status code {@code errorfile} and its siblings may replace, or null after HAProxy's alert. */
    private Integer errorCode(Line line, String keyword, String code) {
        if (!ERRORFILE_CODES.contains(code)) {
            diag.alert(line.source(), keyword + " : status code '" + code + "' not handled; handled codes: "
                    + String.join(" ", ERRORFILE_CODES.stream().sorted().toList()));
            return null;
        }
        return Integer.parseInt(code);
    }

    /** A file holding a whole response, or null after HAProxy's alert: it is read when the config is. */
    static ErrorPage.File errorFile(Diagnostics diag, Line line, String keyword, String file) {
        try {
            if (Files.isReadable(Path.of(file)) && !Files.isDirectory(Path.of(file))) {
                return new ErrorPage.File(file);
            }
        } catch (java.nio.file.InvalidPathException e) {
            // below
        }
        diag.alert(line.source(), keyword + " : error opening file '" + file + "'.");
        return null;
    }

    /**
     * The error pages once every section is read: each line in order, {@code errorfiles} taking its section's pages;
     * an unknown section is HAProxy's alert, a listed code the section lacks its warning.
     *
     * @param sections an http-errors section's pages by name, or null when there is none of that name
     */
    void resolveErrors(String proxy, Function<String, Map<Integer, ErrorPage>> sections) {
        Map<Integer, ErrorPage> pages = new TreeMap<>();
        for (ErrorLine l : errorLines) {
            if (l.section() == null) {
                if (l.page() == null) {
                    pages.remove(l.code());
                } else {
                    pages.put(l.code(), l.page());
                }
                continue;
            }
            Map<Integer, ErrorPage> s = sections.apply(l.section());
            if (s == null) {
                diag.alert(l.source(), "proxy '" + proxy + "': unknown http-errors section '" + l.section() + "'; "
                        + "declare it with 'http-errors " + l.section() + "'");
                continue;
            }
            if (l.codes().isEmpty()) {
                pages.putAll(s);
            }
            for (int code : l.codes()) {
                if (s.containsKey(code)) {
                    pages.put(code, s.get(code));
                } else {
                    diag.warning(l.source(), "proxy '" + proxy + "' : status '" + code + "' not declared in "
                            + "http-errors section '" + l.section() + "'");
                }
            }
        }
        errorPages = pages;
    }

    /** An IP literal only: a host name here would mean a DNS lookup while parsing. */
    private static byte[] literalAddress(String text) {
        if (!text.matches("[0-9.]+") && !text.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int prefixOf(String value, int slash, byte[] address) {
        String bits = value.substring(slash + 1);
        if (bits.contains(".")) {
            byte[] mask = literalAddress(bits);
            if (mask == null || mask.length != address.length) {
                return -1;
            }
            int n = 0;
            for (byte b : mask) {
                n += Integer.bitCount(b & 0xff);
            }
            return n;
        }
        try {
            int n = Integer.parseInt(bits);
            return n >= 0 && n <= address.length * 8 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @param httpResponse the section's {@code http-response} rules, and {@code http-after-response} ones */
    /** {@code [no] option http-buffer-request}. */
    void bufferRequest(boolean on) {
        bufferRequest = on;
    }

    HttpSettings build(List<HttpRule> httpResponse, List<HttpRule> httpAfterResponse) {
        return new HttpSettings(connection, forwardFor, originalTo, monitorUri, errorPages, reuse, httpResponse,
                httpAfterResponse, bufferRequest);
    }
}
