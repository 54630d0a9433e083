package dev.bascule.dist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The seed articles' configs and the real-world ones of ../shared pass `bascule -c` as they are. */
class CorpusConfigsIT {
    @TestFactory
    Stream<DynamicTest> every_shared_config_passes_the_check() throws IOException {
        Path configs = Path.of(System.getProperty("bascule.shared", "../../shared")).resolve("configs");
        Assumptions.assumeTrue(Files.isDirectory(configs), "SKIPPED: no configs at " + configs
                + " (../shared is absent)");
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("seeds", "real")) {
            try (Stream<Path> s = Files.list(configs.resolve(dir))) {
                s.filter(f -> f.toString().endsWith(".cfg")).sorted().forEach(files::add);
            }
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(configs.relativize(f).toString(), () -> {
            Bascule.Result r = Bascule.run("-c", "-f", f.toAbsolutePath().toString());
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("Configuration file is valid\n", r.stdout());
        }));
    }
}
