package dev.bascule.config.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link ConfigDiff} as one log line, in HAProxy's words: {@code +} added, {@code -} removed, {@code ~} changed
 * with what changed in parentheses. Global first, since a global change a reload cannot apply decides whether
 * there is a reload at all; then frontends and their listeners, backends and their servers, other sections.
 */
final class Summary {
    private Summary() {
    }

    static String of(ConfigDiff d) {
        if (d.isEmpty()) {
            return ConfigDiff.LINE_START + "no change";
        }
        List<String> parts = new ArrayList<>();
        changed(parts, "global", d.global());
        d.ordering().forEach(o -> parts.add("~" + o.name() + " (" + o.before() + " -> " + o.after() + ")"));
        each(parts, "+frontend ", d.frontendsAdded(), Function.identity());
        each(parts, "-frontend ", d.frontendsRemoved(), Function.identity());
        d.frontendsChanged().forEach(f -> changed(parts, "frontend " + f.name(), f.changes()));
        each(parts, "+listener ", d.listenersAdded(), Object::toString);
        each(parts, "-listener ", d.listenersRemoved(), Object::toString);
        each(parts, "+backend ", d.backendsAdded(), Function.identity());
        each(parts, "-backend ", d.backendsRemoved(), Function.identity());
        for (BackendChange b : d.backendsChanged()) {
            changed(parts, "backend " + b.name(), b.changes());
            each(parts, "+server " + b.name() + "/", b.serversAdded(), Function.identity());
            each(parts, "-server " + b.name() + "/", b.serversRemoved(), Function.identity());
            b.serversChanged().forEach(s -> changed(parts, "server " + b.name() + "/" + s.server(), s.changes()));
        }
        each(parts, "+", d.sectionsAdded(), Function.identity());
        each(parts, "-", d.sectionsRemoved(), Function.identity());
        each(parts, "~", d.sectionsChanged(), Function.identity());
        String line = ConfigDiff.LINE_START + String.join(", ", parts);
        List<FieldChange> restart = d.notReloadable();
        return restart.isEmpty() ? line : line + "; a reload cannot apply global "
                + String.join(", ", restart.stream().map(FieldChange::name).toList()) + ConfigDiff.RESTART;
    }

    private static <T> void each(List<String> parts, String prefix, List<T> items, Function<T, ?> name) {
        items.forEach(i -> parts.add(prefix + name.apply(i)));
    }

    /** {@code ~what (a 1 -> 2, b x -> y)}, or nothing when only children changed. */
    private static void changed(List<String> parts, String what, List<FieldChange> changes) {
        if (!changes.isEmpty()) {
            parts.add("~" + what + " (" + String.join(", ", changes.stream().map(FieldChange::toString).toList())
                    + ")");
        }
    }
}
