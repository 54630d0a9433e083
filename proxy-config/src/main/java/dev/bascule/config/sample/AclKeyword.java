package dev.bascule.config.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ACL keywords that are a fetch with a match method other than its default (HAProxy's {@code acl_kws}):
 * {@code path_beg} is {@code path -m beg}, {@code hdr_cnt(host)} is {@code req.hdr_cnt(host)} as an integer,
 * {@code hdr_val} the header read as an integer. Any other fetch is an ACL criterion with its type's default match.
 */
public record AclKeyword(String name, FetchKeyword fetch, MatchMethod match) {
    private static final Map<String, AclKeyword> BY_NAME = new LinkedHashMap<>();
    /** The families of string fetches that take the suffixes, and the fetch each stands for. */
    private static final Map<String, FetchKeyword> FAMILIES = new LinkedHashMap<>();
    private static final Map<String, MatchMethod> SUFFIXES = new LinkedHashMap<>();

    static {
        FAMILIES.put("base", FetchKeyword.BASE);
        FAMILIES.put("path", FetchKeyword.PATH);
        FAMILIES.put("url", FetchKeyword.URL);
        FAMILIES.put("hdr", FetchKeyword.REQ_HDR);
        FAMILIES.put("cook", FetchKeyword.REQ_COOK);
        FAMILIES.put("urlp", FetchKeyword.URL_PARAM);
        FAMILIES.put("url_param", FetchKeyword.URL_PARAM);
        FAMILIES.put("shdr", FetchKeyword.RES_HDR);
        FAMILIES.put("scook", FetchKeyword.RES_COOK);
        for (MatchMethod m : List.of(MatchMethod.BEG, MatchMethod.DIR, MatchMethod.DOM, MatchMethod.END,
                MatchMethod.LEN, MatchMethod.REG, MatchMethod.SUB)) {
            SUFFIXES.put("_" + m.word(), m);
        }
        for (var f : FAMILIES.entrySet()) {
            for (var s : SUFFIXES.entrySet()) {
                add(f.getKey() + s.getKey(), f.getValue(), s.getValue());
            }
        }
        add("hdr_val", FetchKeyword.REQ_HDR, MatchMethod.INT);
        add("cook_val", FetchKeyword.REQ_COOK, MatchMethod.INT);
        add("urlp_val", FetchKeyword.URL_PARAM, MatchMethod.INT);
        add("hdr_ip", FetchKeyword.REQ_HDR, MatchMethod.IP);
        add("hdr_cnt", FetchKeyword.REQ_HDR_CNT, MatchMethod.INT);
        add("cook_cnt", FetchKeyword.REQ_COOK_CNT, MatchMethod.INT);
        add("shdr_ip", FetchKeyword.RES_HDR, MatchMethod.IP);
    }

    private static void add(String name, FetchKeyword fetch, MatchMethod match) {
        BY_NAME.put(name, new AclKeyword(name, fetch, match));
    }

    /** The ACL keyword written {@code name}, or null (it may still be a plain fetch). */
    public static AclKeyword named(String name) {
        return BY_NAME.get(name);
    }

    public static List<String> allNames() {
        return List.copyOf(BY_NAME.keySet());
    }
}
