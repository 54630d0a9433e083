package dev.bascule.core.sample;

import dev.bascule.config.model.VarAction;
import dev.bascule.config.sample.Converter;
import dev.bascule.config.sample.ConverterKeyword;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleParser;
import dev.bascule.config.sample.SampleType;
import dev.bascule.config.sample.VarName;

import java.util.function.UnaryOperator;

/** A sample expression ready to run: its fetch, then its converters prepared once. */
public final class Expression {
    /** One converter: most read the sample alone, the variable ones store into the context's variables. */
    private interface Step {
        Object apply(Object sample, SampleContext c);
    }

    private final SampleExpr expr;
    private final Step[] converters;
    /** The fetch may find several values (a header's, a cookie's): an ACL matches any of them. */
    private final boolean multiple;

    private Expression(SampleExpr expr) {
        this.expr = expr;
        this.multiple = Fetches.multiple(expr.fetch());
        this.converters = expr.converters().stream().map(Expression::step).toArray(Step[]::new);
    }

    /** {@code set-var} and {@code unset-var} give their sample on unchanged, whether they stored it or not. */
    private static Step step(Converter c) {
        switch (c.keyword()) {
            case SET_VAR, UNSET_VAR -> {
                VarName name = VarName.of(c.arg(0));
                VarAction.When[] when = c.args().subList(1, c.args().size()).stream()
                        .map(w -> VarAction.When.named(w.strip())).toArray(VarAction.When[]::new);
                boolean unset = c.keyword() == ConverterKeyword.UNSET_VAR;
                return (v, ctx) -> {
                    if (unset) {
                        Vars vars = ctx.vars(name.scope(), false);
                        if (vars != null) {
                            vars.unset(name.name());
                        }
                    } else {
                        VarEdit.store(ctx, name, when, v);
                    }
                    return v;
                };
            }
            case ADD, SUB, MUL, DIV, MOD, AND, OR, XOR -> {
                VarName operand = SampleParser.variableArgument(c.arg(0));
                if (operand != null) {
                    // The variable's integer, read at each evaluation; none (or not an integer) is no sample.
                    Converters.Op op = Converters.operation(c.keyword());
                    return (v, ctx) -> {
                        Long a = Casts.integer(Casts.to(SampleType.SINT, v));
                        Vars vars = ctx.vars(operand.scope(), false);
                        Long b = vars == null ? null : Casts.integer(vars.get(operand.name()));
                        return a == null || b == null ? null : op.apply(a, b);
                    };
                }
                return plain(c);
            }
            default -> {
                return plain(c);
            }
        }
    }

    private static Step plain(Converter c) {
        UnaryOperator<Object> f = Converters.of(c);
        return (v, ctx) -> f.apply(v);
    }

    public static Expression of(SampleExpr expr) {
        return new Expression(expr);
    }

    public SampleType type() {
        return expr.output();
    }

    /** The expression's sample, or null when there is none. */
    public Object evaluate(SampleContext c) {
        return convert(Fetches.one(expr, c), c);
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

    /**
     * The index of the first pattern of {@code m} that a sample matches, for an ACL: each value the fetch finds,
     * converted (those a converter fails on left out), tried in order; -1 when none does.
     */
    int match(PatternMatcher m, SampleContext c) {
        if (!multiple) {
            Object v = evaluate(c);
            return v == null ? -1 : m.indexOf(v);
        }
        for (Object v : Fetches.all(expr, c)) {
            Object converted = convert(v, c);
            int i = converted == null ? -1 : m.indexOf(converted);
            if (i >= 0) {
                return i;
            }
        }
        return -1;
    }

    private Object convert(Object v, SampleContext c) {
        for (Step s : converters) {
            if (v == null) {
                return null;
            }
            v = s.apply(v, c);
        }
        return v;
    }
}
