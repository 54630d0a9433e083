package dev.bascule.core;

import java.util.concurrent.atomic.LongAdder;

/** HTTP requests and responses by status class, as HAProxy's req_tot and hrsp_* columns count them. */
public final class HttpCounters {
    /** The classes in HAProxy's column order: 1xx, 2xx, 3xx, 4xx, 5xx, other. */
    public static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};

    private final LongAdder requests = new LongAdder();
    private final LongAdder[] responses = new LongAdder[CLASSES.length];
    /** Null but for frontends: HAProxy keeps req_rate for them only, and the others need not pay for it. */
    private final RateCounter requestRate;

    public HttpCounters() {
        this(null);
    }

    private HttpCounters(RateCounter requestRate) {
        this.requestRate = requestRate;
        for (int i = 0; i < responses.length; i++) {
            responses[i] = new LongAdder();
        }
    }

    /** A frontend's counters, which also measure requests per second. */
    public static HttpCounters withRequestRate() {
        return new HttpCounters(new RateCounter());
    }

    public void request() {
        requests.increment();
        if (requestRate != null) {
            requestRate.record();
        }
    }

    /** Requests per second; null unless made {@link #withRequestRate()}. */
    public RateCounter requestRate() {
        return requestRate;
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
