package dev.bascule.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus text exposition read into its families (name, type, help, samples by label set), and what differs
 * between two of them: the names, types, help texts and label names a dashboard relies on. Used by the
 * differential test against HAProxy's exporter, and runnable on two saved scrapes:
 * {@code java dist/src/test/java/dev/bascule/dist/PromScrape.java haproxy.txt bascule.txt}.
 */
final class PromScrape {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** A family: its type and help, and its samples, each keyed by its labels in name order ("a=1,b=2"). */
    record Family(String name, String type, String help, Map<String, Double> samples) {
        /** The label names its samples carry, each set as "a,b". */
        Set<String> labelNames() {
            Set<String> names = new TreeSet<>();
            for (String key : samples.keySet()) {
                List<String> n = new ArrayList<>();
                for (String kv : key.isEmpty() ? new String[0] : key.split(",")) {
                    n.add(kv.substring(0, kv.indexOf('=')));
                }
                names.add(String.join(",", n));
            }
            return names;
        }
    }

    final Map<String, Family> families;

    private PromScrape(Map<String, Family> families) {
        this.families = families;
    }

    static PromScrape parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> types = new TreeMap<>();
        Map<String, String> helps = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] p = line.substring(7).split(" ", 2);
                helps.put(p[0], p.length > 1 ? p[1] : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ", 2);
                types.put(p[0], p[1]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    throw new IllegalArgumentException("not a sample: " + line);
                }
                String name = m.group(1);
                String family = familyOf(name, types);
                Map<String, String> labels = new TreeMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                if (!name.equals(family)) {
                    labels.put("__suffix", name.substring(family.length()));
                }
                String key = String.join(",", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .toList());
                families.computeIfAbsent(family, f -> new Family(f, types.getOrDefault(f, "untyped"),
                        helps.getOrDefault(f, ""), new LinkedHashMap<>())).samples().put(key, value(m.group(4)));
            }
        }
        return new PromScrape(families);
    }

    /** A histogram's or summary's _bucket, _sum, _count belong to the family its TYPE line named. */
    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count", "_max")) {
            String base = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
            if (base != null && types.containsKey(base)) {
                return base;
            }
        }
        return name;
    }

    private static double value(String v) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }

    /** The families whose name starts with {@code prefix}. */
    PromScrape only(String prefix) {
        Map<String, Family> kept = new LinkedHashMap<>();
        families.forEach((n, f) -> {
            if (n.startsWith(prefix)) {
                kept.put(n, f);
            }
        });
        return new PromScrape(kept);
    }

    /** A sample's value, or null: {@code labels} as "proxy=www,server=s1" in name order. */
    Double value(String family, String labels) {
        Family f = families.get(family);
        return f == null ? null : f.samples().get(labels);
    }

    /**
     * What {@code actual} does otherwise than {@code expected}, one line each: a family missing (-) or extra (+),
     * another type, help text or set of label names.
     */
    static List<String> differences(PromScrape expected, PromScrape actual) {
        List<String> out = new ArrayList<>();
        for (Family e : expected.families.values()) {
            Family a = actual.families.get(e.name());
            if (a == null) {
                out.add("- " + e.name() + " (" + e.type() + ")");
                continue;
            }
            if (!e.type().equals(a.type())) {
                out.add("~ " + e.name() + " type " + e.type() + " -> " + a.type());
            }
            if (!e.help().equals(a.help())) {
                out.add("~ " + e.name() + " help \"" + e.help() + "\" -> \"" + a.help() + "\"");
            }
            if (!e.labelNames().equals(a.labelNames())) {
                out.add("~ " + e.name() + " labels " + e.labelNames() + " -> " + a.labelNames());
            }
        }
        for (Family a : actual.families.values()) {
            if (!expected.families.containsKey(a.name())) {
                out.add("+ " + a.name() + " (" + a.type() + ")");
            }
        }
        return out;
    }

    /** Compares two saved scrapes: the expected (HAProxy's) first. Prints the differences and their count. */
    public static void main(String[] args) throws Exception {
        PromScrape expected = parse(Files.readString(Path.of(args[0])));
        PromScrape actual = parse(Files.readString(Path.of(args[1])));
        List<String> d = differences(expected, actual);
        d.forEach(System.out::println);
        long missing = d.stream().filter(l -> l.startsWith("- ")).count();
        System.out.println(expected.families.size() + " families expected, " + actual.families.size() + " served, "
                + missing + " missing, " + d.stream().filter(l -> l.startsWith("+ ")).count() + " extra, "
                + d.stream().filter(l -> l.startsWith("~ ")).count() + " different");
    }
}
