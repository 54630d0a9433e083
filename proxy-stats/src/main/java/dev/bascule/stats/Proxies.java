package dev.bascule.stats;

import dev.bascule.config.model.Source;
import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.Runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * HAProxy's list of proxies as the stats walk it: in declaration order (a {@code listen} section is one proxy),
 * which is not the order of their ids once an {@code id} keyword forces one. The ids themselves (iid and sid in
 * {@code show stat}, be_id and srv_id in {@code show servers state}) are the configuration's.
 */
final class Proxies {
    private Proxies() {
    }

    /** The proxies' names, in declaration order. */
    static List<String> declared(Runtime runtime) {
        record Declared(String name, Source source) {
        }
        List<Declared> proxies = new ArrayList<>();
        runtime.frontends().forEach(f -> proxies.add(new Declared(f.name(), f.config().source())));
        runtime.backends().forEach(b -> proxies.add(new Declared(b.name(), b.config().source())));
        // Files in the order they were read: each kind's list follows it, frontends' first.
        List<String> files = proxies.stream().map(p -> p.source().file()).distinct().toList();
        proxies.sort(Comparator.comparingInt((Declared p) -> files.indexOf(p.source().file()))
                .thenComparingInt(p -> p.source().line()));
        return proxies.stream().map(Declared::name).distinct().toList();
    }

    /** The frontend side of a proxy, or null for a backend alone. */
    static FrontendState frontend(Runtime runtime, String name) {
        return runtime.frontends().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    /** A backend by name or, as HAProxy also takes one, by {@code #<id>}; null when there is none. */
    static BackendState backend(Runtime runtime, String name) {
        if (name.matches("#[0-9]+")) {
            BackendState byId = runtime.backends().stream().filter(b -> ("#" + b.config().id()).equals(name))
                    .findFirst().orElse(null);
            if (byId != null) {
                return byId;
            }
        }
        return runtime.backend(name);
    }
}
