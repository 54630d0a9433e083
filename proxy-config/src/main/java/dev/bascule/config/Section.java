package dev.bascule.config;

/** A section being parsed: it receives its keyword lines, then is told it has ended. */
interface Section {
    void keyword(Line line);

    default void end() {
    }
}
