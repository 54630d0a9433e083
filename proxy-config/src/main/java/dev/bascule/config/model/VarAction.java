package dev.bascule.config.model;

import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleFormat;
import dev.bascule.config.sample.VarName;

import java.util.List;
import java.util.Locale;

/**
 * A rule's {@code set-var(<name>[,<cond>...]) <expr>}, {@code set-var-fmt(<name>[,<cond>...]) <fmt>} or
 * {@code unset-var(<name>)} (doc section 4.2, HAProxy's {@code action_store}, {@code action_clear}).
 *
 * @param expr   the sample stored by {@code set-var} (kept with its type), else null
 * @param format the text stored by {@code set-var-fmt}, else null
 * @param when   the conditions that must all hold for the value to be stored (none for {@code unset-var})
 */
public record VarAction(Op op, VarName var, SampleExpr expr, SampleFormat format, List<When> when) {
    public enum Op { SET, SET_FMT, UNSET }

    /** The set-var conditions of HAProxy 2.6 (the {@code set-var} converter's list). */
    public enum When {
        IFEXISTS, IFNOTEXISTS, IFEMPTY, IFNOTEMPTY, IFSET, IFNOTSET, IFGT, IFLT;

        /** The condition written {@code word}, or null. */
        public static When named(String word) {
            for (When w : values()) {
                if (w.name().toLowerCase(Locale.ROOT).equals(word)) {
                    return w;
                }
            }
            return null;
        }
    }

    public VarAction {
        when = List.copyOf(when);
    }
}
