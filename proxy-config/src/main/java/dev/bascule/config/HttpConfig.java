package dev.bascule.config;

import dev.bascule.config.model.HttpSettings;
import dev.bascule.config.model.Network;
import dev.bascule.config.model.HttpSettings.ConnectionMode;
import dev.bascule.config.model.HttpSettings.AddressHeader;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The HTTP-mode keywords of a proxy section, building its {@link HttpSettings}. */
final class HttpConfig {
    /** The status codes HAProxy 2.6 lets {@code errorfile} replace. */
    private static final Set<String> ERRORFILE_CODES = Set.of("200", "400", "401", "403", "404", "405", "407",
            "408", "410", "413", "425", "429", "500", "501", "502", "503", "504");

    private final Diagnostics diag;
    private ConnectionMode connection = ConnectionMode.KEEP_ALIVE;
    private AddressHeader forwardFor;
    private AddressHeader originalTo;
    private String monitorUri;
    private final Map<Integer, String> errorFiles = new TreeMap<>();
    private HttpSettings.Reuse reuse = HttpSettings.Reuse.SAFE;

    HttpConfig(Diagnostics diag, HttpConfig defaults) {
        this.diag = diag;
        if (defaults != null) {
            connection = defaults.connection;
            forwardFor = defaults.forwardFor;
            originalTo = defaults.originalTo;
            monitorUri = defaults.monitorUri;
            errorFiles.putAll(defaults.errorFiles);
            reuse = defaults.reuse;
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
        forwardFor = addressHeader(line, AddressHeader.FORWARDED_FOR, true);
    }

    void originalTo(Line line) {
        originalTo = addressHeader(line, AddressHeader.ORIGINAL_TO, false);
    }

    /** The arguments of {@code option forwardfor} or {@code option originalto}; null after an error. */
    private AddressHeader addressHeader(Line line, String defaultHeader, boolean ifNoneAllowed) {
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
        return new AddressHeader(header, except == null ? null : Network.of(except, prefix), ifNone);
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

    /** {@code errorfile <code> <file>}: HAProxy's codes only; a file that cannot be read is left out. */
    void errorfile(Line line) {
        String code = line.word(1);
        if (!ERRORFILE_CODES.contains(code)) {
            diag.warning(line.source(), "status code " + code + " not handled by 'errorfile', error customization "
                    + "will be ignored; handled codes: " + String.join(" ", ERRORFILE_CODES.stream().sorted().toList()));
        } else if (!Files.isReadable(Path.of(line.word(2)))) {
            diag.warning(line.source(), "'errorfile " + code + "' : cannot read '" + line.word(2) + "'; HAProxy "
                    + "refuses to start without it; Bascule sends its default " + code + " page");
        } else {
            errorFiles.put(Integer.parseInt(code), line.word(2));
        }
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

    HttpSettings build() {
        return new HttpSettings(connection, forwardFor, originalTo, monitorUri, errorFiles, reuse);
    }
}
