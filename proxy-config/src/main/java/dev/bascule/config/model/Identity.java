package dev.bascule.config.model;

/**
 * Who the process serves as: {@code user}/{@code uid} and {@code group}/{@code gid} of the global section. An id is
 * -1 when not set, or when its name ({@code user}, {@code group}: kept for messages) is not in this system's account
 * database, which startup refuses.
 */
public record Identity(String user, int uid, String group, int gid) {
    public static final Identity NONE = new Identity(null, -1, null, -1);

    public boolean hasUser() {
        return user != null;
    }

    public boolean hasGroup() {
        return group != null;
    }

    public boolean isSet() {
        return hasUser() || hasGroup();
    }

    /** @param uid null when the name is unknown here */
    public Identity withUser(String name, Integer uid) {
        return new Identity(name, uid == null ? -1 : uid, group, gid);
    }

    public Identity withGroup(String name, Integer gid) {
        return new Identity(user, uid, name, gid == null ? -1 : gid);
    }
}
