package dev.bascule.config.model;

import dev.bascule.config.sample.SampleFormat;

import java.util.Set;

/**
 * What an {@code http-request}, {@code http-response} or {@code http-after-response} rule does (doc section 4.2),
 * one record per action.
 */
public sealed interface HttpAction {
    /** Stops the rules of its section: the message goes on. */
    record Allow() implements HttpAction {
    }

    /** Answers with the reply (by default the proxy's page for 403, or 502 on a response) and ends the rules. */
    record Deny(HttpReply reply) implements HttpAction {
        public int status() {
            return reply.status();
        }
    }

    /** {@code set-header} (every line of the name replaced), {@code add-header} (a line more), {@code del-header}. */
    record HeaderEdit(Edit edit, String name, SampleFormat value) implements HttpAction {
        public enum Edit { SET, ADD, DEL }
    }

    /**
     * {@code redirect location|prefix|scheme <to> [code N] [option]...}: answers with a Location.
     *
     * @param cookie the {@code Set-Cookie} line's value it adds ({@code set-cookie}, {@code clear-cookie}), or null
     */
    record Redirect(Kind kind, SampleFormat to, int code, Set<Option> options, String cookie) implements HttpAction {
        public enum Kind { LOCATION, PREFIX, SCHEME }

        /** {@code drop-query}, {@code append-slash}, {@code ignore-empty}. */
        public enum Option { DROP_QUERY, APPEND_SLASH, IGNORE_EMPTY }

        public Redirect {
            options = Set.copyOf(options);
        }

        public boolean has(Option o) {
            return options.contains(o);
        }
    }

    /** {@code return [status N] [content-type T] [payload] [hdr N V]*}: answers with the reply. */
    record Return(HttpReply reply) implements HttpAction {
        public int status() {
            return reply.status();
        }
    }

    /** {@code set-status <code> [reason <str>]}: the response's status line (the reason null: the code's own). */
    record SetStatus(int status, String reason) implements HttpAction {
    }

    /** {@code set-var}, {@code set-var-fmt}, {@code unset-var}: the rules go on. */
    record Var(VarAction var) implements HttpAction {
    }

    /**
     * {@code http-request auth [realm <realm>]}: answers the proxy's 401 page with a Basic challenge for the realm
     * (the proxy's name when null) and ends the rules.
     */
    record Auth(String realm) implements HttpAction {
    }
}
