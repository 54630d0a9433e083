package dev.bascule.config.model;

import dev.bascule.config.sample.MatchMethod;
import dev.bascule.config.sample.SampleExpr;
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

    /**
     * {@code replace-header} ({@link Scope#LINE}: each line of the name, its whole value) and {@code replace-value}
     * ({@link Scope#VALUE}: each comma-separated value of those lines): a value the regex finds a match in is
     * replaced by the format's text, whose {@code \N} are the match's groups.
     */
    record ReplaceHeader(Scope scope, String name, String regex, SampleFormat replacement) implements HttpAction {
        public enum Scope { LINE, VALUE }
    }

    /**
     * {@code del-header <name> -m beg|end|sub|reg}: every header whose name matches (in any case; a regex sees the
     * name in lower case, as HAProxy holds names). {@code -m str} is {@link HeaderEdit}'s {@code DEL}.
     */
    record DelHeaders(String pattern, MatchMethod match) implements HttpAction {
    }

    /** {@code set-method}, {@code set-path}, {@code set-pathq}, {@code set-query}, {@code set-uri}: that part anew. */
    record SetRequestLine(Part part, SampleFormat value) implements HttpAction {
        public enum Part { METHOD, PATH, PATHQ, QUERY, URI }
    }

    /** {@code tarpit [deny_status N]}: holds the request for {@code timeout tarpit}, then answers {@code status}. */
    record Tarpit(int status) implements HttpAction {
    }

    /** {@code set-log-level <level>|silent}: a syslog level (0 emerg to 7 debug), or {@link #SILENT}. */
    record SetLogLevel(int level) implements HttpAction {
        public static final int SILENT = -1;
    }

    /**
     * {@code http-request capture <sample> len <n>} (a slot of its own, declared by the rule) or {@code id <n>} (a
     * slot declared before): the sample's text, cut to the slot's length, in the frontend's request capture slot
     * {@code slot} (numbered with the {@code capture request header} lines, in order, as {@code %hr} lists them).
     */
    record Capture(SampleExpr sample, int slot) implements HttpAction {
    }

    /**
     * {@code normalize-uri <normalizer> [full|strict]}: one of HAProxy's URI normalizers; {@code option} is
     * {@code path-strip-dotdot}'s {@code full} or the percent normalizers' {@code strict}.
     */
    record NormalizeUri(Normalizer normalizer, boolean option) implements HttpAction {
        public enum Normalizer {
            FRAGMENT_ENCODE, FRAGMENT_STRIP, PATH_MERGE_SLASHES, PATH_STRIP_DOT, PATH_STRIP_DOTDOT,
            PERCENT_DECODE_UNRESERVED, PERCENT_TO_UPPERCASE, QUERY_SORT_BY_NAME;

            /** The normalizer's name in a configuration. */
            public String word() {
                return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            }

            /** {@code full} for path-strip-dotdot, {@code strict} for the percent normalizers, else null. */
            public String optionWord() {
                return this == PATH_STRIP_DOTDOT ? "full"
                        : this == PERCENT_DECODE_UNRESERVED || this == PERCENT_TO_UPPERCASE ? "strict" : null;
            }
        }
    }

    /**
     * {@code wait-for-body time <time> [at-least <bytes>]}: the rules after it wait until the body has come, or
     * {@code atLeast} bytes of it (0: no such limit), or the buffer is full, or {@code timeMs} passed.
     */
    record WaitForBody(long timeMs, long atLeast) implements HttpAction {
    }

    /** {@code early-hint <name> <fmt>}: a header of the 103 Early Hints response sent before the final one. */
    record EarlyHint(String name, SampleFormat value) implements HttpAction {
    }

    /**
     * {@code set-timeout server|tunnel <time>|<expr>}: this stream's {@code timeout server} or {@code timeout tunnel}
     * instead of its backend's; {@code ms} when written as a time, else the expression's integer (milliseconds).
     */
    record SetTimeout(Which which, long ms, SampleExpr expr) implements HttpAction {
        public enum Which { SERVER, TUNNEL }
    }
}
