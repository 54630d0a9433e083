package dev.bascule.config.diff;

import dev.bascule.config.model.Balance;
import dev.bascule.config.model.BindTls;
import dev.bascule.config.model.CheckSettings;
import dev.bascule.config.model.CookieSettings;
import dev.bascule.config.model.HttpSettings;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.ServerTls;
import dev.bascule.config.model.ServerDns;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.StatsSettings;
import dev.bascule.config.model.Timeouts;
import dev.bascule.config.model.TlsSettings;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The settings that differ between two records of one type, walked component by component so that a setting
 * added to the model later shows up in the diff without anyone listing it. Positions ({@link Source}) are never
 * compared. Groups of settings ({@link Timeouts}, a server's {@link ServerCheck}, ...) are opened so that the diff
 * says {@code timeout connect 5000ms -> 3000ms}, not that "the timeouts" changed.
 */
final class Fields {
    /** Records whose components are settings of their own, each named in the diff. */
    private static final Set<Class<?>> GROUPS = Set.of(ServerCheck.class, ServerCheck.Agent.class, ServerDns.class,
            Timeouts.class, Balance.class, CheckSettings.class, HttpSettings.class, StatsSettings.class,
            CookieSettings.class, ServerTls.class, BindTls.class, TlsSettings.class);

    private Fields() {
    }

    /** @param skip components compared elsewhere (names, children keyed by name) */
    static List<FieldChange> between(Record before, Record after, Set<String> skip) {
        List<FieldChange> out = new ArrayList<>();
        walk(before, after, "", skip, out);
        return out;
    }

    private static void walk(Record before, Record after, String prefix, Set<String> skip, List<FieldChange> out) {
        for (RecordComponent c : before.getClass().getRecordComponents()) {
            String path = prefix + c.getName();
            if (c.getType() == Source.class || skip.contains(path)) {
                continue;
            }
            Object a = get(c, before);
            Object b = get(c, after);
            if (Objects.equals(a, b)) {
                continue;
            }
            if (a instanceof Record ra && b instanceof Record rb && GROUPS.contains(c.getType())) {
                walk(ra, rb, path + ".", skip, out);
            } else {
                out.add(new FieldChange(FieldNames.of(path), FieldNames.render(c.getName(), a),
                        FieldNames.render(c.getName(), b)));
            }
        }
    }

    private static Object get(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("model records are public: " + r.getClass(), e);
        }
    }
}
