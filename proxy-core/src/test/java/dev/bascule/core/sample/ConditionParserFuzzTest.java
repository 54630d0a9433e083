package dev.bascule.core.sample;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.AclParser;
import dev.bascule.config.sample.AclTest;
import dev.bascule.config.sample.ConditionParser;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleParser;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Conditions as a fuzzer writes them, words of a config line: the parser gives a condition or a
 * {@link SampleException} (what becomes the line's alert), never another exception; a condition it gives compiles
 * and runs on a request and on a TCP session without throwing, and compiling its text again gives an equal one.
 * Seeds in {@code src/test/resources/dev/bascule/core/sample/ConditionParserFuzzTestInputs/conditions/}.
 */
class ConditionParserFuzzTest {
    private static final List<AclTest> DECLARED = declared();
    private static final SampleContext HTTP = new SampleContext(new InetSocketAddress("10.0.0.1", 1234),
            new InetSocketAddress("127.0.0.1", 80), TestRequest.of("GET /a/b?x=1&y=2 HTTP/1.1", "Host: h.example",
            "Cookie: s=1; t=2", "Accept: a, b"), null, null, null, SampleContext.NO_BACKENDS);
    private static final SampleContext TCP = new SampleContext(new InetSocketAddress("::1", 1234),
            new InetSocketAddress("::1", 80), null, null, null, null, SampleContext.NO_BACKENDS);

    private static List<AclTest> declared() {
        try {
            return parser().parse(List.of("path_beg", "/a"));
        } catch (SampleException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AclParser parser() {
        return new AclParser(new SampleParser(path -> {
            throw new java.io.IOException("no files in the fuzz test");
        }));
    }

    @FuzzTest
    void conditions(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        if (text.toLowerCase(java.util.Locale.ROOT).contains("reg")) {
            // Regular expressions (-m reg, _reg, regsub, map_reg) are the config's to give: Jazzer's regex sanitizer
            // reports any invalid one the parser compiles (and refuses), which is the feature. SampleLayerTest
            // covers them.
            return;
        }
        List<String> words = new ArrayList<>(Arrays.asList(text.split("[ \t\n]+")));
        words.removeIf(String::isEmpty);
        words.add(0, data.length > 0 && (data[0] & 1) == 1 ? "unless" : "if");
        ConditionParser conditions = new ConditionParser(parser(), Map.of("known", DECLARED)::get);
        AclCondition parsed;
        try {
            parsed = conditions.parse(words);
        } catch (SampleException e) {
            return;
        }
        Condition c = Condition.of(parsed);
        c.holds(HTTP);
        c.holds(TCP);
        try {
            assertEquals(parsed, conditions.parse(words), "the same words compile to the same value");
        } catch (SampleException e) {
            throw new AssertionError("parsed once, refused the second time: " + e.getMessage(), e);
        }
    }
}
