package dev.bascule.config;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.LogFormat;
import dev.bascule.config.model.LogSettings;
import dev.bascule.config.model.LogSettings.Capture;
import dev.bascule.config.model.LogTarget;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Source;

import java.util.ArrayList;
import java.util.List;

/**
 * The logging keywords of a proxy section (doc sections 4.2 and 8), building its {@link LogSettings}, and the
 * {@code log} line and {@code log-format} string readers the {@code global} section shares.
 */
final class LogConfig {
    private static final List<String> FRAMINGS = List.of("rfc3164", "rfc5424", "short", "raw", "iso", "timed",
            "priority");

    /** {@code tune.cookie_len}'s default: a cookie capture keeps one byte less. */
    private static final int COOKIE_CAPTURE_LIMIT = 64;

    private final Diagnostics diag;
    private final AddressEnvironment env;
    private boolean global;
    private final List<LogTarget> targets = new ArrayList<>();
    private String tag;
    private LogFormat format;
    /** Where an {@code option httplog} that a final mode tcp turns into tcplog was written, or null. */
    private Source httplogAt;
    private LogFormat sdFormat = LogFormatCompiler.SD_NONE;
    private boolean dontLogNull;
    private boolean separateErrors;
    private boolean dontLogNormal;
    private final List<Capture> requestCaptures = new ArrayList<>();
    private final List<Capture> responseCaptures = new ArrayList<>();
    private Capture cookieCapture;
    /** Where {@code capture cookie} was written, for the warning on its length. */
    private Source cookieCaptureAt;
    private boolean logAsap;
    private LogFormat uniqueIdFormat;
    private String uniqueIdHeader;

    LogConfig(Diagnostics diag, AddressEnvironment env, LogConfig defaults) {
        this.diag = diag;
        this.env = env;
        if (defaults != null) {
            global = defaults.global;
            targets.addAll(defaults.targets);
            tag = defaults.tag;
            format = defaults.format;
            httplogAt = defaults.httplogAt;
            sdFormat = defaults.sdFormat;
            dontLogNull = defaults.dontLogNull;
            separateErrors = defaults.separateErrors;
            dontLogNormal = defaults.dontLogNormal;
            logAsap = defaults.logAsap;
            uniqueIdFormat = defaults.uniqueIdFormat;
            uniqueIdHeader = defaults.uniqueIdHeader;
        }
    }

    /** {@code log global} or a target. */
    void log(Line line) {
        if (line.word(1).equals("global") && line.size() == 2) {
            global = true;
            return;
        }
        LogTarget t = target(env, diag, line);
        if (t != null) {
            targets.add(t);
        }
    }

    /** {@code no log}: nothing inherited from the defaults is logged any more. */
    void noLog() {
        global = false;
        targets.clear();
    }

    void tag(Line line) {
        tag = line.word(1);
    }

    void logFormat(Line line) {
        LogFormat f = LogFormatCompiler.compileArgument(diag, line, LogFormatCompiler.When.LOG);
        if (f != null) {
            format = f;
            httplogAt = null;
        }
    }

    void logFormatSd(Line line) {
        LogFormat f = LogFormatCompiler.compileArgument(diag, line, LogFormatCompiler.When.LOG);
        if (f != null) {
            sdFormat = f;
        }
    }

    /** {@code option httplog [clf]}. */
    void httplog(Line line) {
        String arg = line.word(2);
        if (arg != null && !arg.equals("clf")) {
            diag.alert(line.source(), "'option httplog' : unknown argument '" + arg + "'; the only one is 'clf'");
            return;
        }
        format = arg == null ? LogFormatCompiler.HTTPLOG : LogFormatCompiler.CLF;
        httplogAt = line.source();
    }

    /** {@code option httpslog}: httplog's fields, then the connection's and its TLS handshake's (HAProxy 2.6). */
    void httpslog(Line line) {
        format = LogFormatCompiler.HTTPSLOG;
        httplogAt = line.source();
    }

    void tcplog() {
        format = LogFormatCompiler.TCPLOG;
        httplogAt = null;
    }

    /** {@code no option httplog} and {@code no option tcplog}: back to the default connection line. */
    void negateFormat() {
        format = null;
        httplogAt = null;
    }

    void dontLogNull(boolean on) {
        dontLogNull = on;
    }

    void dontLogNormal(boolean on) {
        dontLogNormal = on;
    }

    void separateErrors(boolean on) {
        separateErrors = on;
    }

    /** {@code capture request header NAME len N} and {@code capture response header NAME len N}. */
    void capture(Line line) {
        String which = "capture " + line.word(1);
        if (!"header".equals(line.word(2)) || !"len".equals(line.word(4)) || line.size() != 6) {
            diag.alert(line.source(), "'" + which + "' expects 'header <name> len <length>'");
            return;
        }
        Integer len = Numbers.parse(diag, line, which + " header " + line.word(3) + " len", line.word(5), 1, 65535);
        if (len != null) {
            (line.word(1).equals("request") ? requestCaptures : responseCaptures).add(new Capture(line.word(3), len));
        }
    }

    /** A request capture slot a rule fills ({@code tcp-request content capture}), after those declared so far. */
    int ruleCapture(int length) {
        requestCaptures.add(new Capture(null, length));
        return requestCaptures.size() - 1;
    }

    /**
     * {@code declare capture request|response len N}: a slot for {@code http-request capture ... id N} (or
     * {@code http-response}'s) to fill, numbered after the slots before it.
     */
    void declareCapture(Line line) {
        if (line.size() != 5 || !"len".equals(line.word(3))
                || !line.word(2).equals("request") && !line.word(2).equals("response")) {
            diag.alert(line.source(), "'declare capture' expects 'request' or 'response', then 'len <length>'");
            return;
        }
        Integer len = Numbers.parse(diag, line, "declare capture " + line.word(2) + " len", line.word(4), 1, 65535);
        if (len != null) {
            (line.word(2).equals("request") ? requestCaptures : responseCaptures).add(new Capture(null, len));
        }
    }

    /** A request capture slot that a rule fills ({@code http-request capture ... len N}): its number. */
    int requestSlot(int length) {
        requestCaptures.add(new Capture(null, length));
        return requestCaptures.size() - 1;
    }

    /** Whether request capture slot {@code id} is declared (by a line before). */
    boolean hasRequestSlot(int id) {
        return id >= 0 && id < requestCaptures.size();
    }

    /**
     * {@code capture cookie NAME len N}: one per proxy, a later line replacing an earlier one, as in HAProxy (whose
     * {@code atol} reads the length: a length that is not a number is an error here).
     */
    void captureCookie(Line line) {
        if (line.size() != 5 || !"len".equals(line.word(3))) {
            diag.alert(line.source(), "'capture' expects 'cookie' <cookie_name> 'len' <len>.");
            return;
        }
        Integer len = Numbers.parse(diag, line, "capture cookie " + line.word(2) + " len", line.word(4), 0,
                Integer.MAX_VALUE);
        if (len != null) {
            cookieCapture = new Capture(line.word(2), len);
            cookieCaptureAt = line.source();
        }
    }

    void logAsap(boolean on) {
        logAsap = on;
    }

    void uniqueIdFormat(Line line) {
        LogFormat f = LogFormatCompiler.compileArgument(diag, line, LogFormatCompiler.When.REQUEST);
        if (f != null) {
            uniqueIdFormat = f;
        }
    }

    void uniqueIdHeader(Line line) {
        uniqueIdHeader = line.word(1);
    }

    /**
     * @param mode the section's final mode: HAProxy falls back to {@code option tcplog} for an
     *             {@code option httplog} in mode tcp, and says so
     */
    LogSettings build(String proxy, Mode mode) {
        LogFormat f = format;
        if (mode == Mode.TCP && httplogAt != null) {
            diag.warning(httplogAt, "'option httplog' not usable with frontend '" + proxy + "' (needs 'mode http'). "
                    + "Falling back to 'option tcplog'.");
            f = LogFormatCompiler.TCPLOG;
        }
        Capture cookie = cookieCapture;
        if (cookie != null && cookie.length() >= COOKIE_CAPTURE_LIMIT) {
            // HAProxy's capture buffers hold tune.cookie_len (64) bytes with the final NUL.
            diag.warning(cookieCaptureAt, "truncating capture length to " + (COOKIE_CAPTURE_LIMIT - 1)
                    + " bytes for frontend '" + proxy + "'.");
            cookie = new Capture(cookie.name(), COOKIE_CAPTURE_LIMIT - 1);
        }
        return new LogSettings(global, targets, tag, f, sdFormat, dontLogNull, separateErrors, dontLogNormal, requestCaptures,
                responseCaptures, uniqueIdFormat, uniqueIdHeader, cookie, logAsap);
    }

    /** What a backend keeps: where its messages go, with which tag. */
    LogSettings targetsOnly() {
        return new LogSettings(global, targets, tag, null, null, false, false, false, List.of(), List.of(), null, null, null,
                false);
    }

    /** A {@code log <target> [len N] [format F] [sample R:S] <facility> [<level> [<minlevel>]]} line; null after an alert. */
    static LogTarget target(AddressEnvironment env, Diagnostics diag, Line line) {
        Source at = line.source();
        Where w = env.parse(diag, at, "log", line.word(1), (d, text) -> where(d, line, text));
        if (w == null) {
            return null;
        }
        String where = line.word(1);
        LogTarget.Transport transport = w.transport();
        Address address = w.address();
        int maxLength = LogTarget.DEFAULT_LENGTH;
        LogTarget.Framing framing = LogTarget.Framing.RFC3164;
        LogTarget.Sample sample = null;
        int i = 2;
        for (; i + 1 < line.size(); i += 2) {
            String option = line.word(i);
            String value = line.word(i + 1);
            if (option.equals("len")) {
                Integer n = Numbers.parse(diag, line, "log len", value, 80, 65535);
                if (n == null) {
                    return null;
                }
                maxLength = n;
            } else if (option.equals("format")) {
                if (!FRAMINGS.contains(value)) {
                    diag.alert(at, "'log' : unknown log format '" + value + "'; expected one of "
                            + String.join(", ", FRAMINGS));
                    return null;
                }
                framing = LogTarget.Framing.valueOf(value.toUpperCase(java.util.Locale.ROOT));
            } else if (option.equals("sample")) {
                sample = sample(diag, at, value);
                if (sample == null) {
                    return null;
                }
            } else {
                break;
            }
        }
        String facility = line.word(i);
        if (facility == null) {
            diag.alert(at, "'log " + where + "' expects a facility, such as 'local0', after its options");
            return null;
        }
        int f = LogTarget.FACILITIES.indexOf(facility);
        if (f < 0) {
            String near = KeywordTable.nearest(facility, LogTarget.FACILITIES);
            diag.alert(at, "'log' : unknown log facility '" + facility + "'; expected one of kern, user, ..., local7"
                    + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
            return null;
        }
        int level = level(diag, at, line.word(i + 1), LogTarget.LEVELS.size() - 1);
        int minLevel = level(diag, at, line.word(i + 2), 0);
        if (level < 0 || minLevel < 0) {
            return null;
        }
        if (line.size() > i + 3) {
            diag.alert(at, "'log' : unexpected '" + line.word(i + 3) + "' after the levels");
            return null;
        }
        return new LogTarget(at, transport, address, maxLength, framing, sample, f, level, minLevel);
    }

    /** Where a target's lines go. */
    private record Where(LogTarget.Transport transport, Address address) {
    }

    /** A target's address, its environment variables replaced; null after an alert. */
    private static Where where(Diagnostics diag, Line line, String where) {
        Source at = line.source();
        if (where.equals("stdout") || where.equals("stderr")) {
            return new Where(LogTarget.Transport.FD, new Address(Address.Family.FD, null, -1, null,
                    where.equals("stdout") ? 1 : 2));
        }
        if (where.startsWith("fd@")) {
            Integer fd = Numbers.parse(diag, line, "log fd@", where.substring(3), 0, Integer.MAX_VALUE);
            if (fd == null) {
                return null;
            }
            return new Where(LogTarget.Transport.FD, new Address(Address.Family.FD, null, -1, null, fd));
        }
        if (where.startsWith("/") || where.startsWith("unix@")) {
            return new Where(LogTarget.Transport.UNIX,
                    Address.unix(where.startsWith("/") ? where : where.substring("unix@".length())));
        }
        if (where.startsWith("ring@")) {
            diag.alert(at, "'log " + where + "' : ring buffers are not supported yet; log to a syslog address, a Unix "
                    + "socket, stdout or stderr");
            return null;
        }
        boolean tcp = where.startsWith("tcp@") || where.startsWith("tcp4@") || where.startsWith("tcp6@");
        Address address = inet(diag, line, where.substring(where.indexOf('@') + 1), tcp);
        return address == null ? null : new Where(tcp ? LogTarget.Transport.TCP : LogTarget.Transport.UDP, address);
    }

    private static Address inet(Diagnostics diag, Line line, String text, boolean tcp) {
        int colon = text.lastIndexOf(':');
        boolean bracketed = text.startsWith("[");
        String host = text;
        String port = null;
        if (bracketed) {
            int close = text.indexOf(']');
            host = close < 0 ? text : text.substring(1, close);
            port = close >= 0 && close + 1 < text.length() && text.charAt(close + 1) == ':'
                    ? text.substring(close + 2) : null;
        } else if (colon > 0 && text.indexOf(':') == colon) {
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (host.isEmpty()) {
            diag.alert(line.source(), "'log' : invalid address '" + line.word(1) + "'; write HOST[:PORT], tcp@HOST:PORT, "
                    + "a Unix socket path, stdout, stderr or fd@N");
            return null;
        }
        if (port == null) {
            if (tcp) {
                diag.alert(line.source(), "'log " + line.word(1) + "' : a TCP syslog address needs a port");
                return null;
            }
            return Address.inet(host, LogTarget.DEFAULT_UDP_PORT);
        }
        Integer p = Numbers.parse(diag, line, "log", port, 1, 65535);
        return p == null ? null : Address.inet(host, p);
    }

    private static LogTarget.Sample sample(Diagnostics diag, Source at, String value) {
        int colon = value.indexOf(':');
        try {
            int size = Integer.parseInt(value.substring(colon + 1));
            List<Integer> ranges = new ArrayList<>();
            for (String r : value.substring(0, colon).split(",")) {
                int dash = r.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? r : r.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(r.substring(dash + 1));
                if (from < 1 || to < from || to > size) {
                    throw new NumberFormatException();
                }
                ranges.add(from);
                ranges.add(to);
            }
            return new LogTarget.Sample(ranges, size);
        } catch (RuntimeException e) {
            diag.alert(at, "'log' : invalid sample '" + value + "'; write RANGES:SIZE, such as 1:10 or 1-2,5:10, "
                    + "ranks from 1 to SIZE");
            return null;
        }
    }

    /** A level by name, {@code otherwise} when absent; -1 after an alert. */
    private static int level(Diagnostics diag, Source at, String name, int otherwise) {
        if (name == null) {
            return otherwise;
        }
        int l = LogTarget.LEVELS.indexOf(name);
        if (l < 0) {
            diag.alert(at, "'log' : unknown optional log level '" + name + "'; expected one of "
                    + String.join(", ", LogTarget.LEVELS));
        }
        return l;
    }
}
