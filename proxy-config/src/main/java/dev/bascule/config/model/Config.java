package dev.bascule.config.model;

import java.util.List;
import java.util.Optional;

/**
 * A whole parsed configuration: immutable, defaults resolved, cross-checked.
 *
 * <p>Equality is by value and leaves out where things were written: every record that carries a {@link Source}
 * compares all its other components (see {@link Values}), so two parses of the same configuration with comments,
 * blank lines or keywords moved within their section are equal, and a reload that finds them equal has nothing to
 * do. Order stays part of the value where HAProxy reads it: proxies, servers (numbered and, with
 * {@code balance first}, used in that order), binds and kept lines. What the server names resolved to when the
 * file was read ({@link Hosts}) is carried for the runtime and left out of the value too. Every collection is an unmodifiable copy and
 * no record holds an array. {@link dev.bascule.config.diff.ConfigDiff} says, by name, what differs.
 */
public record Config(Global global, List<Frontend> frontends, List<Backend> backends,
                     List<OtherSection> otherSections, List<Resolvers> resolvers, Hosts hosts,
                     List<Userlist> userlists) {
    public Config {
        userlists = List.copyOf(userlists);
        resolvers = List.copyOf(resolvers);
        frontends = List.copyOf(frontends);
        backends = List.copyOf(backends);
        otherSections = List.copyOf(otherSections);
    }

    /** The resolver's answers ({@link Hosts}) are left out, as positions are. */
    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }

    public Optional<Resolvers> resolvers(String name) {
        return resolvers.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public Optional<Userlist> userlist(String name) {
        return userlists.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    public Optional<Backend> backend(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst();
    }
}
