package dev.bascule.config.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles an ACL's criterion, flags and patterns ({@code path_beg -i /api /static}, {@code src -f nets.lst},
 * {@code req.hdr(host),lower -m end .example.com}) into an {@link AclTest}, as HAProxy's {@code parse_acl_expr}:
 * patterns are parsed for their match method here (integer ranges, networks, regular expressions checked).
 */
public final class AclParser {
    /** The flags an ACL takes before its patterns (HAProxy's {@code parse_acl_expr}), and what Bascule does with each. */
    public static final Map<String, String> FLAGS = flags();

    private static Map<String, String> flags() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("-i", "ignore case: the patterns and files after it match in any case (not the files before it)");
        f.put("-f <file>", "the patterns of a file, one a line (blank lines and lines starting with '#' skipped, "
                + "leading blanks stripped), read when the configuration is");
        f.put("-m <method>", "the match method (before any -f)");
        f.put("-n", "no DNS resolution: Bascule never resolves a pattern, so it has nothing to turn off");
        f.put("-M", "the -f files after it are maps: each line's first word is a pattern");
        f.put("-u <id>", "the ACL's unique id for the runtime API: checked to be an integer, not used (no ACL "
                + "commands yet)");
        f.put("--", "the end of the flags: a pattern that starts with '-' follows");
        return java.util.Collections.unmodifiableMap(f);
    }

    private final SampleParser samples;

    public AclParser(SampleParser samples) {
        this.samples = samples;
    }

    public SampleParser samples() {
        return samples;
    }

    /**
     * @param words the criterion, then its flags and patterns
     * @return its tests, ORed: one, or two when a {@code -i} follows a {@code -f} (the file's patterns keep their case)
     */
    public List<AclTest> parse(List<String> words) throws SampleException {
        if (words.isEmpty()) {
            throw new SampleException("missing ACL criterion; write a fetch and its patterns, as in 'path_beg /api'");
        }
        String criterion = words.get(0);
        SampleExpr expr;
        MatchMethod match;
        int paren = criterion.indexOf('(');
        int comma = criterion.indexOf(',');
        int nameEnd = paren < 0 ? comma : comma < 0 ? paren : Math.min(paren, comma);
        String name = nameEnd < 0 ? criterion : criterion.substring(0, nameEnd);
        AclKeyword keyword = AclKeyword.named(name);
        if (keyword != null) {
            expr = samples.parse(keyword.fetch().keyword() + criterion.substring(name.length()));
            match = keyword.match();
        } else {
            if (FetchKeyword.named(name) == null) {
                List<String> known = new ArrayList<>(FetchKeyword.allNames());
                known.addAll(AclKeyword.allNames());
                throw new SampleException("unknown fetch method '" + name + "' in ACL expression '" + criterion + "'"
                        + dev.bascule.config.Nearest.suggestion(name, known));
            }
            expr = samples.parse(criterion);
            match = null;
        }
        boolean ignoreCase = false;
        // HAProxy's -i applies to the patterns after it: those of files read before it keep their case.
        List<String> caseKept = List.of();
        boolean mapFile = false;
        boolean filesRead = false;
        List<String> patterns = new ArrayList<>();
        int i = 1;
        for (; i < words.size() && words.get(i).startsWith("-"); i++) {
            String flag = words.get(i);
            if (flag.equals("--")) {
                i++;
                break;
            }
            switch (flag) {
                case "-i" -> {
                    if (!ignoreCase && !patterns.isEmpty()) {
                        caseKept = List.copyOf(patterns);
                        patterns.clear();
                    }
                    ignoreCase = true;
                }
                // -n forbids DNS resolution: Bascule never resolves an ACL pattern.
                case "-n" -> {
                }
                // -M reads the -f files that follow as maps: the first word of a line is the pattern.
                case "-M" -> mapFile = true;
                case "-u" -> {
                    i = argument(words, i, flag);
                    // The id names the ACL on the runtime API, which has no ACL commands yet: checked, not used.
                    if (!words.get(i).matches("[-+]?\\d+")) {
                        throw new SampleException("the argument of -u must be an integer, got '" + words.get(i) + "'");
                    }
                }
                case "-m" -> {
                    i = argument(words, i, flag);
                    if (filesRead) {
                        throw new SampleException("'-m' must only be specified before patterns and files in parsing "
                                + "ACL expression; move '-m " + words.get(i) + "' before the first '-f'");
                    }
                    match = MatchMethod.named(words.get(i));
                    if (match == null) {
                        throw new SampleException("unknown matching method '" + words.get(i) + "' after '-m'; known: "
                                + String.join(", ", java.util.Arrays.stream(MatchMethod.values()).map(MatchMethod::word)
                                .toList()));
                    }
                }
                case "-f" -> {
                    i = argument(words, i, flag);
                    binaryNeedsMethod(expr, match);
                    filesRead = true;
                    for (String line : samples.read("pattern file", words.get(i))) {
                        String p = line.strip();
                        if (!p.isEmpty() && !p.startsWith("#")) {
                            patterns.add(mapFile ? p.split("[ \t]+", 2)[0] : p);
                        }
                    }
                }
                default -> throw new SampleException("'" + flag + "' is not a valid ACL option; known: "
                        + String.join(" ", FLAGS.keySet().stream().map(k -> k.split(" ")[0]).toList())
                        + ". Please use '--' before any pattern beginning with a '-'");
            }
        }
        binaryNeedsMethod(expr, match);
        if (match == null) {
            match = expr.output().defaultMatch();
        }
        patterns.addAll(words.subList(i, words.size()));
        List<AclTest> tests = new ArrayList<>(2);
        if (!caseKept.isEmpty()) {
            tests.add(test(expr, match, false, caseKept));
        }
        if (!patterns.isEmpty() || tests.isEmpty()) {
            tests.add(test(expr, match, ignoreCase, patterns));
        }
        return tests;
    }

    private static AclTest test(SampleExpr expr, MatchMethod match, boolean ignoreCase, List<String> patterns)
            throws SampleException {
        if (match.patternless() && !patterns.isEmpty()) {
            throw new SampleException("'-m " + match.word() + "' takes no pattern, got '" + patterns.get(0) + "'");
        }
        if (expr.fetch() == FetchKeyword.REQ_SSL_VER) {
            patterns = patterns.stream().map(AclParser::dottedVersion).toList();
        }
        return new AclTest(expr, match, ignoreCase, compile(match, patterns));
    }

    /** A binary sample has no default match (HAProxy's table of defaults has none for it): {@code -m} must say. */
    private static void binaryNeedsMethod(SampleExpr expr, MatchMethod match) throws SampleException {
        if (match == null && expr.output() == SampleType.BIN) {
            throw new SampleException("matching method must be specified first (using '-m') when using a sample "
                    + "fetch of this type ('" + expr + "'), as in '-m bin 1603' or '-m sub abc'");
        }
    }

    /** {@code req.ssl_ver}'s patterns are versions, {@code 3.1} for TLS 1.0: (major << 16) + minor (pat_parse_dotted_ver). */
    private static String dottedVersion(String pattern) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(pattern);
        return m.matches() ? String.valueOf((Long.parseLong(m.group(1)) << 16) + Long.parseLong(m.group(2))) : pattern;
    }

    private static int argument(List<String> words, int i, String flag) throws SampleException {
        if (i + 1 >= words.size()) {
            throw new SampleException("missing argument after ACL flag '" + flag + "'");
        }
        return i + 1;
    }

    private static List<AclPattern> compile(MatchMethod match, List<String> words) throws SampleException {
        List<AclPattern> out = new ArrayList<>();
        String operator = "eq";
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            switch (match) {
                case INT, LEN -> {
                    // An operator applies to every value after it, until the next (HAProxy's compatibility layer);
                    // a value written as a range, or with a sign, is taken as written.
                    if (List.of("eq", "ge", "gt", "le", "lt").contains(w)) {
                        operator = w;
                        continue;
                    }
                    if (operator.equals("eq") || w.indexOf(':') >= 0 || w.indexOf('-') >= 0) {
                        out.add(range(w));
                        continue;
                    }
                    long v = SampleParser.integer("operator '" + operator + "'", w);
                    out.add(switch (operator) {
                        case "ge" -> new AclPattern.IntRange(v, Long.MAX_VALUE);
                        case "gt" -> new AclPattern.IntRange(v + 1, Long.MAX_VALUE);
                        case "le" -> new AclPattern.IntRange(Long.MIN_VALUE, v);
                        default -> new AclPattern.IntRange(Long.MIN_VALUE, v - 1);
                    });
                }
                case IP -> {
                    var net = SampleParser.network(w);
                    if (net == null) {
                        throw new SampleException("'" + w + "' is not an IPv4 or IPv6 address or network; Bascule "
                                + "does not resolve host names in ACLs: write the address");
                    }
                    out.add(new AclPattern.Net(net));
                }
                case BIN -> {
                    if (!w.matches("([0-9A-Fa-f]{2})*")) {
                        throw new SampleException("'" + w + "' is not an even number of hexadecimal digits");
                    }
                    List<Integer> bytes = new ArrayList<>();
                    for (int j = 0; j < w.length(); j += 2) {
                        bytes.add(Integer.parseInt(w.substring(j, j + 2), 16));
                    }
                    out.add(new AclPattern.Bytes(bytes));
                }
                case REG -> {
                    SampleParser.regex("ACL", w);
                    out.add(new AclPattern.Text(w));
                }
                default -> out.add(new AclPattern.Text(w));
            }
        }
        return out;
    }

    /** {@code N}, {@code N:M}, {@code N:} or {@code :M}. */
    private static AclPattern.IntRange range(String w) throws SampleException {
        int colon = w.indexOf(':');
        try {
            if (colon < 0) {
                long v = Long.parseLong(w);
                return new AclPattern.IntRange(v, v);
            }
            long min = colon == 0 ? Long.MIN_VALUE : Long.parseLong(w.substring(0, colon));
            long max = colon == w.length() - 1 ? Long.MAX_VALUE : Long.parseLong(w.substring(colon + 1));
            if (min > max) {
                throw new SampleException("integer range '" + w + "' is empty: its lower bound is above its upper one");
            }
            return new AclPattern.IntRange(min, max);
        } catch (NumberFormatException e) {
            throw new SampleException("'" + w + "' is not an integer, a range such as 1:5, or an operator "
                    + "(eq ge gt le lt) followed by one");
        }
    }
}
