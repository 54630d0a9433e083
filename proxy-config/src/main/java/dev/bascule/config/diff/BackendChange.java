package dev.bascule.config.diff;

import java.util.List;

/**
 * A backend present before and after: its own settings that differ ({@code changes}, empty when only servers
 * moved), and its servers added, removed and changed, by name.
 */
public record BackendChange(String name, List<FieldChange> changes, List<String> serversAdded,
                            List<String> serversRemoved, List<ServerChange> serversChanged) {
    public BackendChange {
        changes = List.copyOf(changes);
        serversAdded = List.copyOf(serversAdded);
        serversRemoved = List.copyOf(serversRemoved);
        serversChanged = List.copyOf(serversChanged);
    }
}
