package dev.bascule.config.diff;

import java.util.List;

/** A server present before and after a reload whose settings differ. */
public record ServerChange(String backend, String server, List<FieldChange> changes) {
    public ServerChange {
        changes = List.copyOf(changes);
    }
}
