package dev.bascule.stats;

import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.StatsSettings;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.core.Applets;
import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.Runtime;
import dev.bascule.core.http.HttpErrors;
import dev.bascule.core.sample.Condition;
import dev.bascule.core.sample.RequestView;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.ServerState;
import dev.bascule.core.stream.Stream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The stats page ({@code stats uri}, {@code stats auth}, {@code stats realm}, {@code stats refresh},
 * {@code stats scope}, {@code stats show-legends}, {@code stats show-node}, {@code stats show-desc}, with
 * {@code ;csv}, {@code ;json}, {@code ;typed}, {@code ;norefresh} and {@code ;up}) and the Prometheus exporter
 * ({@code http-request use-service prometheus-exporter}), served by frontends that forward no traffic: the
 * {@code listen stats} sections of most configs.
 */
public final class StatsApplets implements Applets {
    private static final int MAX_REQUEST = 64 * 1024;

    /**
     * The conditions ({@code use-service}, {@code stats admin}) compiled for the run, by the identity of the model's
     * condition (the same object for a generation's life, so a lookup costs no deep hash of the record).
     */
    private final Map<Identity, Condition> compiled = new ConcurrentHashMap<>();

    private record Identity(AclCondition condition) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity i && i.condition == condition;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(condition);
        }
    }

    @Override
    public boolean serves(Frontend frontend, BackendState backend) {
        return frontend.mode() == Mode.HTTP && (frontend.stats().enabled() || frontend.prometheus() != null)
                && (backend == null || backend.servers().isEmpty());
    }

    @Override
    public void install(Channel channel, FrontendState frontend, Runtime runtime) {
        Frontend f = frontend.config();
        channel.pipeline().addLast(new HttpServerCodec());
        channel.pipeline().addLast(handlers(new Applet(frontend, f.name(), f.stats(), f.prometheus(), runtime,
                frontend)));
    }

    /** The frontend's page or exporter first, then the backend's page, as HAProxy looks at them in turn. */
    @Override
    public ChannelHandler[] claim(FrontendState frontend, BackendState backend, SampleContext request,
                                  Runtime runtime) {
        Frontend f = frontend.config();
        if (f.mode() != Mode.HTTP) {
            return null;
        }
        String uri = request.request().uri();
        if (exporterAt(f.prometheus(), request) || pageAt(f.stats(), uri)) {
            return handlers(new Applet(frontend, f.name(), f.stats(), f.prometheus(), runtime, null));
        }
        if (backend != null && backend.config().mode() == Mode.HTTP && pageAt(backend.config().stats(), uri)) {
            return handlers(new Applet(frontend, backend.name(), backend.config().stats(), null, runtime, null));
        }
        return null;
    }

    private static ChannelHandler[] handlers(Applet applet) {
        return new ChannelHandler[] {new HttpObjectAggregator(MAX_REQUEST), applet};
    }

    private boolean exporterAt(AclCondition prometheus, SampleContext request) {
        return prometheus != null && holds(prometheus, request);
    }

    private boolean holds(AclCondition condition, SampleContext request) {
        Condition c = compiled.get(new Identity(condition));
        if (c == null) {
            if (compiled.size() > 64) {
                // Reloads leave the conditions of old generations behind: start again rather than keep them.
                compiled.clear();
            }
            c = Condition.of(condition);
            compiled.put(new Identity(condition), c);
        }
        return c.holds(request);
    }

    private static boolean pageAt(StatsSettings stats, String uri) {
        return stats.enabled() && uri.startsWith(stats.uri());
    }

    /** Answers with the {@code stats} settings and exporter path of the proxy it serves for. */
    private final class Applet extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final FrontendState frontend;
        private final String proxy;
        private final StatsSettings stats;
        private final AclCondition prometheus;
        private final Runtime runtime;
        /**
         * The frontend whose requests this applet counts, when it serves the whole connection (a frontend that
         * forwards nothing: no stream counts them); null when a forwarding frontend's stream handed it over.
         */
        private final FrontendState counted;

        /** @param prometheus the condition of the requests the exporter answers, or null */
        Applet(FrontendState frontend, String proxy, StatsSettings stats, AclCondition prometheus, Runtime runtime,
               FrontendState counted) {
            this.frontend = frontend;
            this.proxy = proxy;
            this.stats = stats;
            this.prometheus = prometheus;
            this.runtime = runtime;
            this.counted = counted;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (counted != null) {
                // As HAProxy counts a request its applets answer: a request of the frontend, intercepted.
                counted.http().request();
                counted.counters().requestIntercepted();
            }
            if (!request.decoderResult().isSuccess()) {
                send(ctx, request, HttpErrors.response(400, ctx.alloc()), false);
                return;
            }
            String uri = request.uri();
            SampleContext samples = new SampleContext(Stream.clientOf(ctx.channel()), ctx.channel().localAddress(),
                    RequestView.of(request), frontend, null, null, name -> Proxies.backend(runtime, name));
            if (exporterAt(prometheus, samples)) {
                Exporter.Query query = Exporter.Query.parse(uri);
                if (query == null) {
                    send(ctx, request, HttpErrors.response(400, ctx.alloc()), true);
                    return;
                }
                respond(ctx, request, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        Exporter.scrape(runtime, query), true);
            } else if (pageAt(stats, uri)) {
                if (!authorized(request)) {
                    FullHttpResponse r = HttpErrors.response(401, ctx.alloc());
                    r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + stats.realm() + "\"");
                    send(ctx, request, r, true);
                    return;
                }
                boolean admin = stats.admin() != null && holds(stats.admin(), samples);
                if (request.method().equals(HttpMethod.POST)) {
                    String outcome = admin ? apply(request) : "DENY";
                    FullHttpResponse r = response(HttpResponseStatus.SEE_OTHER, "text/plain", "");
                    r.headers().set(HttpHeaderNames.LOCATION, stats.uri() + ";st=" + outcome);
                    send(ctx, request, r, true);
                    return;
                }
                page(ctx, request, Set.of(uri.substring(stats.uri().length()).split(";")), admin);
            } else {
                send(ctx, request, HttpErrors.response(503, ctx.alloc()), true);
            }
        }

        /** The admin form: servers {@code s} of backend {@code b}, one {@code action}; DONE, NONE or an error. */
        private String apply(FullHttpRequest request) {
            QueryStringDecoder form = new QueryStringDecoder("?" + request.content().toString(StandardCharsets.UTF_8));
            List<String> backend = form.parameters().getOrDefault("b", List.of());
            List<String> names = form.parameters().getOrDefault("s", List.of());
            List<String> action = form.parameters().getOrDefault("action", List.of());
            BackendState b = backend.isEmpty() ? null : Proxies.backend(runtime, backend.get(0));
            if (b == null || action.isEmpty()) {
                return "ERRP";
            }
            int done = 0;
            for (ServerState s : b.servers()) {
                if (!names.contains(s.name())) {
                    continue;
                }
                switch (action.get(0)) {
                    case "ready" -> s.admin(ServerState.Admin.READY);
                    case "drain" -> s.admin(ServerState.Admin.DRAIN);
                    case "maint" -> s.admin(ServerState.Admin.MAINT);
                    case "dhlth" -> s.checksEnabled(false);
                    case "ehlth" -> s.checksEnabled(true);
                    case "shutdown" -> s.shutdownSessions();
                    default -> {
                        return "ERRP";
                    }
                }
                done++;
            }
            return done == 0 ? "NONE" : "DONE";
        }

        private void page(ChannelHandlerContext ctx, FullHttpRequest request, Set<String> opts, boolean admin) {
            List<Map<String, String>> rows = StatsCsv.rows(runtime, inScope(), stats.showLegends());
            if (opts.contains("csv")) {
                respond(ctx, request, HttpResponseStatus.OK, "text/plain", StatsCsv.csv(rows), true);
            } else if (opts.contains("json")) {
                respond(ctx, request, HttpResponseStatus.OK, "application/json", StatsCsv.json(rows), true);
            } else if (opts.contains("typed")) {
                respond(ctx, request, HttpResponseStatus.OK, "text/plain", StatsCsv.typed(rows), true);
            } else {
                String status = opts.stream().filter(o -> o.startsWith("st=")).map(o -> o.substring(3)).findFirst()
                        .orElse(null);
                respond(ctx, request, HttpResponseStatus.OK, "text/html", StatsPage.html(runtime, stats, rows,
                        !opts.contains("norefresh"), opts.contains("up"), admin, status), true);
            }
        }

        /** {@code stats scope}: the proxies named, "." being this one; every proxy without a scope. */
        private Predicate<String> inScope() {
            if (stats.scope().isEmpty()) {
                return proxy -> true;
            }
            Set<String> names = stats.scope().stream().map(n -> n.equals(".") ? proxy : n)
                    .collect(Collectors.toSet());
            return names::contains;
        }

        /** Basic authentication against every {@code stats auth} pair, each compared in constant time. */
        private boolean authorized(FullHttpRequest request) {
            if (stats.auth().isEmpty()) {
                return true;
            }
            String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return false;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(header.substring(6).trim());
            } catch (IllegalArgumentException e) {
                return false;
            }
            boolean ok = false;
            for (String pair : stats.auth()) {
                ok |= MessageDigest.isEqual(given, pair.getBytes(StandardCharsets.UTF_8));
            }
            return ok;
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                             String type, String body, boolean keepAlive) {
            send(ctx, request, response(status, type, body), keepAlive);
        }

        private FullHttpResponse response(HttpResponseStatus status, String type, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                    .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            return r;
        }

        private void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse r, boolean keepAlive) {
            if (counted != null) {
                counted.http().response(r.status().code());
            }
            boolean keep = keepAlive && HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(r, keep);
            var written = ctx.writeAndFlush(r);
            if (!keep) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        /**
         * The client's FIN: it sends nothing more, so the connection closes once what was written is out, as HAProxy
         * closes it. The listeners allow half-closed connections (for TCP relays): without this, each client that
         * closes after its answer (curl, a health script) would hold its connection and a maxconn slot forever.
         */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
