package dev.bascule.core.sample;

import dev.bascule.config.model.Userlist;
import dev.bascule.config.sample.FetchKeyword;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.VarName;
import dev.bascule.core.BackendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.auth.UserlistCheck;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Runs a fetch of the keyword table ({@link FetchKeyword}) on a context. Fetches that may find several values (a
 * header's, a cookie's, a parameter's) give them all to an ACL, which matches any of them, and one to an
 * expression, as HAProxy's fetches do with and without their occurrence argument.
 */
final class Fetches {
    private Fetches() {
    }

    /** Whether the fetch may find more than one value ({@link #all}); the others find one ({@link #one}). */
    static boolean multiple(FetchKeyword f) {
        return switch (f) {
            case REQ_HDR, REQ_FHDR, REQ_HDR_VAL, REQ_HDR_IP, REQ_COOK, URL_PARAM, HTTP_AUTH_GROUP, RES_HDR, RES_FHDR,
                    RES_HDR_VAL, RES_COOK -> true;
            default -> false;
        };
    }

    /** Every value for an ACL of a fetch {@link #multiple} names; empty when there is none. */
    static List<?> all(SampleExpr e, SampleContext c) {
        RequestView r = c.request();
        return switch (e.fetch()) {
            case REQ_HDR -> r == null ? List.of() : occurrences(HttpFetches.values(r, e.arg(0)), e.arg(1));
            case REQ_FHDR -> r == null ? List.of() : occurrences(HttpFetches.lines(r, e.arg(0)), e.arg(1));
            case REQ_HDR_VAL, REQ_HDR_IP -> r == null ? List.of()
                    : occurrences(HttpFetches.values(r, e.arg(0)), e.arg(1)).stream().map(v -> typed(e, (String) v))
                    .filter(java.util.Objects::nonNull).toList();
            case REQ_COOK -> r == null ? List.of() : List.copyOf(HttpFetches.cookies(r, e.arg(0)));
            case URL_PARAM -> r == null ? List.of() : List.copyOf(HttpFetches.urlParams(r.uri(), e.arg(0), delimiter(e)));
            // As an ACL, the groups of the user, which the patterns name (HAProxy's pat_match_auth).
            case HTTP_AUTH_GROUP -> {
                Userlist.User u = r == null ? null : user(e, c);
                yield u == null ? List.of() : List.copyOf(u.groups());
            }
            case RES_HDR -> c.response() == null ? List.of()
                    : occurrences(HttpFetches.values(c.response(), e.arg(0)), e.arg(1));
            case RES_FHDR -> c.response() == null ? List.of()
                    : occurrences(HttpFetches.lines(c.response(), e.arg(0)), e.arg(1));
            case RES_HDR_VAL -> c.response() == null ? List.of()
                    : occurrences(HttpFetches.values(c.response(), e.arg(0)), e.arg(1)).stream()
                    .map(v -> (Object) Casts.integer((String) v)).filter(java.util.Objects::nonNull).toList();
            case RES_COOK -> c.response() == null ? List.of() : List.copyOf(HttpFetches.setCookies(c.response(), e.arg(0)));
            default -> throw new IllegalArgumentException(e.fetch() + " finds one value: see one()");
        };
    }

    private static List<String> occurrences(List<String> values, String occ) {
        if (occ == null || occ.equals("0")) {
            return values;
        }
        String v = HttpFetches.occurrence(values, Integer.parseInt(occ.strip()));
        return v == null ? List.of() : List.of(v);
    }

    private static Object typed(SampleExpr e, String value) {
        return e.fetch() == FetchKeyword.REQ_HDR_VAL ? (Object) Casts.leadingInteger(value) : Casts.address(value);
    }

    private static char delimiter(SampleExpr e) {
        String d = e.arg(1);
        return d == null ? '&' : d.charAt(0);
    }

    /** The one value for an expression, or null when there is none. */
    static Object one(SampleExpr e, SampleContext c) {
        RequestView r = c.request();
        ResponseView s = c.response();
        if (e.needsRequestHead() && r == null || e.needsResponse() && s == null) {
            return null;
        }
        return switch (e.fetch()) {
            case ALWAYS_TRUE -> Boolean.TRUE;
            case ALWAYS_FALSE -> Boolean.FALSE;
            case INT -> Long.parseLong(e.arg(0).strip());
            case STR -> e.args().isEmpty() ? "" : e.args().get(0);
            case BOOL -> {
                Long v = Casts.integer(e.arg(0));
                yield v != null && v != 0;
            }
            case ENV -> System.getenv(e.arg(0));
            case NBSRV -> backend(e, c) == null ? null
                    : backend(e, c).servers().stream().filter(ServerState::usable).count();
            case SRV_IS_UP -> serverUp(e.arg(0), c);
            case BE_CONN -> backend(e, c) == null ? null
                    : (long) backend(e, c).servers().stream().mapToInt(ServerState::currentSessions).sum();
            case QUEUE -> backend(e, c) == null ? null : (long) backend(e, c).queued();
            case FE_NAME -> c.frontend() == null ? null : c.frontend().name();
            case FE_ID -> c.frontend() == null ? null : (long) c.frontend().config().id();
            case BE_NAME -> c.backend() == null ? null : c.backend().name();
            case BE_ID -> c.backend() == null ? null : (long) c.backend().config().id();
            case SRV_NAME -> c.server() == null ? null : c.server().name();
            case SRC -> address(c.client());
            case SRC_PORT -> port(c.client());
            case DST -> address(c.local());
            case DST_PORT -> port(c.local());
            case SO_NAME -> c.listenerName();
            case FC_ERR -> 0L;
            case FC_RCVD_PROXY -> c.proxyHeader() != null;
            case FC_PP_AUTHORITY -> c.proxyHeader() == null ? null : c.proxyHeader().authority();
            case FC_PP_UNIQUE_ID -> c.proxyHeader() == null ? null : c.proxyHeader().uniqueId();
            case SSL_FC -> c.tls() != null;
            case SSL_FC_ERR, SSL_C_ERR, SSL_C_CA_ERR -> c.tls() == null ? null : 0L;
            case SSL_FC_IS_RESUMED -> c.tls() == null ? null : c.tls().resumed();
            case SSL_FC_SNI -> c.tls() == null ? null : c.tls().sni();
            case SSL_FC_PROTOCOL -> c.tls() == null ? null : c.tls().protocol();
            case SSL_FC_CIPHER -> c.tls() == null ? null : c.tls().cipher();
            case SSL_FC_ALPN -> c.tls() == null ? null : c.tls().alpn();
            case SSL_C_USED -> c.tls() == null ? null : c.tls().clientCert() != null;
            // A certificate that failed verification ended its handshake: one that is here passed (X509_V_OK).
            case SSL_C_VERIFY -> c.tls() == null ? null : 0L;
            case SSL_C_S_DN -> c.tls() == null || c.tls().clientCert() == null ? null : c.tls().clientCert().subject();
            case SSL_C_I_DN -> c.tls() == null || c.tls().clientCert() == null ? null : c.tls().clientCert().issuer();
            // An HTTP request's bytes are its head's, not a buffer the layer 6 fetches read (HAProxy's HTX: "meaningless");
            // a TCP session without content rules holds nothing.
            case REQ_LEN -> c.payload() == null ? 0L : PayloadFetches.length(c.payload(), c);
            case REQ_PAYLOAD -> c.payload() == null ? null : PayloadFetches.payload(c.payload(), integer(e, 0),
                    integer(e, 1), c);
            case REQ_PAYLOAD_LV -> c.payload() == null ? null : PayloadFetches.payloadLv(c.payload(), integer(e, 0),
                    integer(e, 1), e.arg(2), c);
            case REQ_SSL_HELLO_TYPE -> c.payload() == null ? null : PayloadFetches.helloType(c.payload(), c);
            case REQ_SSL_VER -> c.payload() == null ? null : PayloadFetches.sslVersion(c.payload(), c);
            case REQ_SSL_SNI -> c.payload() == null ? null : PayloadFetches.serverName(c.payload(), c);
            case REQ_RDP_COOKIE -> c.payload() == null ? null : PayloadFetches.rdpCookie(c.payload(), e.arg(0), c);
            case REQ_RDP_COOKIE_CNT -> c.payload() == null ? null
                    : PayloadFetches.rdpCookieCount(c.payload(), e.arg(0), c);
            // Rules that hold no bytes (HTTP rules, a TCP session without content rules) wait for nothing.
            case WAIT_END -> c.payload() == null || c.payload().complete() ? Boolean.TRUE : PayloadFetches.waiting(c);
            case REQ_PROTO_HTTP -> r != null ? Boolean.TRUE
                    : c.payload() == null ? null : PayloadFetches.protoHttp(c.payload(), c);
            case METHOD -> c.method();
            case PATH -> HttpFetches.path(r.uri());
            case PATHQ -> HttpFetches.pathq(r.uri());
            case URL -> r.uri();
            case QUERY -> HttpFetches.query(r.uri());
            case BASE -> HttpFetches.base(r);
            case REQ_VER -> r.versionNumber();
            case URL_PARAM -> HttpFetches.occurrence(HttpFetches.urlParams(r.uri(), e.arg(0), delimiter(e)), 1);
            case REQ_HDR -> HttpFetches.occurrence(HttpFetches.values(r, e.arg(0)), occ(e.arg(1)));
            case REQ_FHDR -> HttpFetches.occurrence(HttpFetches.lines(r, e.arg(0)), occ(e.arg(1)));
            case REQ_HDR_VAL -> integer(HttpFetches.occurrence(HttpFetches.values(r, e.arg(0)), occ(e.arg(1))));
            case REQ_HDR_IP -> Casts.address(HttpFetches.occurrence(HttpFetches.values(r, e.arg(0)), occ(e.arg(1))));
            case REQ_HDR_CNT -> (long) HttpFetches.values(r, e.arg(0)).size();
            case REQ_FHDR_CNT -> (long) HttpFetches.lines(r, e.arg(0)).size();
            // HAProxy's names are lower case (HTX keeps them so), whatever case the client wrote.
            case REQ_HDR_NAMES -> String.join(e.arg(0) == null ? "," : e.arg(0).substring(0, 1),
                    r.headerNames().stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList());
            case REQ_BODY -> r.bodyBytes();
            case REQ_BODY_LEN -> (long) r.bodyBytes().length;
            case REQ_BODY_SIZE -> r.bodySize();
            case REQ_COOK -> HttpFetches.occurrence(HttpFetches.cookies(r, e.arg(0)), cookieOccurrence(e));
            case REQ_COOK_CNT -> (long) HttpFetches.cookies(r, e.arg(0)).size();
            case REQ_COOK_VAL -> integer(HttpFetches.occurrence(HttpFetches.cookies(r, e.arg(0)), cookieOccurrence(e)));
            case HTTP_AUTH -> user(e, c) != null;
            case HTTP_AUTH_GROUP -> {
                Userlist.User u = user(e, c);
                yield u == null ? null : u.name();
            }
            case VAR -> variable(e, c);
            case STATUS -> (long) s.status();
            case RES_VER -> s.versionNumber();
            case RES_HDR -> HttpFetches.occurrence(HttpFetches.values(s, e.arg(0)), occ(e.arg(1)));
            case RES_FHDR -> HttpFetches.occurrence(HttpFetches.lines(s, e.arg(0)), occ(e.arg(1)));
            case RES_HDR_CNT -> (long) HttpFetches.values(s, e.arg(0)).size();
            case RES_FHDR_CNT -> (long) HttpFetches.lines(s, e.arg(0)).size();
            case RES_HDR_VAL -> Casts.integer(HttpFetches.occurrence(HttpFetches.values(s, e.arg(0)), occ(e.arg(1))));
            case RES_HDR_NAMES -> String.join(e.arg(0) == null ? "," : e.arg(0).substring(0, 1),
                    s.headerNames().stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList());
            case RES_COOK -> HttpFetches.occurrence(HttpFetches.setCookies(s, e.arg(0)), 1);
            case RES_COOK_CNT -> (long) HttpFetches.setCookies(s, e.arg(0)).size();
            case RES_COOK_VAL -> Casts.integer(HttpFetches.occurrence(HttpFetches.setCookies(s, e.arg(0)), 1));
        };
    }

    /** {@code var(<name>[,<default>])}: the value as stored, else the default as a string, else none. */
    private static Object variable(SampleExpr e, SampleContext c) {
        VarName name = VarName.of(e.arg(0));
        Vars vars = c.vars(name.scope(), false);
        Object v = vars == null ? null : vars.get(name.name());
        return v != null ? v : e.args().size() > 1 ? e.args().get(1) : null;
    }

    /** The user of the userlist named by the argument whose credentials the request carries, when valid. */
    private static Userlist.User user(SampleExpr e, SampleContext c) {
        UserlistCheck list = c.frontend() == null ? null : c.frontend().userlists().get(e.arg(0));
        List<String> auth = c.request().headerLines("authorization");
        return list == null || auth.isEmpty() ? null : list.authenticate(auth.get(0));
    }

    private static long integer(SampleExpr e, int i) {
        return Long.parseLong(e.arg(i) == null ? "0" : e.arg(i).strip());
    }

    /** A header's or cookie's value read as HAProxy's {@code *_val} fetches read it; no sample without a value. */
    private static Long integer(String value) {
        return value == null ? null : Casts.leadingInteger(value);
    }

    /** A named cookie's last occurrence, or without a name the first cookie (HAProxy's {@code smp_fetch_cookie}). */
    private static int cookieOccurrence(SampleExpr e) {
        return e.arg(0) == null ? 1 : -1;
    }

    /** Without an occurrence, an expression takes the last value (HAProxy's default of -1). */
    private static int occ(String arg) {
        return arg == null ? -1 : Integer.parseInt(arg.strip());
    }

    /** The backend named by the argument, or the stream's own. */
    private static BackendState backend(SampleExpr e, SampleContext c) {
        return e.arg(0) == null ? c.backend() : c.backend(e.arg(0));
    }

    /** {@code srv_is_up([<backend>/]<server>)}: the server is usable (up and not in maintenance). */
    private static Boolean serverUp(String arg, SampleContext c) {
        int slash = arg.indexOf('/');
        BackendState b = slash < 0 ? c.backend() : c.backend(arg.substring(0, slash));
        ServerState s = b == null ? null : b.server(arg.substring(slash + 1));
        return s == null ? null : s.usable();
    }

    private static Object address(SocketAddress a) {
        return a instanceof InetSocketAddress isa && isa.getAddress() != null ? isa.getAddress() : null;
    }

    private static Object port(SocketAddress a) {
        return a instanceof InetSocketAddress isa ? (long) isa.getPort() : null;
    }
}
