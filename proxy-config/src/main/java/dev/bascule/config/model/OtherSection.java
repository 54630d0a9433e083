package dev.bascule.config.model;

import java.util.List;

/** A section Bascule parses but does not run yet ({@code userlist}, {@code peers}, {@code cache}, ...). */
public record OtherSection(String kind, String name, Source source, List<Directive> lines) {
    public OtherSection {
        lines = List.copyOf(lines);
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
