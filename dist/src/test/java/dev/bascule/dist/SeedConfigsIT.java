package dev.bascule.dist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The configs of the articles Bascule started from pass `bascule -c` as they are. */
class SeedConfigsIT {
    @TestFactory
    Stream<DynamicTest> every_seed_config_passes_the_check() throws IOException {
        Path seeds = Path.of(System.getProperty("bascule.shared", "../../shared")).resolve("configs/seeds");
        Assumptions.assumeTrue(Files.isDirectory(seeds), "no seed configs at " + seeds + " (../shared is absent)");
        try (Stream<Path> files = Files.list(seeds)) {
            return files.filter(f -> f.toString().endsWith(".cfg")).sorted().toList().stream()
                    .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                        Bascule.Result r = Bascule.run("-c", "-f", f.toAbsolutePath().toString());
                        assertEquals(0, r.exitCode(), r.stderr());
                        assertEquals("Configuration file is valid\n", r.stdout());
                    }));
        }
    }
}
