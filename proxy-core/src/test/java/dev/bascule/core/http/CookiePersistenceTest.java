package dev.bascule.core.http;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.CookieSettings;
import dev.bascule.config.model.CookieSettings.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.Source;
import dev.bascule.core.ServerAssignment.Persistence;
import dev.bascule.core.ServerState;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.bascule.core.ServerAssignment.Persistence.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class CookiePersistenceTest {
    private final ServerState a = server("a", "A");
    private final ServerState b = server("b", "B");
    private final AtomicLong now = new AtomicLong(1_700_000_000L);

    private static ServerState server(String name, String cookie) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new ServerState("be", new Server(name, new Source("t.cfg", 1), Address.inet("127.0.0.1", 80), 1, 1, 0,
                0, false, false, cookie, ServerCheck.NONE, List.of()), lo, new InetSocketAddress(lo, 80),
                NioSocketChannel.class);
    }

    private CookiePersistence persistence(Mode mode, boolean indirect, boolean preserve, boolean postonly,
                                          long maxIdleMs, long maxLifeMs) {
        CookieSettings s = new CookieSettings("SRV", mode, indirect, false, postonly, preserve, false, false, List.of(),
                maxIdleMs, maxLifeMs, List.of());
        return new CookiePersistence(s, List.of(a, b), now::get);
    }

    private static HttpRequest request(HttpMethod method, String cookie) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/");
        if (cookie != null) {
            r.headers().set(HttpHeaderNames.COOKIE, cookie);
        }
        return r;
    }

    private static HttpResponse response(String... setCookies) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        for (String c : setCookies) {
            r.headers().add(HttpHeaderNames.SET_COOKIE, c);
        }
        return r;
    }

    @Test
    void insert_sets_the_cookie_once_and_indirect_hides_it_from_the_server() {
        CookiePersistence p = persistence(Mode.INSERT, true, false, false, 0, 0);
        HttpRequest first = request(HttpMethod.GET, null);
        assertNull(p.requestArrived(first, NORMAL, null));
        HttpResponse r = response("SRV=app-value", "other=1");
        p.responseArrived(r, b);
        assertEquals(List.of("other=1", "SRV=B; path=/"), r.headers().getAll(HttpHeaderNames.SET_COOKIE));

        HttpRequest again = request(HttpMethod.GET, "x=1; SRV=B; y=2");
        assertSame(b, p.requestArrived(again, NORMAL, null));
        assertEquals("x=1; y=2", again.headers().get(HttpHeaderNames.COOKIE));
        HttpResponse r2 = response();
        p.responseArrived(r2, b);
        assertEquals(List.of(), r2.headers().getAll(HttpHeaderNames.SET_COOKIE));
    }

    @Test
    void force_persist_keeps_visitors_on_a_server_in_maintenance_and_ignore_persist_reads_no_cookie() {
        CookiePersistence p = persistence(Mode.PREFIX, false, false, false, 0, 0);
        a.admin(ServerState.Admin.MAINT);
        assertSame(a, p.requestArrived(request(HttpMethod.GET, "SRV=A~s1"), Persistence.FORCE, null));
        a.admin(ServerState.Admin.READY);
        HttpRequest ignored = request(HttpMethod.GET, "SRV=A~s1");
        assertNull(p.requestArrived(ignored, Persistence.IGNORE, null));
        assertEquals("SRV=s1", ignored.headers().get(HttpHeaderNames.COOKIE), "still rewritten for the server");
    }

    @Test
    void a_down_or_maintenance_server_loses_its_visitors() {
        CookiePersistence p = persistence(Mode.INSERT, false, false, false, 0, 0);
        a.admin(ServerState.Admin.DRAIN);
        assertSame(a, p.requestArrived(request(HttpMethod.GET, "SRV=A"), NORMAL, null), "DRAIN keeps persistent visitors");
        a.admin(ServerState.Admin.MAINT);
        assertNull(p.requestArrived(request(HttpMethod.GET, "SRV=A"), NORMAL, null));
        HttpResponse r = response();
        p.responseArrived(r, b);
        assertEquals("SRV=B; path=/", r.headers().get(HttpHeaderNames.SET_COOKIE));
    }

    @Test
    void rewrite_and_prefix_change_the_applications_cookie() {
        CookiePersistence rewrite = persistence(Mode.REWRITE, false, false, false, 0, 0);
        rewrite.requestArrived(request(HttpMethod.GET, null), NORMAL, null);
        HttpResponse r = response("SRV=whatever; Path=/; HttpOnly");
        rewrite.responseArrived(r, a);
        assertEquals("SRV=A; Path=/; HttpOnly", r.headers().get(HttpHeaderNames.SET_COOKIE));

        CookiePersistence prefix = persistence(Mode.PREFIX, false, false, false, 0, 0);
        HttpRequest in = request(HttpMethod.GET, "SRV=B~session42");
        assertSame(b, prefix.requestArrived(in, NORMAL, null));
        assertEquals("SRV=session42", in.headers().get(HttpHeaderNames.COOKIE));
        HttpResponse out = response("SRV=session43; Path=/");
        prefix.responseArrived(out, b);
        assertEquals("SRV=B~session43; Path=/", out.headers().get(HttpHeaderNames.SET_COOKIE));
    }

    @Test
    void preserve_and_postonly_leave_the_response_alone() {
        CookiePersistence preserve = persistence(Mode.INSERT, false, true, false, 0, 0);
        preserve.requestArrived(request(HttpMethod.GET, null), NORMAL, null);
        HttpResponse r = response("SRV=logout; Max-Age=0");
        preserve.responseArrived(r, a);
        assertEquals(List.of("SRV=logout; Max-Age=0"), r.headers().getAll(HttpHeaderNames.SET_COOKIE));

        CookiePersistence postonly = persistence(Mode.INSERT, false, false, true, 0, 0);
        postonly.requestArrived(request(HttpMethod.GET, null), NORMAL, null);
        HttpResponse get = response();
        postonly.responseArrived(get, a);
        assertNull(get.headers().get(HttpHeaderNames.SET_COOKIE));
        postonly.requestArrived(request(HttpMethod.POST, null), NORMAL, null);
        HttpResponse post = response();
        postonly.responseArrived(post, a);
        assertEquals("SRV=A; path=/", post.headers().get(HttpHeaderNames.SET_COOKIE));
    }

    /** maxidle 60s: the cookie carries HAProxy's dates; an idle one is ignored, a fresh one refreshed. */
    @Test
    void maxidle_and_maxlife_dates() {
        CookiePersistence p = persistence(Mode.INSERT, false, false, false, 60_000, 3_600_000);
        p.requestArrived(request(HttpMethod.GET, null), NORMAL, null);
        HttpResponse r = response();
        p.responseArrived(r, a);
        String set = r.headers().get(HttpHeaderNames.SET_COOKIE);
        String value = set.substring("SRV=".length(), set.indexOf(';'));
        String[] parts = value.split("\\|");
        assertEquals("A", parts[0]);
        assertEquals((now.get() + 3) >> 2 << 2, CookiePersistence.fromBase64(parts[1]));
        assertEquals(parts[1], parts[2], "first seen now");

        now.addAndGet(30);
        assertSame(a, p.requestArrived(request(HttpMethod.GET, "SRV=" + value), NORMAL, null), "30 s idle: still valid");
        HttpResponse refreshed = response();
        p.responseArrived(refreshed, a);
        String again = refreshed.headers().get(HttpHeaderNames.SET_COOKIE);
        assertEquals(parts[2], again.substring(0, again.indexOf(';')).split("\\|")[2], "first date kept");

        now.addAndGet(120);
        assertNull(p.requestArrived(request(HttpMethod.GET, "SRV=" + value), NORMAL, null), "idle beyond maxidle");
        assertEquals(1_234_567_892L >> 2 << 2, CookiePersistence.fromBase64(CookiePersistence.toBase64(1_234_567_892L)));
    }
}
