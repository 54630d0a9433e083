package dev.bascule.config.model;

import java.util.List;

/**
 * A frontend's {@code tcp-request} rules (doc section 4.2), each layer's in the order written: {@code connection}
 * at the accept (layer 4 fetches only), {@code session} once the session exists (the same point without TLS or a
 * PROXY header), {@code content} on the client's first bytes, held back up to {@code inspectDelayMs}
 * ({@code tcp-request inspect-delay}, 0 when not set: the rules then decide on what is there at once).
 */
public record TcpRules(long inspectDelayMs, List<TcpRule> connection, List<TcpRule> session, List<TcpRule> content) {
    public static final TcpRules NONE = new TcpRules(0, List.of(), List.of(), List.of());

    public TcpRules {
        connection = List.copyOf(connection);
        session = List.copyOf(session);
        content = List.copyOf(content);
    }
}
