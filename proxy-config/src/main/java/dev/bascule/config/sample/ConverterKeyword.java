package dev.bascule.config.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The converters Bascule knows: HAProxy's {@code sample_conv_kws} (doc section 7.3.1), with the arguments each takes
 * and the types it takes and gives. The {@code map*} converters load their file when the configuration is read.
 */
public enum ConverterKeyword {
    LOWER("lower", 0, 0, SampleType.STR, SampleType.STR),
    UPPER("upper", 0, 0, SampleType.STR, SampleType.STR),
    HEX("hex", 0, 0, SampleType.BIN, SampleType.STR),
    BASE64("base64", 0, 0, SampleType.BIN, SampleType.STR),
    B64DEC("b64dec", 0, 0, SampleType.STR, SampleType.BIN),
    URL_DEC("url_dec", 0, 1, SampleType.STR, SampleType.STR),
    LENGTH("length", 0, 0, SampleType.STR, SampleType.SINT),
    /** Escapes a string for a JSON string literal; its argument says how the input's bytes are read (ascii, utf8...). */
    JSON("json", 0, 1, SampleType.STR, SampleType.STR),
    FIELD("field", 2, 3, SampleType.STR, SampleType.STR),
    WORD("word", 2, 3, SampleType.STR, SampleType.STR),
    BYTES("bytes", 1, 2, SampleType.BIN, SampleType.BIN),
    REGSUB("regsub", 2, 3, SampleType.STR, SampleType.STR),
    IPMASK("ipmask", 1, 2, SampleType.ADDR, SampleType.ADDR),
    ADD("add", 1, 1, SampleType.SINT, SampleType.SINT),
    SUB("sub", 1, 1, SampleType.SINT, SampleType.SINT),
    MUL("mul", 1, 1, SampleType.SINT, SampleType.SINT),
    DIV("div", 1, 1, SampleType.SINT, SampleType.SINT),
    MOD("mod", 1, 1, SampleType.SINT, SampleType.SINT),
    AND("and", 1, 1, SampleType.SINT, SampleType.SINT),
    OR("or", 1, 1, SampleType.SINT, SampleType.SINT),
    XOR("xor", 1, 1, SampleType.SINT, SampleType.SINT),
    NEG("neg", 0, 0, SampleType.SINT, SampleType.SINT),
    NOT("not", 0, 0, SampleType.SINT, SampleType.BOOL),
    BOOL("bool", 0, 0, SampleType.SINT, SampleType.BOOL),
    MAP("map", 1, 2, SampleType.STR, SampleType.STR, MatchMethod.STR),
    MAP_STR("map_str", 1, 2, SampleType.STR, SampleType.STR, MatchMethod.STR),
    MAP_BEG("map_beg", 1, 2, SampleType.STR, SampleType.STR, MatchMethod.BEG),
    MAP_SUB("map_sub", 1, 2, SampleType.STR, SampleType.STR, MatchMethod.SUB),
    MAP_DIR("map_dir", 1, 2, SampleType.STR, SampleType.STR, MatchMethod.DIR),
    MAP_DOM("map_dom", 1, 2, SampleType.STR, SampleType.STR, MatchMethod.DOM),
    MAP_END("map_end", 1, 2, SampleType.STR, SampleType.STR, MatchMethod.END),
    MAP_REG("map_reg", 1, 2, SampleType.STR, SampleType.STR, MatchMethod.REG),
    MAP_IP("map_ip", 1, 2, SampleType.ADDR, SampleType.STR, MatchMethod.IP),
    MAP_INT("map_int", 1, 2, SampleType.SINT, SampleType.STR, MatchMethod.INT),
    /** Stores the sample in a variable (when its conditions hold) and gives it on unchanged: no output type. */
    SET_VAR("set-var", 1, 5, SampleType.BIN, null),
    UNSET_VAR("unset-var", 1, 1, SampleType.BIN, null);

    private static final Map<String, ConverterKeyword> BY_NAME = new LinkedHashMap<>();

    static {
        for (ConverterKeyword k : values()) {
            BY_NAME.put(k.name, k);
        }
    }

    private final String name;
    private final int minArgs;
    private final int maxArgs;
    private final SampleType input;
    private final SampleType output;
    /** For the map converters, how a key is looked up in the map's keys; null for the others. */
    private final MatchMethod mapMatch;

    ConverterKeyword(String name, int minArgs, int maxArgs, SampleType input, SampleType output) {
        this(name, minArgs, maxArgs, input, output, null);
    }

    ConverterKeyword(String name, int minArgs, int maxArgs, SampleType input, SampleType output, MatchMethod mapMatch) {
        this.name = name;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
        this.input = input;
        this.output = output;
        this.mapMatch = mapMatch;
    }

    public static ConverterKeyword named(String name) {
        return BY_NAME.get(name);
    }

    public static List<String> allNames() {
        return List.copyOf(BY_NAME.keySet());
    }

    public String keyword() {
        return name;
    }

    public int minArgs() {
        return minArgs;
    }

    public int maxArgs() {
        return maxArgs;
    }

    public SampleType input() {
        return input;
    }

    /** The type it gives a sample of type {@code given}: its own, or the given one for those that pass it on. */
    public SampleType output(SampleType given) {
        return output == null ? given : output;
    }

    public MatchMethod mapMatch() {
        return mapMatch;
    }

    public boolean isMap() {
        return mapMatch != null;
    }
}
