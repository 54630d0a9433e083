package dev.bascule.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A section's keywords: lookup of one- and two-word names, suggestions for typos, rows for the docs. */
final class KeywordTable<S> {
    private final String section;
    private final Map<String, Keyword<S>> byName = new LinkedHashMap<>();
    private final Set<String> families = new TreeSet<>();

    KeywordTable(String section, List<Keyword<S>> keywords) {
        this.section = section;
        for (Keyword<S> k : keywords) {
            if (byName.put(k.name(), k) != null) {
                throw new IllegalStateException("keyword '" + k.name() + "' listed twice for " + section);
            }
            if (k.nameWords() == 2) {
                families.add(k.name().substring(0, k.name().indexOf(' ')));
            }
        }
    }

    String section() {
        return section;
    }

    /** The keyword a line starts with, or null when there is none of that name. */
    Keyword<S> find(Line line) {
        String first = line.keyword();
        if (families.contains(first) && line.word(1) != null) {
            Keyword<S> two = byName.get(first + " " + line.word(1));
            if (two != null) {
                return two;
            }
        }
        Keyword<S> one = byName.get(first);
        // A quoted "timeout connect" is one word, which no keyword is.
        return one != null && one.nameWords() == 1 ? one : null;
    }

    boolean isFamily(String word) {
        return families.contains(word);
    }

    /** The alert for a line whose keyword is unknown, with the nearest known keyword as the fix. */
    String unknown(Line line, String inSection) {
        String first = line.keyword();
        if (families.contains(first) && line.word(1) == null) {
            return "'" + first + "' expects one of: " + String.join(", ", byName.keySet().stream()
                    .filter(n -> n.startsWith(first + " ")).map(n -> n.substring(first.length() + 1)).sorted().toList());
        }
        String written = families.contains(first) && line.word(1) != null ? first + " " + line.word(1) : first;
        Collection<String> candidates = families.contains(first)
                ? byName.keySet().stream().filter(n -> n.startsWith(first + " ")).toList()
                : byName.keySet().stream().map(n -> n.split(" ")[0]).distinct().toList();
        String near = nearest(written, candidates);
        return "unknown keyword '" + written + "' in '" + inSection + "' section"
                + (near == null ? "" : "; did you mean '" + near + "' maybe ?");
    }

    List<Keyword<S>> keywords() {
        return new ArrayList<>(byName.values());
    }

    /** The known word nearest to {@code word}, when it is close enough to be a likely typo. */
    static String nearest(String word, Collection<String> known) {
        return Nearest.to(word, known);
    }
}
