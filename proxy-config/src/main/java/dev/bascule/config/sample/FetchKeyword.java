package dev.bascule.config.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample fetches Bascule knows: HAProxy's {@code sample_fetch_keywords} (doc section 7.3.2 to 7.3.6), each with
 * the arguments it takes, the type it returns and what it needs to be there. Aliases ({@code hdr} for
 * {@code req.hdr}) are names of the same keyword.
 */
public enum FetchKeyword {
    // Internal states (7.3.2).
    ALWAYS_TRUE("always_true", 0, 0, SampleType.BOOL, Needs.NOTHING),
    ALWAYS_FALSE("always_false", 0, 0, SampleType.BOOL, Needs.NOTHING),
    INT("int", 1, 1, SampleType.SINT, Needs.NOTHING),
    STR("str", 1, 1, SampleType.STR, Needs.NOTHING),
    BOOL("bool", 1, 1, SampleType.BOOL, Needs.NOTHING),
    ENV("env", 1, 1, SampleType.STR, Needs.NOTHING),
    NBSRV("nbsrv", 0, 1, SampleType.SINT, Needs.NOTHING),
    SRV_IS_UP("srv_is_up", 1, 1, SampleType.BOOL, Needs.NOTHING),
    BE_CONN("be_conn", 0, 1, SampleType.SINT, Needs.NOTHING),
    QUEUE("queue", 0, 1, SampleType.SINT, Needs.NOTHING),
    FE_NAME("fe_name", 0, 0, SampleType.STR, Needs.NOTHING),
    FE_ID("fe_id", 0, 0, SampleType.SINT, Needs.NOTHING),
    BE_NAME("be_name", 0, 0, SampleType.STR, Needs.NOTHING),
    BE_ID("be_id", 0, 0, SampleType.SINT, Needs.NOTHING),
    SRV_NAME("srv_name", 0, 0, SampleType.STR, Needs.NOTHING),
    /**
     * A variable, of the type it was stored with (HAProxy's "any"; typed STR here, to which every type casts), or the
     * default given as a string; a variable's scope says whether it is there, not the rule set.
     */
    VAR("var", 1, 2, SampleType.STR, Needs.NOTHING),
    // Layer 4 (7.3.3).
    SRC("src", 0, 0, SampleType.ADDR, Needs.NOTHING),
    SRC_PORT("src_port", 0, 0, SampleType.SINT, Needs.NOTHING),
    DST("dst", 0, 0, SampleType.ADDR, Needs.NOTHING),
    DST_PORT("dst_port", 0, 0, SampleType.SINT, Needs.NOTHING),
    // Layer 5, the PROXY protocol header received on an accept-proxy bind (7.3.4).
    FC_RCVD_PROXY("fc_rcvd_proxy", 0, 0, SampleType.BOOL, Needs.NOTHING),
    FC_PP_AUTHORITY("fc_pp_authority", 0, 0, SampleType.STR, Needs.NOTHING),
    FC_PP_UNIQUE_ID("fc_pp_unique_id", 0, 0, SampleType.STR, Needs.NOTHING),
    /** The {@code name} of the bind line the connection came in on; no sample for a bind without one. */
    SO_NAME("so_name", 0, 0, SampleType.STR, Needs.NOTHING),
    // Layer 5, TLS (7.3.4): the client connection's handshake (ssl_fc*) and its certificate (ssl_c_*).
    /** The connection's error code: 0, as a connection that carries a stream had none. */
    FC_ERR("fc_err", 0, 0, SampleType.SINT, Needs.NOTHING),
    SSL_FC("ssl_fc", 0, 0, SampleType.BOOL, Needs.NOTHING),
    /** OpenSSL's error code of the handshake, of the client certificate, of its CA: 0, as a failed one ends it. */
    SSL_FC_ERR("ssl_fc_err", 0, 0, SampleType.SINT, Needs.NOTHING),
    SSL_C_ERR("ssl_c_err", 0, 0, SampleType.SINT, Needs.NOTHING),
    SSL_C_CA_ERR("ssl_c_ca_err", 0, 0, SampleType.SINT, Needs.NOTHING),
    SSL_FC_IS_RESUMED("ssl_fc_is_resumed", 0, 0, SampleType.BOOL, Needs.NOTHING),
    SSL_FC_SNI("ssl_fc_sni", 0, 0, SampleType.STR, Needs.NOTHING),
    SSL_FC_PROTOCOL("ssl_fc_protocol", 0, 0, SampleType.STR, Needs.NOTHING),
    SSL_FC_CIPHER("ssl_fc_cipher", 0, 0, SampleType.STR, Needs.NOTHING),
    SSL_FC_ALPN("ssl_fc_alpn", 0, 0, SampleType.STR, Needs.NOTHING),
    SSL_C_USED("ssl_c_used", 0, 0, SampleType.BOOL, Needs.NOTHING),
    SSL_C_VERIFY("ssl_c_verify", 0, 0, SampleType.SINT, Needs.NOTHING),
    SSL_C_S_DN("ssl_c_s_dn", 0, 0, SampleType.STR, Needs.NOTHING),
    SSL_C_I_DN("ssl_c_i_dn", 0, 0, SampleType.STR, Needs.NOTHING),
    // Layer 6 (7.3.5): the client's first bytes, as tcp-request content rules hold them back.
    REQ_LEN("req.len", 0, 0, SampleType.SINT, Needs.CONTENT, "req_len"),
    REQ_PAYLOAD("req.payload", 2, 2, SampleType.BIN, Needs.CONTENT, "payload"),
    REQ_PAYLOAD_LV("req.payload_lv", 2, 3, SampleType.BIN, Needs.CONTENT, "payload_lv"),
    REQ_SSL_HELLO_TYPE("req.ssl_hello_type", 0, 0, SampleType.SINT, Needs.CONTENT, "req_ssl_hello_type"),
    REQ_SSL_SNI("req.ssl_sni", 0, 0, SampleType.STR, Needs.CONTENT, "req_ssl_sni"),
    REQ_SSL_VER("req.ssl_ver", 0, 0, SampleType.SINT, Needs.CONTENT, "req_ssl_ver"),
    /** The {@code Cookie: name=value} line an RDP client sends first (HAProxy's {@code fetch_rdp_cookie_name}). */
    REQ_RDP_COOKIE("req.rdp_cookie", 0, 1, SampleType.STR, Needs.CONTENT, "rdp_cookie"),
    REQ_RDP_COOKIE_CNT("req.rdp_cookie_cnt", 0, 1, SampleType.SINT, Needs.CONTENT, "rdp_cookie_cnt"),
    /** True once the content rules wait no longer (the inspect delay is over): until then, a miss that waits. */
    WAIT_END("wait_end", 0, 0, SampleType.BOOL, Needs.CONTENT),
    // Layer 7 (7.3.6).
    REQ_PROTO_HTTP("req.proto_http", 0, 0, SampleType.BOOL, Needs.CONTENT, "req_proto_http"),
    METHOD("method", 0, 0, SampleType.METH, Needs.TRANSACTION),
    PATH("path", 0, 0, SampleType.STR, Needs.REQUEST),
    PATHQ("pathq", 0, 0, SampleType.STR, Needs.REQUEST),
    BASE("base", 0, 0, SampleType.STR, Needs.REQUEST),
    URL("url", 0, 0, SampleType.STR, Needs.REQUEST),
    QUERY("query", 0, 0, SampleType.STR, Needs.REQUEST),
    URL_PARAM("url_param", 0, 2, SampleType.STR, Needs.REQUEST, "urlp"),
    REQ_VER("req.ver", 0, 0, SampleType.STR, Needs.REQUEST, "req_ver"),
    REQ_HDR("req.hdr", 0, 2, SampleType.STR, Needs.REQUEST, "hdr"),
    REQ_FHDR("req.fhdr", 1, 2, SampleType.STR, Needs.REQUEST),
    REQ_HDR_CNT("req.hdr_cnt", 0, 1, SampleType.SINT, Needs.REQUEST, "hdr_cnt"),
    REQ_FHDR_CNT("req.fhdr_cnt", 0, 1, SampleType.SINT, Needs.REQUEST),
    REQ_HDR_VAL("req.hdr_val", 1, 2, SampleType.SINT, Needs.REQUEST, "hdr_val"),
    REQ_HDR_IP("req.hdr_ip", 1, 2, SampleType.ADDR, Needs.REQUEST, "hdr_ip"),
    REQ_HDR_NAMES("req.hdr_names", 0, 1, SampleType.STR, Needs.REQUEST),
    /** The body {@code http-request wait-for-body} held (none without one), its length, its advertised size. */
    REQ_BODY("req.body", 0, 0, SampleType.BIN, Needs.REQUEST),
    REQ_BODY_LEN("req.body_len", 0, 0, SampleType.SINT, Needs.REQUEST),
    REQ_BODY_SIZE("req.body_size", 0, 0, SampleType.SINT, Needs.REQUEST),
    REQ_COOK("req.cook", 0, 1, SampleType.STR, Needs.REQUEST, "cook"),
    REQ_COOK_CNT("req.cook_cnt", 0, 1, SampleType.SINT, Needs.REQUEST, "cook_cnt"),
    REQ_COOK_VAL("req.cook_val", 0, 1, SampleType.SINT, Needs.REQUEST, "cook_val"),
    /** The request's Basic credentials are a user's of the userlist named. */
    HTTP_AUTH("http_auth", 1, 1, SampleType.BOOL, Needs.REQUEST),
    /** The user of those credentials, when valid; an ACL on it matches the user's groups. */
    HTTP_AUTH_GROUP("http_auth_group", 1, 1, SampleType.STR, Needs.REQUEST),
    // Layer 7, the response (7.3.6): its head as the server sent it, as the http-response rules have edited it.
    STATUS("status", 0, 0, SampleType.SINT, Needs.RESPONSE),
    RES_VER("res.ver", 0, 0, SampleType.STR, Needs.RESPONSE, "resp_ver"),
    RES_HDR("res.hdr", 0, 2, SampleType.STR, Needs.RESPONSE, "shdr"),
    RES_FHDR("res.fhdr", 0, 2, SampleType.STR, Needs.RESPONSE),
    RES_HDR_CNT("res.hdr_cnt", 0, 1, SampleType.SINT, Needs.RESPONSE, "shdr_cnt"),
    RES_FHDR_CNT("res.fhdr_cnt", 0, 1, SampleType.SINT, Needs.RESPONSE),
    RES_HDR_VAL("res.hdr_val", 1, 2, SampleType.SINT, Needs.RESPONSE, "shdr_val"),
    RES_HDR_NAMES("res.hdr_names", 0, 1, SampleType.STR, Needs.RESPONSE),
    /** The cookies the server sets: the first {@code name=value} of each {@code Set-Cookie} line. */
    RES_COOK("res.cook", 0, 1, SampleType.STR, Needs.RESPONSE, "scook"),
    RES_COOK_CNT("res.cook_cnt", 0, 1, SampleType.SINT, Needs.RESPONSE, "scook_cnt"),
    RES_COOK_VAL("res.cook_val", 0, 1, SampleType.SINT, Needs.RESPONSE, "scook_val");

    /**
     * What a fetch reads: nothing beyond the connection and the proxies, the client's first bytes (a stream's
     * request buffer: not there for {@code tcp-request connection} rules), an HTTP request head, or what the
     * transaction keeps of its request once the head is gone (HAProxy's "permanent" request information, which a
     * log line may read), or an HTTP response head (the {@code http-response} and {@code http-after-response} rules).
     */
    public enum Needs { NOTHING, CONTENT, REQUEST, TRANSACTION, RESPONSE }

    private static final Map<String, FetchKeyword> BY_NAME = new LinkedHashMap<>();

    static {
        for (FetchKeyword k : values()) {
            BY_NAME.put(k.name, k);
            for (String a : k.aliases) {
                BY_NAME.put(a, k);
            }
        }
    }

    private final String name;
    private final int minArgs;
    private final int maxArgs;
    private final SampleType output;
    private final Needs needs;
    private final List<String> aliases;

    FetchKeyword(String name, int minArgs, int maxArgs, SampleType output, Needs needs, String... aliases) {
        this.name = name;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
        this.output = output;
        this.needs = needs;
        this.aliases = List.of(aliases);
    }

    /** The fetch written {@code name} (an alias included), or null. */
    public static FetchKeyword named(String name) {
        return BY_NAME.get(name);
    }

    /** Every name a fetch may be written with, for suggestions and the docs. */
    public static List<String> allNames() {
        return List.copyOf(BY_NAME.keySet());
    }

    public String keyword() {
        return name;
    }

    public List<String> aliases() {
        return aliases;
    }

    public int minArgs() {
        return minArgs;
    }

    public int maxArgs() {
        return maxArgs;
    }

    public SampleType output() {
        return output;
    }

    public Needs needs() {
        return needs;
    }
}
