package dev.bascule.core.sample;

import dev.bascule.config.model.VarAction;
import dev.bascule.config.sample.VarName;

/**
 * A rule's {@code set-var}, {@code set-var-fmt} or {@code unset-var} ready to run (HAProxy's {@code action_store},
 * {@code action_clear}); the {@code set-var} converter stores through {@link #store} too. A variable whose scope the
 * rule has not (a transaction's at {@code tcp-request connection}, the request's once the response is processed) is
 * left alone, as in HAProxy.
 */
public final class VarEdit {
    private final VarAction.Op op;
    private final VarName var;
    private final Expression expr;
    private final Format format;
    private final VarAction.When[] when;

    private VarEdit(VarAction a) {
        this.op = a.op();
        this.var = a.var();
        this.expr = a.expr() == null ? null : Expression.of(a.expr());
        this.format = a.format() == null ? null : Format.of(a.format());
        this.when = a.when().toArray(VarAction.When[]::new);
    }

    public static VarEdit of(VarAction a) {
        return new VarEdit(a);
    }

    public void apply(SampleContext c) {
        switch (op) {
            case UNSET -> {
                Vars v = c.vars(var.scope(), false);
                if (v != null) {
                    v.unset(var.name());
                }
            }
            // A fetch that finds nothing stores nothing: the variable keeps what it had.
            case SET -> {
                Object value = expr.evaluate(c);
                if (value != null) {
                    store(c, var, when, value);
                }
            }
            case SET_FMT -> store(c, var, when, format.evaluate(c));
        }
    }

    /** Stores {@code value} when every condition holds. */
    static void store(SampleContext c, VarName var, VarAction.When[] when, Object value) {
        Vars v = c.vars(var.scope(), true);
        if (v == null) {
            return;
        }
        Object old = v.get(var.name());
        for (VarAction.When w : when) {
            if (!holds(w, old, value)) {
                return;
            }
        }
        v.set(var.name(), value);
    }

    /** HAProxy's set-var conditions; a variable exists exactly while it is set (unset-var removes it). */
    private static boolean holds(VarAction.When w, Object old, Object value) {
        return switch (w) {
            case IFEXISTS, IFSET -> old != null;
            case IFNOTEXISTS, IFNOTSET -> old == null;
            // Scalars are never empty.
            case IFEMPTY -> empty(value);
            case IFNOTEMPTY -> !empty(value);
            // Only two integers compare; otherwise the condition holds.
            case IFGT -> !(old instanceof Long o && value instanceof Long n) || o > n;
            case IFLT -> !(old instanceof Long o && value instanceof Long n) || o < n;
        };
    }

    private static boolean empty(Object value) {
        return value instanceof String s ? s.isEmpty() : value instanceof byte[] b && b.length == 0;
    }
}
