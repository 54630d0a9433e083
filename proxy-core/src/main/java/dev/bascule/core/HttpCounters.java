package dev.bascule.core;

import java.util.concurrent.atomic.LongAdder;

/** HTTP requests and responses by status class, as HAProxy's req_tot and hrsp_* columns count them. */
public final class HttpCounters {
    /** The classes in HAProxy's column order: 1xx, 2xx, 3xx, 4xx, 5xx, other. */
    public static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};

    private final LongAdder requests = new LongAdder();
    private final LongAdder[] responses = new LongAdder[CLASSES.length];

    public HttpCounters() {
        for (int i = 0; i < responses.length; i++) {
            responses[i] = new LongAdder();
        }
    }

    public void request() {
        requests.increment();
    }

    public void response(int status) {
        int c = status / 100;
        responses[c >= 1 && c <= 5 ? c - 1 : 5].increment();
    }

    public long requests() {
        return requests.sum();
    }

    /** @param index into {@link #CLASSES} */
    public long responses(int index) {
        return responses[index].sum();
    }
}
