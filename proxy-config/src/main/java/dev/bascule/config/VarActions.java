package dev.bascule.config;

import dev.bascule.config.model.VarAction;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleFormat;
import dev.bascule.config.sample.SampleParser;
import dev.bascule.config.sample.VarName;

import java.util.ArrayList;
import java.util.List;

/**
 * The variable actions {@code http-request}, {@code http-response} and {@code tcp-request} rules share:
 * {@code set-var(<name>[,<cond>...]) <expr>}, {@code set-var-fmt(<name>[,<cond>...]) <fmt>},
 * {@code unset-var(<name>)}. The name is in the action's word, the value is the one word after it.
 */
final class VarActions {
    private VarActions() {
    }

    /** The action of a rule's word: {@code set-var} for {@code set-var(txn.x)}; other words as they are. */
    static String actionName(String word) {
        int paren = word.indexOf('(');
        return paren > 0 && word.endsWith(")") ? word.substring(0, paren) : word;
    }

    static boolean isVarAction(String word) {
        return switch (actionName(word)) {
            case "set-var", "set-var-fmt", "unset-var" -> word.endsWith(")");
            default -> false;
        };
    }

    /**
     * @param word the action's word, such as {@code set-var(txn.x,ifnotempty)}
     * @param args the words between it and the condition
     */
    static VarAction parse(String word, List<String> args, SampleParser samples) throws SampleException {
        String action = actionName(word);
        String[] inside = word.substring(action.length() + 1, word.length() - 1).split(",", -1);
        VarName name = VarName.parse(inside[0].strip());
        List<VarAction.When> when = new ArrayList<>();
        for (int i = 1; i < inside.length; i++) {
            VarAction.When w = VarAction.When.named(inside[i].strip());
            if (w == null || action.equals("unset-var")) {
                throw new SampleException("unknown condition \"" + inside[i].strip() + "\".");
            }
            when.add(w);
        }
        int expected = action.equals("unset-var") ? 0 : 1;
        if (args.size() > expected) {
            throw new SampleException("expects either 'if' or 'unless' followed by a condition but found '"
                    + args.get(expected) + "'");
        }
        if (args.size() < expected) {
            throw new SampleException("expects " + (action.equals("set-var") ? "a sample expression, as in '"
                    + word + " req.hdr(host)'" : "a log-format value, as in '" + word + " %[src]:%[src_port]'"));
        }
        return switch (action) {
            case "set-var" -> new VarAction(VarAction.Op.SET, name, samples.parse(args.get(0)), null, when);
            case "set-var-fmt" -> new VarAction(VarAction.Op.SET_FMT, name, null,
                    SampleFormat.parse(args.get(0), samples), when);
            default -> new VarAction(VarAction.Op.UNSET, name, null, null, List.of());
        };
    }
}
