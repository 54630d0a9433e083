package dev.bascule.config.sample;

import dev.bascule.config.model.Network;

/** One pattern of an ACL, in the form its match method compares: parsed when the configuration is read. */
public sealed interface AclPattern {
    /** A string, a prefix, a regular expression...: as written. */
    record Text(String value) implements AclPattern {
    }

    /** An integer range; a single value is a range of one, {@code gt 3} is {@code 4:}. */
    record IntRange(long min, long max) implements AclPattern {
        public boolean contains(long v) {
            return v >= min && v <= max;
        }
    }

    /** An IPv4 or IPv6 network; an address is a network of its whole width. */
    record Net(Network network) implements AclPattern {
    }

    /** Bytes written in hexadecimal ({@code -m bin}), as unsigned values so the pattern stays a value. */
    record Bytes(java.util.List<Integer> bytes) implements AclPattern {
        public Bytes {
            bytes = java.util.List.copyOf(bytes);
        }
    }
}
