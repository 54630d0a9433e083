package dev.bascule.core.http;

/**
 * The request analyzers, run in order on each request head (HAProxy's http_ana.c): each either lets the request
 * go on to the next or takes it over (answers it, hands it to an applet, or sends it to a server). An
 * {@link HttpProxy} lists the ones its configuration needs.
 */
enum RequestAnalyzer {
    /** The frontend's {@code tcp-request content} rules, before any HTTP analyzer (HAProxy's AN_REQ_INSPECT_FE). */
    TCP_CONTENT_RULES {
        @Override
        boolean analyze(ClientSide client, RequestHead request) {
            return client.tcpContentRules(request);
        }
    },
    /** {@code monitor-uri}: 200 from the proxy itself, or 503 while a {@code monitor fail} condition holds. */
    MONITOR_URI {
        @Override
        boolean analyze(ClientSide client, RequestHead request) {
            if (!client.proxy.monitor.asks(request)) {
                return false;
            }
            client.monitorAnswer(request);
            return true;
        }
    },
    /** The stats page and the Prometheus exporter ({@code stats uri}, {@code use-service}). */
    APPLETS {
        @Override
        boolean analyze(ClientSide client, RequestHead request) {
            return client.toApplet(request);
        }
    },
    /** The frontend's {@code http-request} rules (and {@code redirect} lines). */
    HTTP_REQUEST_RULES {
        @Override
        boolean analyze(ClientSide client, RequestHead request) {
            return client.requestRules(request);
        }
    },
    /**
     * {@code use_backend}: the request's backend from the frontend's rules (the default one when none applies), then
     * that backend's {@link #BACKEND_REQUEST_RULES} and {@link #DISPATCH} to it, or {@link #NO_BACKEND} when there is
     * none. Only in the list when there are rules.
     */
    SWITCHING {
        @Override
        boolean analyze(ClientSide client, RequestHead request) {
            client.route(request);
            if (client.proxy.backend == null) {
                return NO_BACKEND.analyze(client, request);
            }
            return (!client.proxy.backendRules.isEmpty() || client.proxy.backendBuffers)
                    && BACKEND_REQUEST_RULES.analyze(client, request)
                    || DISPATCH.analyze(client, request);
        }
    },
    /** The backend's {@code http-request} rules, once it is known (HAProxy's AN_REQ_HTTP_PROCESS_BE). */
    BACKEND_REQUEST_RULES {
        @Override
        boolean analyze(ClientSide client, RequestHead request) {
            return client.backendRequestRules(request);
        }
    },
    /** A frontend without a backend: 503. */
    NO_BACKEND {
        @Override
        boolean analyze(ClientSide client, RequestHead request) {
            client.noBackend(request);
            return true;
        }
    },
    /** Persistence, then a server from the balancer (or its queue), then the request goes out. */
    DISPATCH {
        @Override
        boolean analyze(ClientSide client, RequestHead request) {
            client.dispatch(request);
            return true;
        }
    };

    /** @return true when this analyzer took the request over: those after it do not run */
    abstract boolean analyze(ClientSide client, RequestHead request);

    static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
