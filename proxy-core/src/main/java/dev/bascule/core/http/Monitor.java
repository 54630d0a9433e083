package dev.bascule.core.http;

import dev.bascule.config.model.Frontend;
import dev.bascule.core.sample.Condition;
import dev.bascule.core.sample.SampleContext;

/**
 * A frontend's {@code monitor-uri} and its {@code monitor fail} conditions (HAProxy's {@code mon_fail_cond}), built
 * once per generation: the URI is answered by the proxy itself, 503 while one of the conditions holds, else 200.
 */
final class Monitor {
    private final String uri;
    private final Condition[] failures;

    private Monitor(String uri, Condition[] failures) {
        this.uri = uri;
        this.failures = failures;
    }

    /** The frontend's monitor, or null when it has no {@code monitor-uri}. */
    static Monitor of(Frontend frontend) {
        String uri = frontend.http().monitorUri();
        return uri == null ? null
                : new Monitor(uri, frontend.monitorFail().stream().map(Condition::of).toArray(Condition[]::new));
    }

    boolean asks(RequestHead request) {
        return uri.equals(RequestAnalyzer.pathOf(request.uri()));
    }

    /** The answer's status: the first condition that holds fails the request, as HAProxy's list is walked. */
    int status(SampleContext context) {
        for (Condition c : failures) {
            if (c.holds(context)) {
                return 503;
            }
        }
        return 200;
    }
}
