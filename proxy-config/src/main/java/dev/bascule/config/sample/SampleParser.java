package dev.bascule.config.sample;

import dev.bascule.config.Nearest;
import dev.bascule.config.model.Network;
import dev.bascule.config.model.VarAction;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a sample expression's text, {@code fetch[(args)][,converter[(args)]]...}, against the fetch and
 * converter tables (HAProxy's {@code sample_parse_expr}): unknown names, missing or extra arguments, arguments
 * of the wrong kind and converters that cannot take the type they are given are errors here, not at run time.
 */
public final class SampleParser {
    /** How {@code json([input])} may read its input's bytes; empty is ascii. */
    private static final List<String> JSON_INPUTS = List.of("", "ascii", "utf8", "utf8s", "utf8p", "utf8ps");

    private final PatternFiles files;

    public SampleParser(PatternFiles files) {
        this.files = files;
    }

    /** One call of a fetch or converter as written: its name and its arguments. */
    record Call(String name, List<String> args) {
    }

    public SampleExpr parse(String text) throws SampleException {
        List<Call> calls = calls(text);
        Call first = calls.get(0);
        FetchKeyword fetch = FetchKeyword.named(first.name());
        if (fetch == null) {
            throw new SampleException("unknown fetch method '" + first.name() + "' in sample expression '" + text + "'"
                    + Nearest.suggestion(first.name(), FetchKeyword.allNames()));
        }
        checkArgs("fetch method '" + first.name() + "'", first.args(), fetch.minArgs(), fetch.maxArgs());
        checkFetchArgs(fetch, first);
        SampleType type = fetch.output();
        List<Converter> converters = new ArrayList<>();
        for (Call c : calls.subList(1, calls.size())) {
            converters.add(converter(c, type));
            type = converters.get(converters.size() - 1).keyword().output(type);
        }
        return new SampleExpr(fetch, first.args(), converters);
    }

    private Converter converter(Call c, SampleType given) throws SampleException {
        ConverterKeyword k = ConverterKeyword.named(c.name());
        if (k == null) {
            throw new SampleException("unknown converter '" + c.name() + "'"
                    + Nearest.suggestion(c.name(), ConverterKeyword.allNames()));
        }
        checkArgs("converter '" + c.name() + "'", c.args(), k.minArgs(), k.maxArgs());
        if (!given.castsTo(k.input())) {
            throw new SampleException("converter '" + c.name() + "' cannot be applied: it takes " + k.input()
                    + " and is given " + given);
        }
        MapFile map = null;
        switch (k) {
            case FIELD, WORD -> {
                if (integer(k, c.args().get(0)) == 0) {
                    throw new SampleException("invalid args in converter '" + c.name() + "' : Unexpected value 0 for "
                            + "index; fields are counted from 1, or from -1 at the end");
                }
                if (c.args().get(1).isEmpty()) {
                    throw new SampleException("converter '" + c.name() + "' : the delimiters may not be empty");
                }
                if (c.args().size() > 2) {
                    integer(k, c.args().get(2));
                }
            }
            case BYTES -> {
                for (String a : c.args()) {
                    integer(k, a);
                }
            }
            case ADD, SUB, MUL, DIV, MOD, AND, OR, XOR -> {
                // An integer, or the name of a variable holding one (HAProxy's arithmetic takes either).
                if (variableArgument(c.args().get(0)) == null) {
                    integer(k, c.args().get(0));
                }
            }
            case REGSUB -> regex("converter 'regsub'", c.args().get(0));
            case SET_VAR -> {
                VarName.parse(c.args().get(0).strip());
                for (String w : c.args().subList(1, c.args().size())) {
                    if (VarAction.When.named(w.strip()) == null) {
                        throw new SampleException("converter 'set-var' : unknown condition \"" + w.strip() + "\".");
                    }
                }
            }
            case UNSET_VAR -> VarName.parse(c.args().get(0).strip());
            case JSON -> {
                if (!c.args().isEmpty() && !JSON_INPUTS.contains(c.args().get(0))) {
                    throw new SampleException("converter 'json' : Unexpected input code type '" + c.args().get(0)
                            + "'. Allowed value are 'ascii', 'utf8', 'utf8s', 'utf8p' and 'utf8ps'");
                }
            }
            case IPMASK -> {
                mask(c.args().get(0), 32);
                if (c.args().size() > 1) {
                    mask(c.args().get(1), 128);
                }
            }
            default -> {
                if (k.isMap()) {
                    map = MapFile.of(c.args().get(0), read("map file", c.args().get(0)));
                }
            }
        }
        return new Converter(k, c.args(), map);
    }

    private void checkFetchArgs(FetchKeyword fetch, Call call) throws SampleException {
        switch (fetch) {
            case INT -> integer(fetch.keyword(), call.args().get(0));
            case VAR -> {
                try {
                    VarName.ofFetch(call.args().get(0).strip());
                } catch (SampleException e) {
                    throw new SampleException("invalid args in fetch method 'var' : " + e.getMessage());
                }
            }
            case REQ_HDR, REQ_FHDR, REQ_HDR_VAL, REQ_HDR_IP, RES_HDR, RES_FHDR, RES_HDR_VAL -> {
                if (call.args().size() > 1) {
                    integer(fetch.keyword(), call.args().get(1));
                }
            }
            case REQ_PAYLOAD -> {
                if (integer(fetch.keyword(), call.args().get(0)) < 0 || integer(fetch.keyword(), call.args().get(1)) < 0) {
                    throw new SampleException("fetch method '" + fetch.keyword() + "' : offset and length must be "
                            + "positive");
                }
            }
            case REQ_PAYLOAD_LV -> {
                long offset = integer(fetch.keyword(), call.args().get(0));
                long length = integer(fetch.keyword(), call.args().get(1));
                if (offset < 0) {
                    throw new SampleException("payload offset1 must be positive");
                }
                if (length <= 0) {
                    throw new SampleException("payload length must be > 0");
                }
                if (call.args().size() > 2 && !call.args().get(2).isEmpty()) {
                    String o2 = call.args().get(2).strip();
                    long v;
                    try {
                        v = Long.parseLong(o2.startsWith("+") ? o2.substring(1) : o2);
                    } catch (NumberFormatException e) {
                        throw new SampleException("payload offset2 is not a number");
                    }
                    if (offset + length + v < 0) {
                        throw new SampleException("payload offset2 too negative");
                    }
                }
            }
            default -> {
            }
        }
    }

    private static void checkArgs(String what, List<String> args, int min, int max) throws SampleException {
        if (args.size() < min) {
            throw new SampleException(what + " expects " + (min == max ? "" : "at least ") + min + " argument"
                    + (min > 1 ? "s" : "") + ", got " + args.size() + ", as in '" + what.replaceAll(".*'(.*)'", "$1")
                    + "(" + "x,".repeat(min).replaceAll(",$", "") + ")'");
        }
        if (args.size() > max) {
            throw new SampleException(what + " takes " + (max == 0 ? "no argument" : "at most " + max + " argument"
                    + (max > 1 ? "s" : "")) + ", got " + args.size());
        }
    }

    /** The variable an arithmetic converter's argument names, or null when it is not a variable's name. */
    public static VarName variableArgument(String arg) {
        String a = arg.strip();
        if (a.matches("[+-]?\\d+")) {
            return null;
        }
        try {
            return VarName.parse(a);
        } catch (SampleException notAName) {
            return null;
        }
    }

    private static long integer(ConverterKeyword k, String arg) throws SampleException {
        return integer("converter '" + k.keyword() + "'", arg);
    }

    static long integer(String what, String arg) throws SampleException {
        try {
            return Long.parseLong(arg.strip());
        } catch (NumberFormatException e) {
            throw new SampleException(what + " : '" + arg + "' is not an integer");
        }
    }

    static void regex(String what, String regex) throws SampleException {
        try {
            java.util.regex.Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new SampleException(what + " : invalid regular expression '" + regex + "': " + e.getDescription());
        }
    }

    /** An {@code ipmask} argument: a prefix length or, for IPv4, a dotted mask. */
    private static void mask(String arg, int width) throws SampleException {
        if (arg.matches("\\d+") && Integer.parseInt(arg) <= width) {
            return;
        }
        if (width == 32 && arg.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
            return;
        }
        throw new SampleException("converter 'ipmask' : '" + arg + "' is not a mask of 0 to " + width + " bits");
    }

    List<String> read(String what, String path) throws SampleException {
        try {
            return files.lines(path);
        } catch (IOException e) {
            throw new SampleException("failed to open " + what + " '" + path + "': " + e.getMessage()
                    + "; give a path from the directory bascule runs in, or an absolute one");
        }
    }

    /** An IPv4 or IPv6 address, with a prefix length or an IPv4 dotted mask, as a network; null if it is none. */
    public static Network network(String text) {
        String addr = text;
        int prefix = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            addr = text.substring(0, slash);
            String p = text.substring(slash + 1);
            if (p.matches("\\d{1,3}")) {
                prefix = Integer.parseInt(p);
            } else {
                byte[] mask = literal(p);
                if (mask == null || mask.length != 4 || (prefix = contiguous(mask)) < 0) {
                    return null;
                }
            }
        }
        byte[] raw = literal(addr);
        if (raw == null) {
            return null;
        }
        int width = raw.length * 8;
        if (prefix > width) {
            return null;
        }
        return Network.of(raw, prefix < 0 ? width : prefix);
    }

    private static int contiguous(byte[] mask) {
        int bits = ((mask[0] & 0xff) << 24) | ((mask[1] & 0xff) << 16) | ((mask[2] & 0xff) << 8) | (mask[3] & 0xff);
        int n = Integer.bitCount(bits);
        return bits == (n == 0 ? 0 : -1 << (32 - n)) ? n : -1;
    }

    /** The bytes of an IP address literal, never resolving a name; null when it is not one. */
    public static byte[] literal(String s) {
        if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            String[] parts = s.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return b;
        }
        if (s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+")) {
            try {
                // A literal with colons is never looked up as a name.
                return java.net.InetAddress.getByName(s).getAddress();
            } catch (java.net.UnknownHostException | IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** Splits {@code fetch(a,b),conv(c)} into its calls; a backslash escapes the next character in arguments. */
    static List<Call> calls(String text) throws SampleException {
        List<Call> calls = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            while (i < n && text.charAt(i) != '(' && text.charAt(i) != ',') {
                i++;
            }
            String name = text.substring(start, i).strip();
            if (name.isEmpty()) {
                throw new SampleException("missing fetch method or converter name in sample expression '" + text + "'");
            }
            List<String> args = new ArrayList<>();
            if (i < n && text.charAt(i) == '(') {
                i++;
                StringBuilder arg = new StringBuilder();
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        arg.append(text.charAt(i++));
                    } else if (c == ',') {
                        args.add(arg.toString());
                        arg.setLength(0);
                    } else if (c == ')') {
                        closed = true;
                        break;
                    } else {
                        arg.append(c);
                    }
                }
                if (!closed) {
                    throw new SampleException("missing closing ')' after arguments to '" + name
                            + "' in sample expression '" + text + "'");
                }
                if (!args.isEmpty() || arg.length() > 0) {
                    args.add(arg.toString());
                }
            }
            calls.add(new Call(name, args));
            if (i >= n) {
                return calls;
            }
            if (text.charAt(i) != ',') {
                throw new SampleException("unexpected '" + text.substring(i) + "' after '" + name
                        + "' in sample expression '" + text + "'; converters follow a comma");
            }
            i++;
        }
    }
}
