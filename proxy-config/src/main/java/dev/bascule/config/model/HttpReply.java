package dev.bascule.config.model;

import dev.bascule.config.sample.SampleFormat;

import java.util.List;

/**
 * What a {@code deny} or {@code return} rule answers, on either side (doc section 4.2, "http-request return"): a
 * status and either the proxy's page for it, a whole response read from a file, or a response built from a content
 * type, a payload and headers. Files are read when the config is, so a changed file is a changed model.
 *
 * @param contentType null when there is no payload (HAProxy then ignores the one given)
 * @param headers     the {@code hdr} lines, in order (none for a page or an errorfile)
 */
public record HttpReply(int status, Body body, String contentType, List<Header> headers) {
    public HttpReply {
        headers = List.copyOf(headers);
    }

    /** {@code default-errorfiles}, what {@code deny} answers unless told otherwise: the proxy's page for the status. */
    public static HttpReply page(int status) {
        return new HttpReply(status, new ErrorPageOf(), null, List.of());
    }

    public sealed interface Body {
    }

    /** The proxy's page for the status: its {@code errorfile} or {@code http-error}, else HAProxy's own. */
    public record ErrorPageOf() implements Body {
    }

    /** {@code errorfile <file>}: the file's whole response, status line and headers included, as read. */
    public record WholeResponse(String file, String text) implements Body {
    }

    /**
     * {@code errorfiles <name>}: the page an {@code http-errors} section has for the status; only until the sections
     * are all read, when it becomes that page's {@link WholeResponse} (or {@link ErrorPageOf} where it has none).
     */
    public record ErrorFiles(String section) implements Body {
    }

    /** {@code string <str>}, {@code file <file>} (its content), or no payload at all (empty). */
    public record Text(String text) implements Body {
    }

    /** {@code lf-string <fmt>}, {@code lf-file <file>}: a log-format payload, evaluated for each answer. */
    public record Formatted(SampleFormat format) implements Body {
    }

    /** {@code hdr <name> <fmt>}. */
    public record Header(String name, SampleFormat value) {
    }
}
