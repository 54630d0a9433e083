package dev.bascule.config.diff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Two lists of named things matched by name: a reload keeps what keeps its name. */
record Keyed<K, T>(Map<K, T> before, Map<K, T> after) {
    static <K, T> Keyed<K, T> by(List<T> before, List<T> after, Function<T, K> key) {
        return new Keyed<>(index(before, key), index(after, key));
    }

    private static <K, T> Map<K, T> index(List<T> items, Function<T, K> key) {
        Map<K, T> out = new LinkedHashMap<>();
        items.forEach(i -> out.putIfAbsent(key.apply(i), i));
        return out;
    }

    List<K> added() {
        return after.keySet().stream().filter(k -> !before.containsKey(k)).toList();
    }

    List<K> removed() {
        return before.keySet().stream().filter(k -> !after.containsKey(k)).toList();
    }

    /** The names on both sides whose values differ, in the new order. */
    List<K> changed() {
        List<K> out = new ArrayList<>();
        after.forEach((k, v) -> {
            if (before.containsKey(k) && !before.get(k).equals(v)) {
                out.add(k);
            }
        });
        return out;
    }

    /** Same names, same values, another order: HAProxy numbers servers and proxies by it. */
    boolean reordered() {
        return before.keySet().equals(after.keySet())
                && !new ArrayList<>(before.keySet()).equals(new ArrayList<>(after.keySet()));
    }
}
