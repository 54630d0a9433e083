package dev.bascule.core.sample;

import dev.bascule.config.sample.SampleFormat;

/** A rule's value ready to run: its literal text and its samples, joined (a missing sample is empty, as in HAProxy). */
public final class Format {
    private final String literal;
    private final Object[] parts;

    private Format(SampleFormat model) {
        this.literal = model.literal() ? ((SampleFormat.Literal) model.parts().get(0)).text() : null;
        this.parts = model.parts().stream().map(p -> p instanceof SampleFormat.Literal l ? l.text()
                : Expression.of(((SampleFormat.Sample) p).expr())).toArray();
    }

    public static Format of(SampleFormat model) {
        return new Format(model);
    }

    public String evaluate(SampleContext c) {
        if (literal != null) {
            return literal;
        }
        StringBuilder b = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                b.append(s);
            } else {
                String v = ((Expression) p).text(c);
                if (v != null) {
                    b.append(v);
                }
            }
        }
        return b.toString();
    }
}
