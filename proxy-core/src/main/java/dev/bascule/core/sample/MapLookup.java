package dev.bascule.core.sample;

import dev.bascule.config.sample.AclPattern;
import dev.bascule.config.sample.Converter;
import dev.bascule.config.sample.MapFile;
import dev.bascule.config.sample.MatchMethod;
import dev.bascule.config.sample.SampleParser;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The {@code map*} converters: the key is matched against the map's keys by the converter's method (the first
 * entry matching wins), and gives that entry's value, or the default argument, or no sample.
 */
final class MapLookup {
    private MapLookup() {
    }

    static UnaryOperator<Object> of(Converter c) {
        MapFile map = c.map();
        MatchMethod method = c.keyword().mapMatch();
        List<AclPattern> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (MapFile.Entry e : map.entries()) {
            AclPattern key = key(method, e.key());
            if (key != null) {
                keys.add(key);
                values.add(e.value());
            }
        }
        PatternMatcher matcher = new PatternMatcher(method, false, keys);
        String fallback = c.arg(1);
        return v -> {
            int i = matcher.indexOf(v);
            return i >= 0 ? values.get(i) : fallback;
        };
    }

    /** A map key in its method's form; a key that is not (a bad address in a map_ip file) is skipped. */
    private static AclPattern key(MatchMethod method, String key) {
        return switch (method) {
            case IP -> {
                var net = SampleParser.network(key);
                yield net == null ? null : new AclPattern.Net(net);
            }
            case INT -> {
                try {
                    long v = Long.parseLong(key);
                    yield new AclPattern.IntRange(v, v);
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
            default -> new AclPattern.Text(key);
        };
    }
}
