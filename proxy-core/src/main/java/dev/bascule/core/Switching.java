package dev.bascule.core;

import dev.bascule.config.model.SwitchingRule;
import dev.bascule.core.sample.Condition;
import dev.bascule.core.sample.Expression;
import dev.bascule.core.sample.SampleContext;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A frontend's {@code use_backend} rules ready to run (HAProxy's {@code process_switching_rules}): the first rule
 * whose condition holds gives the backend, a named one or one whose name a sample builds (skipped when no backend has
 * that name, as in HAProxy); none does, the default backend. Evaluated once per HTTP request and at the start of a
 * TCP session.
 */
public final class Switching {
    private record Rule(Condition condition, BackendState named, Expression dynamic, String prefix, String suffix) {
    }

    private final Rule[] rules;
    private final BackendState fallback;
    private final Map<String, BackendState> backends;

    private Switching(Rule[] rules, BackendState fallback, Map<String, BackendState> backends) {
        this.rules = rules;
        this.fallback = fallback;
        this.backends = backends;
    }

    /**
     * @param fallback the default backend, or null
     * @param backends the generation's backends by name (the parser checked the named ones exist)
     */
    static Switching of(List<SwitchingRule> rules, BackendState fallback, Map<String, BackendState> backends) {
        Rule[] compiled = rules.stream().map(r -> new Rule(Condition.of(r.condition()),
                r.dynamic() == null ? backends.get(r.backend()) : null,
                r.dynamic() == null ? null : Expression.of(r.dynamic()), r.prefix(), r.suffix())).toArray(Rule[]::new);
        return new Switching(compiled, fallback, backends);
    }

    /** Every backend a request may be sent to: the default, those named, and any other when a name is built. */
    public Collection<BackendState> targets() {
        Set<BackendState> out = Collections.newSetFromMap(new IdentityHashMap<>());
        if (fallback != null) {
            out.add(fallback);
        }
        for (Rule r : rules) {
            if (r.named != null) {
                out.add(r.named);
            } else {
                out.addAll(backends.values());
            }
        }
        return out;
    }

    /** Whether there are rules at all: without, every request goes to the default backend. */
    public boolean hasRules() {
        return rules.length > 0;
    }

    public BackendState fallback() {
        return fallback;
    }

    /** The generation's backend called {@code name}, or null (for the fetches that name one). */
    public BackendState backend(String name) {
        return backends.get(name);
    }

    /** The backend this request or session goes to, or null when there is none. */
    public BackendState choose(SampleContext c) {
        for (Rule r : rules) {
            if (!r.condition.holds(c)) {
                continue;
            }
            if (r.dynamic == null) {
                return r.named;
            }
            String name = r.dynamic.text(c);
            BackendState b = name == null ? null : backends.get(r.prefix + name + r.suffix);
            if (b != null) {
                return b;
            }
        }
        return fallback;
    }
}
