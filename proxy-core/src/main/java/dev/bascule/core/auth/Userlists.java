package dev.bascule.core.auth;

import dev.bascule.config.model.Userlist;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A generation's {@code userlist} sections by name, which {@code http_auth} and {@code http_auth_group} read. */
public final class Userlists {
    public static final Userlists NONE = new Userlists(List.of());

    private final Map<String, UserlistCheck> byName = new HashMap<>();

    public Userlists(List<Userlist> models) {
        models.forEach(m -> byName.put(m.name(), new UserlistCheck(m)));
    }

    /** The userlist called {@code name}, or null (the parser refused a rule that names none). */
    public UserlistCheck get(String name) {
        return byName.get(name);
    }
}
