package dev.bascule.config.model;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Value equality for the model's records that carry a {@link Source} (or, for {@link Config}, {@link Hosts}):
 * every component counts except those, because positions, like what a name resolved to when the file was read,
 * are not part of a model's identity. A comment added above a server, a
 * blank line, or a {@code timeout} line moved within its section moves the servers' lines without changing what
 * runs, and a reload must see "no change" there.
 *
 * <p>Why here rather than a {@code Source} whose {@code equals} is always true: {@code Source} is also the
 * position of a {@link dev.bascule.config.Diagnostic} and of a parser's line, where two different lines must stay
 * different (a test asserting "line 12" must fail on line 13). Why by the record's components rather than a
 * hand-written {@code equals} per record: a component added later is compared without anyone remembering to,
 * and {@code ValuesTest} checks that every component but the positions is.
 */
final class Values {
    private static final MethodType ACCESSOR = MethodType.methodType(Object.class, Object.class);
    /**
     * The record's compared accessors, looked up once per class, typed {@code (Object)Object} so that they are
     * called exactly: a reload compares every server of the config, and a generic call adapts its types each time.
     */
    private static final ClassValue<List<MethodHandle>> COMPARED = new ClassValue<>() {
        @Override
        protected List<MethodHandle> computeValue(Class<?> type) {
            List<MethodHandle> out = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                if (c.getType() != Source.class && c.getType() != Hosts.class) {
                    try {
                        out.add(MethodHandles.publicLookup().unreflect(c.getAccessor()).asType(ACCESSOR));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("model records are public: " + type, e);
                    }
                }
            }
            return List.copyOf(out);
        }
    };

    private Values() {
    }

    static boolean equal(Record self, Object other) {
        if (self == other) {
            return true;
        }
        if (other == null || other.getClass() != self.getClass()) {
            return false;
        }
        for (MethodHandle accessor : COMPARED.get(self.getClass())) {
            if (!Objects.equals(get(accessor, self), get(accessor, other))) {
                return false;
            }
        }
        return true;
    }

    static int hash(Record self) {
        int h = self.getClass().hashCode();
        for (MethodHandle accessor : COMPARED.get(self.getClass())) {
            h = 31 * h + Objects.hashCode(get(accessor, self));
        }
        return h;
    }

    private static Object get(MethodHandle accessor, Object record) {
        try {
            return (Object) accessor.invokeExact(record);
        } catch (Throwable e) {
            throw new IllegalStateException("a record accessor failed", e);
        }
    }
}
