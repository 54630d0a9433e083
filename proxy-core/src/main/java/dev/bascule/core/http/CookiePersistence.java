package dev.bascule.core.http;

import dev.bascule.config.model.CookieSettings;
import dev.bascule.config.model.CookieSettings.Mode;
import dev.bascule.core.ServerAssignment;
import dev.bascule.core.ServerState;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A backend's {@code cookie} persistence for one client connection, transaction by transaction, as HAProxy's
 * {@code http_ana.c} manages client-side and server-side cookies: the request's cookie names a server (kept
 * while that server is neither DOWN nor in maintenance), is stripped of the proxy's part before it reaches the
 * server, and the response gets the cookie the client needs for next time.
 *
 * <p>With {@code maxidle}/{@code maxlife} the value carries HAProxy's dates, {@code VALUE|LAST|FIRST}, each a
 * 30-bit count of 4-second units since the epoch in 5 base64 digits, so cookies move between the two.
 */
final class CookiePersistence {
    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String EXPIRED = "; Expires=Thu, 01-Jan-1970 00:00:01 GMT";

    private final CookieSettings settings;
    private final List<ServerState> servers;
    private final LongSupplier nowSeconds;
    /** This transaction: the request's cookie or a use-server rule sent it to its server (HAProxy's SF_DIRECT). */
    private boolean direct;
    /** This transaction: {@code ignore-persist} held, no cookie is read or inserted (SF_IGNORE_PRST). */
    private boolean ignored;
    private boolean cookieSent;
    private long lastSeen;
    private long firstSeen;
    private boolean post;
    /** What became of the request's cookie and of the response's, as {@code %tsc} writes them (HAProxy's txn flags). */
    private RequestCookie requestCookie = RequestCookie.NONE;
    private ResponseCookie responseCookie = ResponseCookie.NONE;

    /** The third letter of {@code %tsc}: HAProxy's TX_CK_* states, in its {@code sess_cookie} order. */
    enum RequestCookie {
        NONE('N'), INVALID('I'), DOWN('D'), VALID('V'), EXPIRED('E'), OLD('O'), UNUSED('U');

        final char letter;

        RequestCookie(char letter) {
            this.letter = letter;
        }
    }

    /** The fourth letter of {@code %tsc}: HAProxy's TX_SCK_* states, in its {@code sess_set_cookie} order. */
    enum ResponseCookie {
        NONE('N'), PASSED('P'), DELETED('D'), INSERTED('I'), REPLACED('R'), UPDATED('U');

        final char letter;

        ResponseCookie(char letter) {
            this.letter = letter;
        }
    }

    CookiePersistence(CookieSettings settings, List<ServerState> servers, LongSupplier nowSeconds) {
        this.settings = settings;
        this.servers = servers;
        this.nowSeconds = nowSeconds;
    }

    /**
     * Reads the request's persistence cookie and rewrites it for the server.
     *
     * @param persistence {@code ignore-persist}: the cookie designates nothing and none is inserted;
     *                    {@code force-persist}: its server is taken even when it is down
     * @param assigned    the server a {@code use-server} rule chose, or null: it goes before the cookie's (HAProxy's
     *                    SF_ASSIGNED) and counts as designated (SF_DIRECT: no cookie is inserted for it)
     * @return the server the request goes to when that server can take it, else null (the balancer chooses)
     */
    ServerState requestArrived(HttpRequest request, ServerAssignment.Persistence persistence, ServerState assigned) {
        ignored = persistence == ServerAssignment.Persistence.IGNORE;
        direct = assigned != null;
        ServerState designated = cookie(request, persistence);
        return assigned != null ? assigned : designated;
    }

    private ServerState cookie(HttpRequest request, ServerAssignment.Persistence persistence) {
        lastSeen = 0;
        firstSeen = 0;
        post = request.method().equals(HttpMethod.POST);
        requestCookie = RequestCookie.NONE;
        responseCookie = ResponseCookie.NONE;
        String value = Cookies.value(request.headers(), settings.name());
        cookieSent = value != null;
        if (value == null) {
            return null;
        }
        String serverValue = value;
        if (settings.mode() == Mode.PREFIX) {
            int tilde = value.indexOf('~');
            if (tilde >= 0) {
                serverValue = value.substring(0, tilde);
                Cookies.replace(request.headers(), settings.name(), value.substring(tilde + 1));
            }
        } else {
            int bar = value.indexOf('|');
            if (bar >= 0) {
                serverValue = value.substring(0, bar);
                readDates(value.substring(bar + 1));
            }
            if (settings.mode() == Mode.INSERT && settings.indirect()) {
                Cookies.replace(request.headers(), settings.name(), null);
            }
        }
        RequestCookie expiry = expiry();
        if (expiry != null) {
            requestCookie = expiry;
            return null;
        }
        if (ignored || direct) {
            // Present, but ignore-persist or a use-server rule decided otherwise (HAProxy's TX_CK_UNUSED).
            requestCookie = RequestCookie.UNUSED;
            return null;
        }
        // An empty value designates no server, even one without a cookie (HAProxy marks it invalid).
        requestCookie = RequestCookie.INVALID;
        boolean forced = persistence == ServerAssignment.Persistence.FORCE;
        for (ServerState s : servers) {
            if (!serverValue.isEmpty() && serverValue.equals(s.config().cookie())) {
                if (forced || s.acceptsPersistent()) {
                    requestCookie = s.acceptsPersistent() ? RequestCookie.VALID : RequestCookie.DOWN;
                    direct = true;
                    return s;
                }
                // Its server is out of service: another one with the same cookie may take it.
                requestCookie = RequestCookie.DOWN;
            }
        }
        return null;
    }

    private void readDates(String dates) {
        String[] d = dates.split("\\|");
        lastSeen = d.length > 0 ? fromBase64(d[0]) : 0;
        firstSeen = d.length > 1 ? fromBase64(d[1]) : 0;
    }

    /** @return why the cookie's dates make it void ({@code maxlife} is checked first, as HAProxy does), or null */
    private RequestCookie expiry() {
        long now = nowSeconds.getAsLong();
        if (settings.maxLifeMs() > 0 && firstSeen != 0 && firstSeen + settings.maxLifeMs() / 1000 < now) {
            return RequestCookie.OLD;
        }
        if (settings.maxIdleMs() > 0 && (lastSeen == 0 || lastSeen + settings.maxIdleMs() / 1000 < now)) {
            return RequestCookie.EXPIRED;
        }
        return null;
    }

    /** Handles the server's own persistence cookie and inserts the proxy's, for the server that answered. */
    void responseArrived(HttpResponse response, ServerState served) {
        String own = served.config().cookie();
        boolean serverSetIt = false;
        List<String> setCookies = response.headers().getAll(HttpHeaderNames.SET_COOKIE);
        List<String> kept = new ArrayList<>(setCookies.size());
        for (String header : setCookies) {
            String name = header.substring(0, Math.max(0, header.indexOf('='))).trim();
            if (!name.equals(settings.name())) {
                kept.add(header);
                continue;
            }
            serverSetIt = true;
            responseCookie = ResponseCookie.PASSED;
            if (settings.preserve()) {
                kept.add(header);
            } else if (settings.mode() == Mode.INSERT || direct && settings.indirect()) {
                // Dropped: the proxy inserts its own, or the client has the right one already.
                responseCookie = ResponseCookie.DELETED;
            } else if (own != null && settings.mode() == Mode.REWRITE) {
                kept.add(settings.name() + "=" + own + header.substring(valueEnd(header)));
                responseCookie = ResponseCookie.REPLACED;
            } else if (own != null && settings.mode() == Mode.PREFIX) {
                kept.add(settings.name() + "=" + own + "~" + header.substring(header.indexOf('=') + 1));
                responseCookie = ResponseCookie.REPLACED;
            } else {
                kept.add(header);
            }
        }
        if (serverSetIt) {
            response.headers().set(HttpHeaderNames.SET_COOKIE, kept);
        }
        if (settings.mode() == Mode.INSERT && !ignored && !(serverSetIt && settings.preserve())
                && (!settings.postonly() || post) && insertNeeded(own)) {
            response.headers().add(HttpHeaderNames.SET_COOKIE, inserted(own));
            // The same server again with only its date refreshed is an update.
            responseCookie = own != null && direct ? ResponseCookie.UPDATED : ResponseCookie.INSERTED;
            if (settings.nocache()) {
                response.headers().add(HttpHeaderNames.CACHE_CONTROL, "private");
            }
        }
    }

    /** {@code %tsc}'s persistence letters for this transaction so far. */
    char requestLetter() {
        return requestCookie.letter;
    }

    char responseLetter() {
        return responseCookie.letter;
    }

    private boolean insertNeeded(String own) {
        if (own == null) {
            // A server without a cookie: only clear a stale one the client sent.
            return cookieSent && !direct;
        }
        if (!direct) {
            return true;
        }
        // Dated cookies are refreshed once their last-seen date has passed, as HAProxy does.
        return settings.dated() && lastSeen < nowSeconds.getAsLong();
    }

    private String inserted(String own) {
        StringBuilder c = new StringBuilder(settings.name()).append('=');
        if (own == null) {
            c.append(EXPIRED);
        } else {
            c.append(own);
            if (settings.dated()) {
                long now = nowSeconds.getAsLong();
                // HAProxy rounds the dates up to the next 4-second unit.
                c.append('|').append(toBase64(now + 3));
                if (settings.maxLifeMs() > 0) {
                    c.append('|').append(toBase64(firstSeen != 0 ? firstSeen : now + 3));
                }
            }
        }
        c.append("; path=/");
        settings.domains().forEach(d -> c.append("; domain=").append(d));
        if (settings.httponly()) {
            c.append("; HttpOnly");
        }
        if (settings.secure()) {
            c.append("; Secure");
        }
        settings.attributes().forEach(a -> c.append("; ").append(a));
        return c.toString();
    }

    private static int valueEnd(String header) {
        int semicolon = header.indexOf(';');
        return semicolon < 0 ? header.length() : semicolon;
    }

    /** HAProxy's {@code s30tob64}: seconds / 4 as 30 bits, in 5 base64 digits, most significant first. */
    static String toBase64(long seconds) {
        long units = (seconds >> 2) & 0x3fffffff;
        char[] out = new char[5];
        for (int i = 4; i >= 0; i--) {
            out[i] = BASE64.charAt((int) (units & 63));
            units >>= 6;
        }
        return new String(out);
    }

    /** @return the seconds a date of {@link #toBase64} stands for, or 0 when it is not one */
    static long fromBase64(String digits) {
        if (digits.length() != 5) {
            return 0;
        }
        long units = 0;
        for (int i = 0; i < 5; i++) {
            int v = BASE64.indexOf(digits.charAt(i));
            if (v < 0) {
                return 0;
            }
            units = units << 6 | v;
        }
        return units << 2;
    }
}
