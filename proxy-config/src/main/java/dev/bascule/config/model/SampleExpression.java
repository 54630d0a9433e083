package dev.bascule.config.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sample expression as written after {@code balance hash}: one fetch, its arguments, then converters, as in
 * {@code req.hdr(host),lower}. Only the fetches and converters below are known; others are refused when the
 * configuration is read.
 */
public record SampleExpression(String fetch, List<String> arguments, List<String> converters) {
    /** Fetch names as written, each to the fetch it stands for (aliases such as hdr and urlp resolved). */
    private static final Map<String, String> FETCHES = Map.ofEntries(
            Map.entry("src", "src"),
            Map.entry("path", "path"), Map.entry("pathq", "pathq"), Map.entry("url", "url"),
            Map.entry("base", "base"), Map.entry("query", "query"), Map.entry("method", "method"),
            Map.entry("req.hdr", "req.hdr"), Map.entry("hdr", "req.hdr"), Map.entry("req.fhdr", "req.fhdr"),
            Map.entry("url_param", "url_param"), Map.entry("urlp", "url_param"),
            Map.entry("req.cook", "req.cook"), Map.entry("cook", "req.cook"));
    /** Fetches that need a name argument. */
    private static final List<String> NEED_ARGUMENT = List.of("req.hdr", "req.fhdr", "url_param", "req.cook");
    private static final List<String> CONVERTERS = List.of("lower", "upper");

    public SampleExpression {
        arguments = List.copyOf(arguments);
        converters = List.copyOf(converters);
    }

    /**
     * @throws IllegalArgumentException naming the unknown fetch or converter, or the missing argument
     */
    public static SampleExpression parse(String written) {
        List<String> parts = splitTopLevel(written);
        String head = parts.get(0);
        int open = head.indexOf('(');
        String name = open < 0 ? head : head.substring(0, open);
        List<String> args = open < 0 || !head.endsWith(")") ? List.of()
                : List.of(head.substring(open + 1, head.length() - 1).split(",", -1));
        String fetch = FETCHES.get(name);
        if (fetch == null) {
            throw new IllegalArgumentException("sample fetch '" + name + "' is not supported here; supported: "
                    + String.join(", ", FETCHES.keySet().stream().sorted().toList()));
        }
        if (NEED_ARGUMENT.contains(fetch) && (args.isEmpty() || args.get(0).isEmpty())) {
            throw new IllegalArgumentException("sample fetch '" + name + "' expects a name, as in '" + name
                    + "(host)'");
        }
        List<String> converters = parts.subList(1, parts.size());
        for (String c : converters) {
            if (!CONVERTERS.contains(c)) {
                throw new IllegalArgumentException("converter '" + c + "' is not supported here; supported: "
                        + String.join(", ", CONVERTERS));
            }
        }
        return new SampleExpression(fetch, args, converters);
    }

    /** Splits on commas outside parentheses. */
    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
