package dev.bascule.config.model;

import java.util.List;

/**
 * A {@code userlist} section (doc section 3.4): the users {@code http_auth} and {@code http_auth_group} check
 * credentials against, each with its password and every group it belongs to (from its {@code groups} and from the
 * groups' {@code users}).
 */
public record Userlist(String name, List<User> users, List<String> groups, Source source) {
    /** @param password null for a user declared without one, who never authenticates */
    public record User(String name, Password password, List<String> groups) {
        public User {
            groups = List.copyOf(groups);
        }
    }

    /** {@code password <crypt(3) hash>} or {@code insecure-password <text>}. */
    public record Password(Kind kind, String value) {
        public enum Kind { HASH, INSECURE }
    }

    public Userlist {
        users = List.copyOf(users);
        groups = List.copyOf(groups);
    }

    /** Positions are not part of a model's identity: see {@link Values}. */
    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }
}
