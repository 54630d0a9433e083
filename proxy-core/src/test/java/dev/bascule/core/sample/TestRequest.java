package dev.bascule.core.sample;

import java.util.ArrayList;
import java.util.List;

/** A request head for the fetches, from its lines ("GET / HTTP/1.1", then "Name: value"...). */
record TestRequest(String methodName, String uri, String versionNumber, List<String[]> headers)
        implements RequestView {
    static TestRequest of(String requestLine, String... headerLines) {
        String[] first = requestLine.split(" ");
        List<String[]> headers = new ArrayList<>();
        for (String h : headerLines) {
            int colon = h.indexOf(':');
            headers.add(new String[] {h.substring(0, colon), h.substring(colon + 1).strip()});
        }
        return new TestRequest(first[0], first[1], first[2].substring(5), headers);
    }

    @Override
    public List<String> headerLines(String name) {
        return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
    }

    @Override
    public List<String> headerNames() {
        return headers.stream().map(h -> h[0]).toList();
    }
}
