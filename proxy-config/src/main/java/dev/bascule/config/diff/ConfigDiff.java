package dev.bascule.config.diff;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.OtherSection;
import dev.bascule.config.model.Resolvers;
import dev.bascule.config.model.Server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a reload changes, from the running configuration to the new one: frontends, backends and their servers
 * matched by name, listeners by address, and the {@code global} settings. It is empty exactly when the two
 * configurations are equal ({@link Config#equals}, which leaves source positions out), so a file whose only edits
 * are comments reloads as "no change".
 *
 * @param global   the {@code global} settings that differ; see {@link #notReloadable()}
 * @param ordering proxies or sections declared in another order with the same names (HAProxy numbers proxies
 *                 by declaration order, so their ids move)
 * @param sectionsAdded   other sections ({@code resolvers dns}, {@code userlist admins}, ...) by kind and name
 */
public record ConfigDiff(List<FieldChange> global, List<FieldChange> ordering,
                         List<String> frontendsAdded, List<String> frontendsRemoved,
                         List<FrontendChange> frontendsChanged,
                         List<String> backendsAdded, List<String> backendsRemoved, List<BackendChange> backendsChanged,
                         List<String> sectionsAdded, List<String> sectionsRemoved, List<String> sectionsChanged) {
    /**
     * Global settings chosen once, when the process starts: the event loops ({@code nbthread}), the poller
     * ({@code noepoll}), daemonizing, the pid file and the stats sockets (the runtime API a reload is asked
     * through). An in-process reload cannot change them; HAProxy's {@code -sf}, which starts a new process, can.
     */
    /** How the summary starts when a reload applies (a refused reload says {@code Reload refused: ...}). */
    public static final String LINE_START = "Reload: ";
    /** How the summary ends when part of it needs a restart. */
    public static final String RESTART = ": restart the process";
    public static final Set<String> NOT_RELOADABLE = Set.of("nbthread", "noepoll", "daemon", "pidfile",
            "stats socket");

    public ConfigDiff {
        global = List.copyOf(global);
        ordering = List.copyOf(ordering);
        frontendsAdded = List.copyOf(frontendsAdded);
        frontendsRemoved = List.copyOf(frontendsRemoved);
        frontendsChanged = List.copyOf(frontendsChanged);
        backendsAdded = List.copyOf(backendsAdded);
        backendsRemoved = List.copyOf(backendsRemoved);
        backendsChanged = List.copyOf(backendsChanged);
        sectionsAdded = List.copyOf(sectionsAdded);
        sectionsRemoved = List.copyOf(sectionsRemoved);
        sectionsChanged = List.copyOf(sectionsChanged);
    }

    public static ConfigDiff between(Config before, Config after) {
        List<FieldChange> ordering = new ArrayList<>();
        Keyed<String, Frontend> frontends = Keyed.by(before.frontends(), after.frontends(), Frontend::name);
        order(frontends, "frontend order", ordering);
        Keyed<String, Backend> backends = Keyed.by(before.backends(), after.backends(), Backend::name);
        order(backends, "backend order", ordering);
        Keyed<String, OtherSection> sections = Keyed.by(before.otherSections(), after.otherSections(),
                s -> s.kind() + " " + s.name());
        order(sections, "section order", ordering);
        // Resolvers sections are run, and matched by name like the others; their order means nothing.
        Keyed<String, Resolvers> dns = Keyed.by(before.resolvers(), after.resolvers(), r -> "resolvers " + r.name());
        return new ConfigDiff(Fields.between(before.global(), after.global(), Set.of()), ordering,
                frontends.added(), frontends.removed(),
                frontends.changed().stream().map(n -> frontend(frontends.before().get(n), frontends.after().get(n)))
                        .filter(f -> !f.changes().isEmpty() || !f.listenersAdded().isEmpty()
                                || !f.listenersRemoved().isEmpty()).toList(),
                backends.added(), backends.removed(),
                backends.changed().stream().map(n -> backend(backends.before().get(n), backends.after().get(n)))
                        .filter(b -> !b.changes().isEmpty() || !b.serversAdded().isEmpty()
                                || !b.serversRemoved().isEmpty() || !b.serversChanged().isEmpty()).toList(),
                concat(sections.added(), dns.added()), concat(sections.removed(), dns.removed()),
                concat(sections.changed(), dns.changed()));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static FrontendChange frontend(Frontend before, Frontend after) {
        List<FieldChange> changes = new ArrayList<>(Fields.between(before, after,
                unlessForced(before.forcedId() || after.forcedId(), "name", "binds")));
        Keyed<Address, Bind> listeners = Keyed.by(before.binds(), after.binds(), Bind::address);
        order(listeners, "bind order", changes);
        // A kept listener keeps its socket; what its line changed (a certificate, a cipher) is said as its settings.
        for (Address a : listeners.changed()) {
            Fields.between(listeners.before().get(a).options(), listeners.after().get(a).options(), Set.of())
                    .forEach(c -> changes.add(new FieldChange("bind " + a + " " + c.name(), c.before(), c.after())));
        }
        return new FrontendChange(after.name(), changes, listeners.added(), listeners.removed());
    }

    private static BackendChange backend(Backend before, Backend after) {
        List<FieldChange> changes = new ArrayList<>(Fields.between(before, after,
                unlessForced(before.forcedId() || after.forcedId(), "name", "servers")));
        Keyed<String, Server> servers = Keyed.by(before.servers(), after.servers(), Server::name);
        order(servers, "server order", changes);
        List<ServerChange> changed = servers.changed().stream().map(n -> new ServerChange(after.name(), n,
                Fields.between(servers.before().get(n), servers.after().get(n), Set.of("name")))).toList();
        return new BackendChange(after.name(), changes, servers.added(), servers.removed(), changed);
    }

    /**
     * The components a proxy's change leaves out: {@code skipped}, and its id when neither side forces it, since an
     * automatic id moves only because proxies were added, removed or reordered, which the diff says already.
     */
    private static Set<String> unlessForced(boolean forced, String... skipped) {
        Set<String> out = new java.util.HashSet<>(List.of(skipped));
        if (!forced) {
            out.add("id");
        }
        return out;
    }

    private static void order(Keyed<?, ?> keyed, String what, List<FieldChange> out) {
        if (keyed.reordered()) {
            out.add(new FieldChange(what, names(keyed.before().keySet()), names(keyed.after().keySet())));
        }
    }

    private static String names(Iterable<?> keys) {
        List<String> out = new ArrayList<>();
        keys.forEach(k -> out.add(k.toString()));
        return String.join(" ", out);
    }

    /** Nothing to do: the configurations are equal. */
    public boolean isEmpty() {
        return global.isEmpty() && ordering.isEmpty() && frontendsAdded.isEmpty() && frontendsRemoved.isEmpty()
                && frontendsChanged.isEmpty() && backendsAdded.isEmpty() && backendsRemoved.isEmpty()
                && backendsChanged.isEmpty() && sectionsAdded.isEmpty() && sectionsRemoved.isEmpty()
                && sectionsChanged.isEmpty();
    }

    /** The {@code global} changes an in-process reload cannot apply ({@link #NOT_RELOADABLE}); empty if none. */
    public List<FieldChange> notReloadable() {
        return global.stream().filter(c -> NOT_RELOADABLE.contains(c.name())).toList();
    }

    /** Listeners to open, over the frontends kept (a new frontend opens all of its own). */
    public List<Address> listenersAdded() {
        return frontendsChanged.stream().flatMap(f -> f.listenersAdded().stream()).toList();
    }

    /** Listeners to close, over the frontends kept (a removed frontend closes all of its own). */
    public List<Address> listenersRemoved() {
        return frontendsChanged.stream().flatMap(f -> f.listenersRemoved().stream()).toList();
    }

    /** The log line: {@code Reload: +server web/s3, -frontend old, ~backend api (balance roundrobin -> leastconn)}. */
    public String summary() {
        return Summary.of(this);
    }
}
