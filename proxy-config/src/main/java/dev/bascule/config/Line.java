package dev.bascule.config;

import dev.bascule.config.model.Source;

import java.util.List;

/** One meaningful config line: where it is and its words after quoting, escapes and variables. */
record Line(Source source, List<String> words) {
    String keyword() {
        return words.get(0);
    }

    /** The i-th word, or null past the end. */
    String word(int i) {
        return i < words.size() ? words.get(i) : null;
    }

    int size() {
        return words.size();
    }
}
