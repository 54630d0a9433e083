package dev.bascule.config.model;

import java.util.List;

/**
 * A keyword line that Bascule parses but does not act upon yet, kept in the model so nothing is dropped
 * silently and later work has it at hand. {@code keyword} is the keyword as named in the docs
 * ({@code option httplog}), {@code args} what follows it.
 */
public record Directive(String keyword, List<String> args, Source source) {
    public Directive {
        args = List.copyOf(args);
    }

    /** Positions are not part of a model's identity: see {@link Values}. */
    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }
}
