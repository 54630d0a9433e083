package dev.bascule.config.model;

import dev.bascule.config.sample.AclCondition;

import java.util.List;

/**
 * A backend's rules on which server a request goes to before its balancer picks one (doc section 4.2):
 * {@code use-server} lines, in order, and {@code force-persist} / {@code ignore-persist} lines, the first whose
 * condition holds deciding whether a persistence cookie may send the request to a server that is down, or is not
 * read at all.
 */
public record ServerRules(List<UseServer> useServer, List<Persist> persist) {
    public static final ServerRules NONE = new ServerRules(List.of(), List.of());

    public ServerRules {
        useServer = List.copyOf(useServer);
        persist = List.copyOf(persist);
    }

    /** {@code use-server <server> {if | unless} <condition>}. */
    public record UseServer(String server, AclCondition condition, Source source) {
        @Override
        public boolean equals(Object o) {
            return Values.equal(this, o);
        }

        @Override
        public int hashCode() {
            return Values.hash(this);
        }
    }

    /** {@code force-persist} ({@code force}) or {@code ignore-persist}, {@code {if | unless} <condition>}. */
    public record Persist(boolean force, AclCondition condition, Source source) {
        @Override
        public boolean equals(Object o) {
            return Values.equal(this, o);
        }

        @Override
        public int hashCode() {
            return Values.hash(this);
        }
    }
}
