package dev.bascule.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random mutations of the config corpus against the parser, for {@code fuzz.seconds} (profile {@code fuzz},
 * outside the default build). The parser must return a config or diagnostics, never throw, never hang.
 */
@Tag("fuzz")
class ParserFuzzTest {
    private static final String[] TOKENS = {"\"", "'", "\\", "#", "${", "}", "$", "\t", " ", "\r", "\n", ":", ",",
            "[", "]", "@", "-", "0", "65536", "99999999999", ".if", ".endif", ".else", "(", ")", "&&", "!", "listen",
            "backend", "frontend", "defaults", "global", "server", "bind", "timeout", "option", "no", "from",
            // the sample layer: conditions, flags, operators, fetches and converters
            " if { ", " } ", " || ", " OR ", "-m", "-M", "-u", "-f", "-i", "--", " gt ", " lt ", "so_name",
            "json(utf8s)", ",json", "rdp_cookie", "WAIT_END", "RDP_COOKIE", "%[", "req.hdr(", "acl "};

    @Test
    void mutated_configs_only_ever_give_a_config_or_diagnostics() throws Exception {
        long seconds = Long.getLong("fuzz.seconds", 10);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> corpus = new ArrayList<>();
        for (Path p : CorpusTest.corpus()) {
            corpus.add(Files.readString(p));
        }
        ExecutorService worker = Executors.newSingleThreadExecutor();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int runs = 0;
        try {
            while (System.nanoTime() < deadline) {
                String input = mutate(corpus.get(random.nextInt(corpus.size())), random);
                Future<ParseResult> result = worker.submit(() ->
                        new ConfigParser(k -> k.length() % 2 == 0 ? "v" : null, Set.of()).parse("fuzz.cfg", input));
                try {
                    result.get(5, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail(save(input, seed) + ": the parser did not return within 5 s");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError(save(input, seed) + ": the parser threw", e.getCause());
                }
                runs++;
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("[fuzz] %d mutated configs parsed in %d s (seed %d)%n", runs, seconds, seed);
    }

    private static String mutate(String text, Random random) {
        StringBuilder b = new StringBuilder(text);
        int edits = 1 + random.nextInt(8);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(4)) {
                case 0 -> b.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                case 1 -> b.deleteCharAt(at);
                case 2 -> b.setCharAt(at, (char) random.nextInt(128));
                default -> {
                    int end = Math.min(b.length(), at + random.nextInt(200));
                    b.insert(random.nextInt(b.length()), b.substring(at, end));
                }
            }
        }
        return b.toString();
    }

    private static String save(String input, long seed) throws IOException {
        Path out = Path.of("target", "fuzz-failure-" + seed + ".cfg");
        Files.createDirectories(out.getParent());
        Files.writeString(out, input);
        return "input saved to " + out.toAbsolutePath();
    }
}
