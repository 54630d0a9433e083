package dev.bascule.core.log;

import dev.bascule.config.model.LogFormat;
import dev.bascule.config.model.LogFormat.Var;
import dev.bascule.config.model.LogFormat.Written;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.core.BackendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.sample.Expression;
import dev.bascule.core.sample.RequestView;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.stream.Termination;
import io.netty.util.concurrent.FastThreadLocal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Writes a log-format line for an ended stream, as HAProxy's {@code build_logline} does (doc section 8.2.4): a
 * text that is empty is {@code -} ({@code ""} when quoted), a timer that did not run is {@code -1}, a separator is
 * written only after something that was not, and request lines and captures have their unsafe bytes written
 * {@code #XX}. One instance per event loop: the builder and the dates are reused from line to line.
 */
final class LogLine {
    private static final FastThreadLocal<LogLine> LINES = new FastThreadLocal<>() {
        @Override
        protected LogLine initialValue() {
            return new LogLine();
        }
    };
    /** HAProxy's URL encoding map in logs: {@code "} and {@code #}, and what is not printable. */
    private static final boolean[] URL_UNSAFE = unsafe("\"#");
    /** Its header encoding map (captures): also the braces and the bar that delimit {@code %hr}. */
    private static final boolean[] HEADER_UNSAFE = unsafe("\"#{|}");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final String BADREQ = "<BADREQ>";

    final StringBuilder out = new StringBuilder(256);
    final Dates dates = new Dates();
    /** The formats' sample expressions, made ready to run once per event loop. */
    private final Map<SampleExpr, Expression> expressions = new IdentityHashMap<>();
    /** Whether the last thing written was a space, or nothing: a separator is then left out. */
    private boolean lastWasSpace;

    /** This event loop's builder. */
    static LogLine current() {
        return LINES.get();
    }

    /**
     * What a line needs beyond its stream: the process's figures when it is written.
     *
     * @param logAsap {@code option logasap}: the total times and the bytes may be partial, marked {@code +} (on
     *                every line of the frontend, as HAProxy marks them)
     * @param request the request head while it is there (a unique id), null for a log line
     */
    record Context(int processConnections, long requestId, long lineNumber, String hostname, long pid,
                   CharSequence uniqueId, boolean logAsap, RequestView request) {
    }

    /** Appends {@code format} for {@code s} to {@link #out}. */
    void render(LogFormat format, Stream s, Context c) {
        lastWasSpace = true;
        for (LogFormat.Node n : format.nodes()) {
            if (n instanceof LogFormat.Literal l) {
                out.append(l.text());
                lastWasSpace = l.text().endsWith(" ");
            } else if (n instanceof LogFormat.Separator) {
                if (!lastWasSpace) {
                    out.append(' ');
                    lastWasSpace = true;
                }
            } else if (n instanceof LogFormat.Sample sample) {
                Expression e = expressions.computeIfAbsent(sample.expr(), Expression::of);
                text(sample, e.text(SampleContext.of(s, c.request(), SampleContext.NO_BACKENDS)), false);
                lastWasSpace = false;
            } else {
                Var v = (Var) n;
                if (variable(v, s, c)) {
                    lastWasSpace = false;
                }
            }
        }
    }

    /** @return whether something was written (the captures' lists write nothing when there are none) */
    private boolean variable(Var v, Stream s, Context c) {
        BackendState backend = s.backend();
        ServerState server = s.server();
        switch (v.variable()) {
            case CI -> address(v, s.clientAddress());
            case CP -> port(v, s.clientAddress());
            case FI -> address(v, s.frontendAddress());
            case FP -> port(v, s.frontendAddress());
            case BI -> address(v, s.serverSource());
            case BP -> port(v, s.serverSource());
            // A connection without TLS writes -, as HAProxy's does.
            case SSLC -> text(v, s.tls() == null ? null : s.tls().cipher(), false);
            case SSLV -> text(v, s.tls() == null ? null : s.tls().protocol(), false);
            case CC -> text(v, s.requestCookie(), false);
            case CS -> text(v, s.responseCookie(), false);
            case SI -> address(v, server == null ? null : server.socketAddress(s.frontendAddress()));
            case SP -> port(v, server == null ? null : server.socketAddress(s.frontendAddress()));
            case FRONTEND -> text(v, s.frontend().name(), false);
            // HAProxy marks a frontend reached over TLS with '~'.
            case FT -> text(v, s.tls() == null ? s.frontend().name() : s.frontend().name() + "~", false);
            case BACKEND -> text(v, backend != null ? backend.name() : s.frontend().name(), false);
            case SERVER -> text(v, server != null ? server.name() : "<NOSRV>", false);
            case H -> text(v, c.hostname(), false);
            case ID -> text(v, c.uniqueId(), false);
            case ST -> number(v, s.status() == 0 ? -1 : s.status());
            case B -> partial(v, c, s.loggedBytesOut());
            case U -> number(v, s.loggedBytesIn());
            case TH -> number(v, 0);
            case TI -> number(v, s.idleMillis());
            case TREQUEST -> number(v, s.requestMillis());
            case TQ -> number(v, sum(s.idleMillis(), s.requestMillis()));
            case TW -> number(v, s.queueMillis());
            case TC -> number(v, s.connectMillis());
            case TRESPONSE -> number(v, s.responseMillis());
            case TA -> partial(v, c, s.activeMillis());
            case TT -> partial(v, c, s.totalMillis());
            case TU -> partial(v, c, s.totalMillis() < 0 || s.idleMillis() < 0 ? -1 : s.totalMillis() - s.idleMillis());
            case TD -> number(v, dataMillis(s));
            case AC -> number(v, c.processConnections());
            case FC -> number(v, s.frontend().sessionsCurrent());
            case BC -> number(v, backend == null ? 0 : backend.servers().stream()
                    .mapToInt(ServerState::currentSessions).sum());
            case SC -> number(v, server == null ? 0 : server.currentSessions());
            case RC -> {
                if (s.wasRedispatched()) {
                    out.append('+');
                }
                number(v, s.retries());
            }
            case SQ -> number(v, s.serverQueuePosition());
            case BQ -> number(v, s.backendQueuePosition());
            case LC -> number(v, c.lineNumber());
            case RT -> number(v, c.requestId());
            case PID -> number(v, c.pid());
            case TS -> termination(s, false);
            case TSC -> termination(s, true);
            case ACCEPT_DATE -> dates.haproxy(out, s.startMillis());
            case TR_DATE -> dates.haproxy(out, requestMillis(s));
            case TR_GMT -> dates.gmt(out, requestMillis(s));
            case TR_LOCAL -> dates.localWithZone(out, requestMillis(s));
            case T -> dates.gmt(out, s.startMillis());
            case TL -> dates.localWithZone(out, s.startMillis());
            case TS_EPOCH -> number(v, s.startMillis() / 1000);
            case MS -> {
                if (v.hex()) {
                    number(v, s.startMillis() % 1000);
                } else {
                    Dates.pad(out, (int) (s.startMillis() % 1000), 3);
                }
            }
            case HM -> requestPart(v, s, s.method());
            case HU -> requestPart(v, s, s.uri());
            case HP -> requestPart(v, s, s.uri() == null ? null : path(s.uri()));
            case HQ -> requestPart(v, s, s.uri() == null ? null : query(s.uri()));
            case HV -> requestPart(v, s, s.version());
            case R -> request(v, s);
            case HR, HRL -> {
                // Captures belong to HAProxy's stream, which a head that never came whole or valid did not get (a TCP
                // session's has those its content rules captured).
                return (s.method() != null || s.requestCaptures() != null) && captures(v, s.frontend().config().log().requestCaptures().size(),
                        s.requestCaptures(), v.variable() == LogFormat.Variable.HR);
            }
            case HS, HSL -> {
                return s.method() != null && captures(v, s.frontend().config().log().responseCaptures().size(),
                        s.responseCaptures(), v.variable() == LogFormat.Variable.HS);
            }
            case OPTION -> {
                return false;
            }
        }
        return true;
    }

    /** A total time or byte count, {@code +} before it with {@code option logasap}. */
    private void partial(Var v, Context c, long n) {
        if (c.logAsap()) {
            out.append('+');
        }
        number(v, n);
    }

    private static long requestMillis(Stream s) {
        long idle = s.idleMillis();
        return s.startMillis() + Math.max(idle, 0);
    }

    private static long sum(long a, long b) {
        return a < 0 || b < 0 ? -1 : a + b;
    }

    /** {@code %Td}: {@code %Tt} less the request, queue, connect and response times; -1 if one did not run. */
    private static long dataMillis(Stream s) {
        long[] parts = {s.idleMillis(), s.requestMillis(), s.queueMillis(), s.connectMillis(), s.responseMillis()};
        long left = s.totalMillis();
        for (long p : parts) {
            if (p < 0) {
                return -1;
            }
            left -= p;
        }
        return left < 0 ? -1 : left;
    }

    /**
     * A part of the request line ({@code %HM %HU %HP %HQ %HV}), written as it is, even empty (a query that is not
     * there); {@code <BADREQ>} when no request line could be read (in TCP mode too, as HAProxy writes it).
     */
    private void requestPart(Var v, Stream s, String part) {
        if (v.quoted()) {
            out.append('"');
        }
        encoded(s.method() == null ? BADREQ : part, URL_UNSAFE, v.escaped());
        if (v.quoted()) {
            out.append('"');
        }
    }

    /** {@code %r}: the request line, {@code <BADREQ>} when none could be read (in TCP mode too). */
    private void request(Var v, Stream s) {
        if (s.method() == null) {
            text(v, BADREQ, false);
            return;
        }
        if (v.quoted()) {
            out.append('"');
        }
        encoded(s.method(), URL_UNSAFE, v.escaped());
        out.append(' ');
        encoded(s.uri(), URL_UNSAFE, v.escaped());
        out.append(' ');
        encoded(s.version(), URL_UNSAFE, v.escaped());
        if (v.quoted()) {
            out.append('"');
        }
    }

    /** {@code %hr} ({@code {a|b}}) or {@code %hrl} ({@code a b}, each a text): nothing without captures. */
    private boolean captures(Var v, int configured, String[] values, boolean braced) {
        if (configured == 0) {
            return false;
        }
        if (braced) {
            if (v.quoted()) {
                out.append('"');
            }
            out.append('{');
            for (int i = 0; i < configured; i++) {
                if (i > 0) {
                    out.append('|');
                }
                String value = values == null ? null : values[i];
                if (value != null) {
                    encoded(value, HEADER_UNSAFE, v.escaped());
                }
            }
            out.append('}');
            if (v.quoted()) {
                out.append('"');
            }
            return true;
        }
        for (int i = 0; i < configured; i++) {
            if (i > 0) {
                out.append(' ');
            }
            String value = values == null ? null : values[i];
            if (value == null || value.isEmpty()) {
                out.append(v.quoted() ? "\"\"" : "-");
            } else {
                if (v.quoted()) {
                    out.append('"');
                }
                encoded(value, HEADER_UNSAFE, v.escaped());
                if (v.quoted()) {
                    out.append('"');
                }
            }
        }
        return true;
    }

    private void termination(Stream s, boolean withCookie) {
        Termination t = s.termination();
        out.append(t == null ? '-' : t.cause().letter).append(t == null ? '-' : t.phase().letter);
        if (withCookie) {
            out.append(s.requestCookieState()).append(s.responseCookieState());
        }
    }

    /** A text: {@code -} when absent, quoted with +Q, escaped with +E, its unsafe bytes encoded when asked. */
    private void text(Written v, CharSequence value, boolean encode) {
        if (value == null || value.isEmpty()) {
            out.append(v.quoted() ? "\"\"" : "-");
            return;
        }
        if (v.quoted()) {
            out.append('"');
        }
        if (encode) {
            encoded(value, URL_UNSAFE, v.escaped());
        } else if (v.escaped()) {
            encoded(value, null, true);
        } else {
            out.append(value);
        }
        if (v.quoted()) {
            out.append('"');
        }
    }

    private void encoded(CharSequence value, boolean[] unsafe, boolean escape) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (unsafe != null && (ch >= 128 || unsafe[ch])) {
                out.append('#').append(HEX[(ch >> 4) & 0xF]).append(HEX[ch & 0xF]);
            } else if (escape && (ch == '"' || ch == '\\' || ch == ']')) {
                out.append('\\').append(ch);
            } else {
                out.append(ch);
            }
        }
    }

    private void number(Var v, long n) {
        if (v.hex() && n >= 0) {
            String h = Long.toHexString(n).toUpperCase(java.util.Locale.ROOT);
            for (int i = h.length(); i < 4; i++) {
                out.append('0');
            }
            out.append(h);
        } else {
            out.append(n);
        }
    }

    private void address(Var v, SocketAddress a) {
        if (!(a instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            text(v, a == null ? null : "unix", false);
            return;
        }
        InetAddress ip = inet.getAddress();
        if (v.hex()) {
            for (byte b : ip.getAddress()) {
                out.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            return;
        }
        if (v.quoted()) {
            out.append('"');
        }
        out.append(io.netty.util.NetUtil.toAddressString(ip));
        if (v.quoted()) {
            out.append('"');
        }
    }

    private void port(Var v, SocketAddress a) {
        if (!(a instanceof InetSocketAddress inet)) {
            text(v, null, false);
            return;
        }
        number(v, inet.getPort());
    }

    private static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static String query(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q);
    }

    private static boolean[] unsafe(String also) {
        boolean[] map = new boolean[128];
        for (int c = 0; c < 32; c++) {
            map[c] = true;
        }
        map[127] = true;
        for (char c : also.toCharArray()) {
            map[c] = true;
        }
        return map;
    }
}
