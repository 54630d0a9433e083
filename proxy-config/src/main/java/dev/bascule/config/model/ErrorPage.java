package dev.bascule.config.model;

/**
 * What a proxy answers instead of one of HAProxy's own error pages (doc sections 3.8 and 4.2): a whole response read
 * from a file ({@code errorfile}, {@code errorfiles}, {@code http-error ... errorfile}), a redirect ({@code errorloc},
 * {@code errorloc302}, {@code errorloc303}), or a response built from its parts ({@code http-error status N
 * [content-type T] [string S | file F] [hdr N V]*}).
 */
public sealed interface ErrorPage {
    /** The file holds the whole response, status line and headers included; it was readable when the config was. */
    record File(String path) implements ErrorPage {
    }

    /** A 302 or 303 to {@code url}, with HAProxy's headers (no cache, no body). */
    record Location(int code, String url) implements ErrorPage {
    }

    /**
     * The error's own status with a body ({@code string}, {@code lf-string}, or a {@code file}'s or {@code lf-file}'s
     * contents read with the config) and headers: the reply model of {@code deny} and {@code return}.
     */
    record Reply(HttpReply reply) implements ErrorPage {
    }
}
