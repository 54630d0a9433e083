package dev.bascule.config.sample;

import java.util.Locale;

/** How an ACL compares a sample with its patterns: {@code -m <method>} (doc section 7.1.3), HAProxy's PAT_MATCH_*. */
public enum MatchMethod {
    /** The sample exists; no pattern. */
    FOUND,
    /** The sample is a true boolean or a non-zero integer; no pattern. */
    BOOL,
    /** Integers and ranges. */
    INT,
    /** IPv4 and IPv6 addresses and networks. */
    IP,
    /** Hexadecimal byte strings. */
    BIN,
    /** The length of the sample as a string, against integer ranges. */
    LEN,
    STR, BEG, SUB, DIR, DOM, END, REG;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The method {@code -m word} names, or null. */
    public static MatchMethod named(String word) {
        for (MatchMethod m : values()) {
            if (m.word().equals(word)) {
                return m;
            }
        }
        return null;
    }

    /** Whether this method takes no pattern. */
    public boolean patternless() {
        return this == FOUND || this == BOOL;
    }

    /** Whether its patterns are integer ranges. */
    public boolean integers() {
        return this == INT || this == LEN;
    }
}
