package dev.bascule.dist;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real curl, as an operator or a keepalived script runs it: status, headers and body of the last reply. */
final class Curl {
    private Curl() {
    }

    record Reply(int status, String headers, String body) {
    }

    static Reply run(String... args) throws Exception {
        List<String> withHead = new ArrayList<>(List.of("-D", "-"));
        withHead.addAll(Arrays.asList(args));
        String out = output(10, withHead.toArray(new String[0]));
        int split = out.indexOf("\r\n\r\n");
        String headers = out.substring(0, split);
        return new Reply(Integer.parseInt(headers.split(" ")[1]), headers, out.substring(split + 4));
    }

    /** What curl prints (with {@code -w}, e.g.), given {@code maxSeconds} for the whole transfer. */
    static String output(int maxSeconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("curl"), "-s", "--max-time", String.valueOf(maxSeconds)));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(maxSeconds + 5, TimeUnit.SECONDS));
        return out;
    }
}
