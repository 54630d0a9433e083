package dev.bascule.config.model;

import java.util.List;
import java.util.Optional;

/** A whole parsed configuration: immutable, defaults resolved, cross-checked. */
public record Config(Global global, List<Frontend> frontends, List<Backend> backends,
                     List<OtherSection> otherSections) {
    public Config {
        frontends = List.copyOf(frontends);
        backends = List.copyOf(backends);
        otherSections = List.copyOf(otherSections);
    }

    public Optional<Backend> backend(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst();
    }
}
