package dev.bascule.core.sample;

import dev.bascule.config.sample.Converter;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** A sample expression ready to run: its fetch, then its converters prepared once. */
public final class Expression {
    private final SampleExpr expr;
    private final UnaryOperator<Object>[] converters;

    @SuppressWarnings("unchecked")
    private Expression(SampleExpr expr) {
        this.expr = expr;
        this.converters = expr.converters().stream().map(Converters::of).toArray(UnaryOperator[]::new);
    }

    public static Expression of(SampleExpr expr) {
        return new Expression(expr);
    }

    public SampleType type() {
        return expr.output();
    }

    /** The expression's sample, or null when there is none. */
    public Object evaluate(SampleContext c) {
        return convert(Fetches.one(expr, c));
    }

    /** The sample as a string (an address in its usual form), or null. */
    public String text(SampleContext c) {
        Object v = evaluate(c);
        return v == null ? null : Casts.string(v);
    }

    /** The sample's bytes (an address's 4 or 16), or null: what {@code balance hash} hashes. */
    public byte[] bytes(SampleContext c) {
        Object v = evaluate(c);
        return v == null ? null : Casts.bytes(v);
    }

    /** Every sample, for an ACL: each value the fetch finds, converted; those a converter fails on left out. */
    List<Object> all(SampleContext c) {
        List<Object> out = new ArrayList<>();
        for (Object v : Fetches.all(expr, c)) {
            Object converted = convert(v);
            if (converted != null) {
                out.add(converted);
            }
        }
        return out;
    }

    private Object convert(Object v) {
        for (UnaryOperator<Object> c : converters) {
            if (v == null) {
                return null;
            }
            v = c.apply(v);
        }
        return v;
    }
}
