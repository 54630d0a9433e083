package dev.bascule.config.model;

import java.util.List;

/** A section Bascule parses but does not run yet ({@code resolvers}, {@code userlist}, {@code peers}, ...). */
public record OtherSection(String kind, String name, Source source, List<Directive> lines) {
    public OtherSection {
        lines = List.copyOf(lines);
    }
}
