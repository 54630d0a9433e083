package dev.bascule.config;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The configs of ../shared/configs (the seed articles' and 25 real-world ones) are valid for Bascule, and
 * the number of "not implemented yet" warnings each one gets can only go down: the baseline is
 * {@code not-implemented-baseline.tsv}; lower it when a change implements something.
 */
class CorpusTest {
    private static final Path CONFIGS = Path.of(System.getProperty("bascule.shared", "../../shared"), "configs");

    static List<Path> corpus() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(CONFIGS),
                "SKIPPED: no config corpus at " + CONFIGS.toAbsolutePath() + " (../shared is absent)");
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("seeds", "real")) {
            try (Stream<Path> s = Files.list(CONFIGS.resolve(dir))) {
                s.filter(f -> f.toString().endsWith(".cfg")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static ParseResult parse(Path file) {
        return new ConfigParser(System::getenv, Set.of("EPOLL", "THREAD")).parse(List.of(file));
    }

    @TestFactory
    Stream<DynamicTest> every_corpus_config_is_valid() throws IOException {
        return corpus().stream().map(f -> DynamicTest.dynamicTest(CONFIGS.relativize(f).toString(), () -> {
            ParseResult r = parse(f);
            assertTrue(r.valid(), () -> "alerts for " + f + ":\n" + String.join("\n", r.diagnostics().stream()
                    .filter(d -> d.severity() == Diagnostic.Severity.ALERT).map(Diagnostic::text).toList()));
        }));
    }

    @Test
    void not_implemented_warnings_only_go_down() throws IOException {
        Map<String, Integer> baseline = baseline();
        Map<String, List<String>> now = new TreeMap<>();
        for (Path f : corpus()) {
            now.put(CONFIGS.relativize(f).toString(), parse(f).diagnostics().stream()
                    .map(Diagnostic::text).filter(t -> t.contains("not implemented yet")).toList());
        }
        StringBuilder report = new StringBuilder();
        List<String> worse = new ArrayList<>();
        now.forEach((file, warnings) -> {
            int allowed = baseline.getOrDefault(file, 0);
            report.append(file).append('\t').append(warnings.size()).append('\n');
            warnings.forEach(w -> report.append("    ").append(w).append('\n'));
            if (warnings.size() > allowed) {
                worse.add(file + ": " + warnings.size() + " 'not implemented yet' warnings, baseline " + allowed);
            } else if (warnings.size() < allowed) {
                System.out.println("[corpus] " + file + ": " + warnings.size() + " 'not implemented yet' warnings, "
                        + "below the baseline of " + allowed + ": lower it in not-implemented-baseline.tsv");
            }
        });
        Path out = Path.of("target", "corpus-not-implemented.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        if (!worse.isEmpty()) {
            fail("more 'not implemented yet' warnings than the baseline (see " + out.toAbsolutePath() + "):\n"
                    + String.join("\n", worse));
        }
    }

    private static Map<String, Integer> baseline() throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        try (InputStream in = CorpusTest.class.getResourceAsStream("not-implemented-baseline.tsv")) {
            if (in == null) {
                return counts;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split("\t");
                if (f.length == 2 && !line.startsWith("#")) {
                    counts.put(f[0], Integer.parseInt(f[1].trim()));
                }
            }
        }
        return counts;
    }
}
