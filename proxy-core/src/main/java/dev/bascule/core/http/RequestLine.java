package dev.bascule.core.http;

import dev.bascule.config.model.HttpAction.SetRequestLine;
import io.netty.handler.codec.http.HttpMethod;

/**
 * {@code set-method}, {@code set-path}, {@code set-pathq}, {@code set-query}, {@code set-uri}: a part of the request
 * line replaced as HAProxy's {@code http_req_replace_stline} does. The path starts at the first {@code /} after an
 * absolute target's scheme and authority (which stay) and ends before the {@code ?}.
 */
final class RequestLine {
    private RequestLine() {
    }

    static void set(RequestHead head, SetRequestLine.Part part, String value) {
        if (part == SetRequestLine.Part.METHOD) {
            // A method that is not a token would make the request line unreadable: the request keeps its own.
            if (!value.isEmpty() && value.chars().allMatch(RequestLine::tokenChar)) {
                head.setMethod(HttpMethod.valueOf(value));
            }
            return;
        }
        String uri = head.uri();
        String changed = switch (part) {
            case URI -> value;
            case PATHQ -> uri.substring(0, pathStart(uri)) + value;
            case PATH -> {
                int from = pathStart(uri);
                int query = uri.indexOf('?', from);
                yield uri.substring(0, from) + value + (query < 0 ? "" : uri.substring(query));
            }
            case QUERY -> {
                // A '?' stays even before an empty query; none is added for one.
                int query = uri.indexOf('?');
                yield query >= 0 ? uri.substring(0, query + 1) + value : value.isEmpty() ? uri : uri + "?" + value;
            }
            case METHOD -> throw new AssertionError(part);
        };
        if (!changed.equals(uri)) {
            head.setUri(changed);
        }
    }

    /** Where the path begins: at once in origin form ({@code /a}) and for {@code *}, after the authority otherwise. */
    static int pathStart(String uri) {
        if (uri.isEmpty() || uri.charAt(0) == '/' || uri.charAt(0) == '*') {
            return 0;
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return 0;
        }
        int slash = uri.indexOf('/', scheme + 3);
        return slash < 0 ? uri.length() : slash;
    }

    private static boolean tokenChar(int c) {
        return c > ' ' && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}
