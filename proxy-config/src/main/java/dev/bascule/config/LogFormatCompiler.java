package dev.bascule.config;

import dev.bascule.config.model.LogFormat;
import dev.bascule.config.model.LogFormat.Node;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleParser;

import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a {@code log-format} string (doc section 8.2.4) once, when the file is read: {@code %%} is a percent
 * sign, {@code %var} and {@code %{flags}var} a variable, spaces separate (several count as one), the rest is
 * text. {@code %{+Q}o} sets flags for the variables after it. {@code %[expr]} is a sample expression; in a line
 * written once the request head is gone, one that reads the head is refused, as HAProxy refuses it.
 */
final class LogFormatCompiler {
    /** First: the predefined formats below compile samples with it. */
    private static final SampleParser SAMPLES = new SampleParser(PatternFiles.DISK);

    static final LogFormat HTTPLOG = predefined(LogFormat.HTTPLOG);
    static final LogFormat HTTPSLOG = predefined(LogFormat.HTTPSLOG);
    static final LogFormat CLF = predefined(LogFormat.CLF);
    static final LogFormat TCPLOG = predefined(LogFormat.TCPLOG);
    static final LogFormat SD_NONE = predefined(LogFormat.SD_NONE);

    /** When a format is rendered: what its samples may read. */
    enum When {
        /** A log line: the stream has ended, its request head is gone. */
        LOG,
        /** {@code unique-id-format}: made while the request head is there. */
        REQUEST
    }

    private LogFormatCompiler() {
    }

    /** Why a format string cannot be compiled. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** The one argument of {@code log-format}, {@code log-format-sd} or {@code unique-id-format}; null after an alert. */
    static LogFormat compileArgument(Diagnostics diag, Line line, When when) {
        if (line.size() > 2) {
            diag.alert(line.source(), line.keyword() + " expects only one argument, don't forget to escape spaces!");
            return null;
        }
        try {
            return compile(line.word(1), when);
        } catch (Invalid e) {
            diag.alert(line.source(), "failed to parse " + line.keyword() + " : " + e.getMessage());
            return null;
        }
    }

    private static LogFormat predefined(String text) {
        try {
            return compile(text, When.LOG);
        } catch (Invalid e) {
            throw new IllegalStateException(text, e);
        }
    }

    static LogFormat compile(String text, When when) throws Invalid {
        List<Node> nodes = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int defaults = 0;
        for (int i = 0; i < text.length(); ) {
            char c = text.charAt(i);
            if (c == ' ') {
                flush(literal, nodes);
                if (!nodes.isEmpty() && !(nodes.get(nodes.size() - 1) instanceof LogFormat.Separator)) {
                    nodes.add(new LogFormat.Separator());
                }
                i++;
                continue;
            }
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '%') {
                literal.append('%');
                i += 2;
                continue;
            }
            int at = i + 1;
            String flags = null;
            if (at < text.length() && text.charAt(at) == '{') {
                int close = text.indexOf('}', at);
                if (close < 0) {
                    throw new Invalid("missing '}' after '%{' at position " + i);
                }
                flags = text.substring(at + 1, close);
                at = close + 1;
            }
            if (at < text.length() && text.charAt(at) == '[') {
                int close = sampleEnd(text, at + 1);
                if (close < 0) {
                    throw new Invalid("missing ']' after '%[' at position " + i);
                }
                flush(literal, nodes);
                nodes.add(new LogFormat.Sample(sample(text.substring(at + 1, close), when), flags(flags, defaults)));
                i = close + 1;
                continue;
            }
            int end = at;
            while (end < text.length() && Character.isLetter(text.charAt(end))) {
                end++;
            }
            String name = text.substring(at, end);
            LogFormat.Variable v = LogFormat.Variable.named(name);
            if (v == null) {
                throw new Invalid(name.isEmpty() ? "a '%' must be followed by a variable name at position " + i
                        + ". If you wanted to emit the '%' character verbatim, you need to use '%%'."
                        : "no such format variable '" + name + "'. If you wanted to emit the '%' character verbatim, "
                        + "you need to use '%%'.");
            }
            int own = flags(flags, defaults);
            if (v == LogFormat.Variable.OPTION) {
                defaults = own;
            } else {
                flush(literal, nodes);
                nodes.add(new LogFormat.Var(v, own));
            }
            i = end;
        }
        flush(literal, nodes);
        return new LogFormat(text, nodes);
    }

    private static SampleExpr sample(String text, When when) throws Invalid {
        SampleExpr expr;
        try {
            expr = SAMPLES.parse(text);
        } catch (SampleException e) {
            throw new Invalid("failed to parse sample expression <" + text + "> : " + e.getMessage());
        }
        if (when == When.LOG && expr.needsRequestHead()) {
            throw new Invalid("sample fetch <" + text + "> may not be reliably used here because it needs 'HTTP "
                    + "request headers' which is not available here; log %HU, %HP or %HQ for the URI, its path or "
                    + "its query, or a header with 'capture request header NAME len N' and %hr");
        }
        return expr;
    }

    /** Where a {@code %[...]} starting at {@code from} ends: its first ']' outside parentheses, or -1. */
    private static int sampleEnd(String text, int from) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ']' && depth <= 0) {
                return i;
            }
        }
        return -1;
    }

    /** {@code +Q-X...} applied to {@code base}. */
    private static int flags(String written, int base) throws Invalid {
        if (written == null) {
            return base;
        }
        int flags = base;
        for (int i = 0; i < written.length(); i += 2) {
            char sign = written.charAt(i);
            char name = i + 1 < written.length() ? written.charAt(i + 1) : ' ';
            int bit = switch (name) {
                case 'Q' -> LogFormat.QUOTE;
                case 'X' -> LogFormat.HEX;
                case 'E' -> LogFormat.ESCAPE;
                default -> 0;
            };
            if (bit == 0 || sign != '+' && sign != '-') {
                throw new Invalid("unknown flag '" + written.substring(i, Math.min(i + 2, written.length()))
                        + "' in '%{" + written + "}'; expected +Q, -Q, +X, -X, +E or -E");
            }
            flags = sign == '+' ? flags | bit : flags & ~bit;
        }
        return flags;
    }

    private static void flush(StringBuilder literal, List<Node> nodes) {
        if (!literal.isEmpty()) {
            nodes.add(new LogFormat.Literal(literal.toString()));
            literal.setLength(0);
        }
    }
}
