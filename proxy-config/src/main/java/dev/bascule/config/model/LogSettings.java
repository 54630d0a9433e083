package dev.bascule.config.model;

import java.util.List;

/**
 * What a frontend logs and where (doc sections 4.2 and 8), defaults already applied.
 *
 * @param global            {@code log global}: the {@code global} section's targets too
 * @param targets           the section's own {@code log} lines
 * @param tag               {@code log-tag}, or null for the global one
 * @param format            the line's format ({@code log-format}, {@code option httplog}, {@code option tcplog}), or
 *                          null for HAProxy's default: one {@code Connect from} line per accepted connection
 * @param sdFormat          {@code log-format-sd}: the structured-data part of an rfc5424 line
 * @param dontLogNull       {@code option dontlognull}: no line for a connection that sent nothing
 * @param separateErrors    {@code option log-separate-errors}: failed transactions are logged at level err
 * @param dontLogNormal     {@code option dontlog-normal}: only failed transactions are logged
 * @param requestCaptures   {@code capture request header}, in order ({@code %hr})
 * @param responseCaptures  {@code capture response header}, in order ({@code %hs})
 * @param uniqueIdFormat    {@code unique-id-format}, or null
 * @param uniqueIdHeader    {@code unique-id-header}: the request header the unique id is sent in, or null
 * @param cookieCapture     {@code capture cookie NAME len N} ({@code %CC}, {@code %CS}), or null
 * @param logAsap           {@code option logasap}: the line is written when the response head is forwarded (at
 *                          the server's connection in TCP mode), its total time and bytes marked {@code +}
 */
public record LogSettings(boolean global, List<LogTarget> targets, String tag, LogFormat format, LogFormat sdFormat,
                          boolean dontLogNull, boolean separateErrors, boolean dontLogNormal,
                          List<Capture> requestCaptures,
                          List<Capture> responseCaptures, LogFormat uniqueIdFormat, String uniqueIdHeader,
                          Capture cookieCapture, boolean logAsap) {
    /** No target, no format. */
    public static final LogSettings NONE = new LogSettings(false, List.of(), null, null, null, false, false, false,
            List.of(), List.of(), null, null, null, false);

    public LogSettings {
        targets = List.copyOf(targets);
        requestCaptures = List.copyOf(requestCaptures);
        responseCaptures = List.copyOf(responseCaptures);
    }

    /**
     * {@code capture request|response header NAME len N}: the first {@code length} characters of its value; for
     * {@code capture cookie}, of the first {@code name=value} whose text begins with {@code name}. A null name is a
     * slot a rule fills ({@code http-request capture}, {@code declare capture}).
     */
    /** @param name the header's, or null for a slot a {@code tcp-request content capture} rule fills */
    public record Capture(String name, int length) {
    }

    /** Whether any line is written: some target, own or global. */
    public boolean logs() {
        return global || !targets.isEmpty();
    }
}
