package dev.bascule.core;

import dev.bascule.config.model.ServerRules;
import dev.bascule.core.sample.Condition;
import dev.bascule.core.sample.SampleContext;

/**
 * A backend's rules on which server a request is assigned before its balancer is asked (HAProxy's
 * {@code persist_rules} and {@code process_server_rules}): the first {@code force-persist} or {@code ignore-persist}
 * whose condition holds says how a persistence cookie is read, then, when no cookie assigned a server, the first
 * {@code use-server} whose condition holds names one, if that server is up (or persistence is forced).
 */
public final class ServerAssignment {
    /** How a persistence cookie counts for this request. */
    public enum Persistence {
        /** The cookie's server is used while it is up. */
        NORMAL,
        /** {@code force-persist}: the cookie's (or a use-server's) server is used even when it is down. */
        FORCE,
        /** {@code ignore-persist}: the cookie designates nothing (it is still rewritten for the server). */
        IGNORE
    }

    private record Persist(Condition condition, Persistence persistence) {
    }

    private record Use(Condition condition, ServerState server) {
    }

    private final Persist[] persist;
    private final Use[] use;

    ServerAssignment(ServerRules rules, BackendState backend) {
        persist = rules.persist().stream().map(r -> new Persist(Condition.of(r.condition()),
                r.force() ? Persistence.FORCE : Persistence.IGNORE)).toArray(Persist[]::new);
        // The parser checked that each named server exists.
        use = rules.useServer().stream().map(r -> new Use(Condition.of(r.condition()), backend.server(r.server())))
                .toArray(Use[]::new);
    }

    public boolean isEmpty() {
        return persist.length == 0 && use.length == 0;
    }

    public Persistence persistence(SampleContext c) {
        for (Persist p : persist) {
            if (p.condition.holds(c)) {
                return p.persistence;
            }
        }
        return Persistence.NORMAL;
    }

    /** The server the first {@code use-server} whose condition holds names and that may take it, or null. */
    public ServerState useServer(SampleContext c, Persistence persistence) {
        for (Use u : use) {
            if (u.condition.holds(c) && (persistence == Persistence.FORCE || u.server.acceptsPersistent())) {
                return u.server;
            }
        }
        return null;
    }
}
