package dev.bascule.config.model;

import java.util.List;

/**
 * The server side of a {@code backend} or {@code listen} section, defaults already applied.
 *
 * @param redispatchInterval HAProxy's {@code option redispatch <interval>}: 0 when off; a positive P
 *                           redispatches every P-th retry, a negative N on the N-th retry before the last
 *                           (the default, -1, on the last one)
 * @param stats              the page a request reaching this backend gets at its {@code stats uri}
 */
public record Backend(String name, Source source, Mode mode, Balance balance, List<Server> servers,
                      Timeouts timeouts, int retries, int redispatchInterval, CheckSettings checks, HttpSettings http,
                      StatsSettings stats, List<Directive> unimplemented) {
    public static final int DEFAULT_RETRIES = 3;

    public Backend {
        servers = List.copyOf(servers);
        unimplemented = List.copyOf(unimplemented);
    }

    /** A backend without a stats page, as tests build them. */
    public Backend(String name, Source source, Mode mode, Balance balance, List<Server> servers, Timeouts timeouts,
                   int retries, int redispatchInterval, CheckSettings checks, HttpSettings http,
                   List<Directive> unimplemented) {
        this(name, source, mode, balance, servers, timeouts, retries, redispatchInterval, checks, http,
                StatsSettings.NONE, unimplemented);
    }
}
