package dev.bascule.core.sample;

import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The variables of one scope (HAProxy's {@code struct vars}): by name, each value in the run-time form of its sample
 * type (Boolean, Long, InetAddress, String, byte[]), never changed in place. A transaction's, its request's or
 * response's and a session's are touched by their connection's event loop only; the process's ({@code proc.}) by
 * every loop, so they are {@link #shared()}.
 */
public final class Vars {
    /** A client connection's variables ({@code sess.}), kept on its channel from its first rule on. */
    private static final AttributeKey<Vars> SESSION = AttributeKey.valueOf("bascule.sess.vars");

    private final Map<String, Object> values;

    private Vars(Map<String, Object> values) {
        this.values = values;
    }

    /** Variables of one event loop's connection or transaction. */
    public static Vars local() {
        return new Vars(new HashMap<>());
    }

    /** Variables every event loop reads and writes: the process's. */
    public static Vars shared() {
        return new Vars(new ConcurrentHashMap<>());
    }

    /**
     * The session variables of a client connection for its connection and session rules, kept on its channel for the
     * streams to come.
     */
    public static Vars holdSession(Channel ch) {
        Attribute<Vars> a = ch.attr(SESSION);
        Vars v = a.get();
        if (v == null) {
            v = local();
            a.set(v);
        }
        return v;
    }

    /**
     * The session variables of a client connection, for its streams: those its connection or session rules held,
     * else new ones (most connections have no such rule: no attribute is made for them).
     */
    public static Vars ofSession(Channel ch) {
        return ch.hasAttr(SESSION) ? ch.attr(SESSION).get() : local();
    }

    /** The value, or null when the variable is not set. */
    public Object get(String name) {
        return values.get(name);
    }

    public void set(String name, Object value) {
        values.put(name, value);
    }

    public void unset(String name) {
        values.remove(name);
    }
}
