package dev.bascule.config.sample;

import java.util.List;

/**
 * A sample expression compiled from its text ({@code req.hdr(host),lower,map(hosts.map)}): the fetch and its
 * arguments, then the converters in order. A value: two expressions written alike are equal, so a reload sees no
 * change where there is none.
 */
public record SampleExpr(FetchKeyword fetch, List<String> args, List<Converter> converters) {
    public SampleExpr {
        args = List.copyOf(args);
        converters = List.copyOf(converters);
    }

    /** The type of the samples it gives: the last converter's, or the fetch's. */
    public SampleType output() {
        SampleType type = fetch.output();
        for (Converter c : converters) {
            type = c.keyword().output(type);
        }
        return type;
    }

    /** The i-th argument of the fetch, or null when it was not given (or given empty). */
    public String arg(int i) {
        return i < args.size() && !args.get(i).isEmpty() ? args.get(i) : null;
    }

    /** Whether it needs an HTTP request (it cannot run on a TCP session). */
    public boolean needsRequest() {
        return fetch.needs() == FetchKeyword.Needs.REQUEST || fetch.needs() == FetchKeyword.Needs.TRANSACTION
                || needsResponse();
    }

    /** Whether it reads a response head: only response rules have one. */
    public boolean needsResponse() {
        return fetch.needs() == FetchKeyword.Needs.RESPONSE;
    }

    /** Whether it reads the request head itself, which a log line, written once the head is gone, cannot. */
    public boolean needsRequestHead() {
        return fetch.needs() == FetchKeyword.Needs.REQUEST;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(fetch.keyword());
        if (!args.isEmpty()) {
            b.append('(').append(String.join(",", args)).append(')');
        }
        for (Converter c : converters) {
            b.append(',').append(c);
        }
        return b.toString();
    }
}
