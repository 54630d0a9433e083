package dev.bascule.config.sample;

import java.util.ArrayList;
import java.util.List;

/**
 * A value written in HAProxy's log-format for a rule ({@code http-request set-header X-Host %[req.hdr(host),lower]}):
 * literal text and sample expressions, in order. Only {@code %[...]} and {@code %%} are read; HAProxy's other log
 * variables ({@code %ci}...) are refused with the sample to write instead.
 */
public record SampleFormat(List<Part> parts) {
    public sealed interface Part {
    }

    public record Literal(String text) implements Part {
    }

    public record Sample(SampleExpr expr) implements Part {
    }

    public SampleFormat {
        parts = List.copyOf(parts);
    }

    /** Whether it is one literal text (no sample to evaluate). */
    public boolean literal() {
        return parts.stream().allMatch(p -> p instanceof Literal);
    }

    public static SampleFormat parse(String text, SampleParser samples) throws SampleException {
        List<Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                lit.append(c);
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '%') {
                lit.append('%');
                i++;
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw new SampleException("missing ']' after '%[' in '" + text + "'");
                }
                if (lit.length() > 0) {
                    parts.add(new Literal(lit.toString()));
                    lit.setLength(0);
                }
                parts.add(new Sample(samples.parse(text.substring(i + 2, close))));
                i = close;
                continue;
            }
            throw new SampleException("log-format variable '" + text.substring(i, Math.min(text.length(), i + 3))
                    + "...' is not supported in rule values yet; write it as a sample, such as %[src] for %ci, or "
                    + "'%%' for a '%'");
        }
        if (lit.length() > 0 || parts.isEmpty()) {
            parts.add(new Literal(lit.toString()));
        }
        return new SampleFormat(parts);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Part p : parts) {
            b.append(p instanceof Literal l ? l.text().replace("%", "%%") : "%[" + ((Sample) p).expr() + "]");
        }
        return b.toString();
    }
}
