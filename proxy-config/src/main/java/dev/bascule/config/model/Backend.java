package dev.bascule.config.model;

import java.util.List;
import java.util.Set;

/**
 * The server side of a {@code backend} or {@code listen} section, defaults already applied.
 *
 * @param redispatchInterval HAProxy's {@code option redispatch <interval>}: 0 when off; a positive P
 *                           redispatches every P-th retry, a negative N on the N-th retry before the last
 *                           (the default, -1, on the last one)
 * @param cookie             the {@code cookie} persistence line, or null
 * @param retryOn            HAProxy's {@code retry-on} keywords ({@code conn-failure} alone by default)
 * @param id                 the proxy's numeric id, as HAProxy numbers proxies ({@code forcedId}: from the {@code id}
 *                           keyword); a {@code listen} section's frontend has the same
 * @param stats              the page a request reaching this backend gets at its {@code stats uri}
 * @param serverStateFileName the file {@code load-server-state-from-file local} reads, as written (the backend's
 *                           name unless {@code server-state-file-name} gives one)
 * @param log                where its messages go (server states, health checks): its targets and tag only, a
 *                           backend logs no traffic
 * @param serverRules        {@code use-server}, {@code force-persist} and {@code ignore-persist}
 * @param httpRequest        its {@code http-request} rules, run on the requests routed to it after the frontend's
 *                           (those of a {@code listen} section are its frontend's too, and run once)
 */
public record Backend(String name, Source source, int id, boolean forcedId, Mode mode, Balance balance,
                      List<Server> servers, Timeouts timeouts, int retries, int redispatchInterval,
                      CookieSettings cookie, Set<String> retryOn, CheckSettings checks, HttpSettings http,
                      StatsSettings stats, LoadServerState loadServerStateFromFile, String serverStateFileName,
                      LogSettings log, ServerRules serverRules, List<HttpRule> httpRequest,
                      List<Directive> unimplemented) {
    public static final int DEFAULT_RETRIES = 3;
    public static final Set<String> DEFAULT_RETRY_ON = Set.of("conn-failure");

    public Backend {
        servers = List.copyOf(servers);
        retryOn = Set.copyOf(retryOn);
        httpRequest = List.copyOf(httpRequest);
        unimplemented = List.copyOf(unimplemented);
    }

    /** {@code retry-on} has conditions on the server's answer, not only on the connection: requests are kept to resend. */
    public boolean retriesOnResponses() {
        return retryOn.stream().anyMatch(k -> !k.equals("conn-failure"));
    }

    /**
     * The port {@code s}'s checks connect to: a leading {@code tcp-check connect port}, its {@code port}, its own
     * ({@link Server#SAME_PORT} when none is known).
     */
    public int checkPort(Server s) {
        var rules = checks.tcpRules();
        if (!rules.isEmpty() && rules.get(0).action().equals("connect") && rules.get(0).port() > 0) {
            return rules.get(0).port();
        }
        return s.check().port() > 0 ? s.check().port() : s.address().port();
    }

    /** Positions are not part of a model's identity: see {@link Values}. */
    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }
}
