package dev.bascule.config.model;

import dev.bascule.config.sample.SampleFormat;

/** What an {@code http-request} or {@code http-response} rule does (doc section 4.2), one record per action. */
public sealed interface HttpAction {
    /** Stops the rules: the message goes on. */
    record Allow() implements HttpAction {
    }

    /** Answers {@code status} (403 by default) with HAProxy's page for it and ends the rules. */
    record Deny(int status) implements HttpAction {
    }

    /** {@code set-header} (every line of the name replaced), {@code add-header} (a line more), {@code del-header}. */
    record HeaderEdit(Edit edit, String name, SampleFormat value) implements HttpAction {
        public enum Edit { SET, ADD, DEL }
    }

    /** {@code redirect location|prefix|scheme <to> [code N] [drop-query]}: answers with a Location. */
    record Redirect(Kind kind, SampleFormat to, int code, boolean dropQuery) implements HttpAction {
        public enum Kind { LOCATION, PREFIX, SCHEME }
    }

    /** {@code return [status N] [content-type T] [string S]}: answers with that status and body. */
    record Return(int status, String contentType, String body) implements HttpAction {
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
