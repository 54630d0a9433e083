package dev.bascule.stats;

import dev.bascule.config.model.Source;
import dev.bascule.core.FrontendState;
import dev.bascule.core.Runtime;
import dev.bascule.core.ServerState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's numeric ids, the same for {@code show stat} (iid, sid), {@code show servers state} (be_id, srv_id)
 * and the page. A proxy's id is its rank among the proxies in declaration order (a {@code listen} section is one
 * proxy); a server's is the one its section gave it ({@code id} keyword, else the lowest free one).
 */
final class ProxyIds {
    private final Map<String, Integer> ids = new LinkedHashMap<>();

    private ProxyIds(List<String> declared) {
        declared.forEach(name -> ids.putIfAbsent(name, ids.size() + 1));
    }

    static ProxyIds of(Runtime runtime) {
        record Declared(String name, Source source) {
        }
        List<Declared> proxies = new ArrayList<>();
        runtime.frontends().forEach(f -> proxies.add(new Declared(f.name(), f.config().source())));
        runtime.backends().forEach(b -> proxies.add(new Declared(b.name(), b.config().source())));
        // Files in the order they were read: each kind's list follows it, frontends' first.
        List<String> files = proxies.stream().map(p -> p.source().file()).distinct().toList();
        proxies.sort(Comparator.comparingInt((Declared p) -> files.indexOf(p.source().file()))
                .thenComparingInt(p -> p.source().line()));
        return new ProxyIds(proxies.stream().map(Declared::name).toList());
    }

    /** The proxies' names, in id order. */
    List<String> proxies() {
        return List.copyOf(ids.keySet());
    }

    int proxy(String name) {
        return ids.getOrDefault(name, 0);
    }

    /** Bascule does not apply the {@code id} keyword of proxy sections yet: every proxy id is automatic. */
    boolean proxyForced(String name) {
        return false;
    }

    static int server(ServerState s) {
        return s.config().id();
    }

    static boolean serverForced(ServerState s) {
        return s.config().forcedId();
    }

    /** The frontend side of a proxy, or null for a backend alone. */
    static FrontendState frontend(Runtime runtime, String name) {
        return runtime.frontends().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }
}
