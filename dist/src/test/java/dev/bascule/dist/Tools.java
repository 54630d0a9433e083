package dev.bascule.dist;

import org.junit.jupiter.api.Assumptions;

import java.io.File;

/**
 * External programs the end-to-end tests drive (redis-server, redis-cli...). Where one is missing the test
 * is skipped with a message, except in CI, where `.ci/run` installs them and a missing one is a failure.
 */
final class Tools {
    private Tools() {
    }

    static String require(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, program);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        String message = program + " is not installed (apt-get install it, as .ci/run does)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        Assumptions.assumeTrue(false, message);
        return null;
    }
}
