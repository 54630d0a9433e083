package dev.bascule.config;

import java.util.function.BiConsumer;

/**
 * One keyword of a section, as a row of its table: the name (one word, or two for a family such as
 * {@code option httplog}), the proxy sections that accept it (letters D F L B for defaults, frontend, listen,
 * backend; empty elsewhere), what Bascule does with it, HAProxy's doc/configuration.txt section, the fewest
 * arguments it takes and how to write them, and the handler that reads it.
 */
record Keyword<S>(String name, String sections, Support support, String doc, int minArgs, String usage,
                  BiConsumer<S, Line> handler) {

    /** How many words the name takes on a line. */
    int nameWords() {
        return name.indexOf(' ') < 0 ? 1 : 2;
    }

    /** The alert for a line giving fewer arguments than this keyword needs, or null when it gives enough. */
    String missingArguments(Line line, String written) {
        if (line.size() - nameWords() >= minArgs) {
            return null;
        }
        return "'" + written + "' expects " + usage + " as argument" + (minArgs > 1 ? "s" : "");
    }

    boolean allows(char section) {
        return sections.indexOf(section) >= 0;
    }

    /** Frontend-side only: accepted in frontend sections but not in backends. */
    boolean frontendOnly() {
        return allows('F') && !allows('B');
    }

    boolean backendOnly() {
        return allows('B') && !allows('F');
    }
}
