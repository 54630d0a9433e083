package dev.bascule.core.sample;

import java.util.List;

/** The header lines of a message head, read-only: what the header fetches of both directions read. */
public interface HeaderView {
    /** The values of the header lines named {@code name} (any case), in order, each whole; empty when none. */
    List<String> headerLines(String name);

    /** The header names, one per line, as written. */
    List<String> headerNames();
}
