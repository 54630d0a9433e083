package dev.bascule.config.diff;

import dev.bascule.config.model.Address;

import java.util.List;

/**
 * A frontend present before and after: its settings that differ, and its listeners opened and closed, by
 * address. A listener whose address stays keeps its socket across the reload.
 */
public record FrontendChange(String name, List<FieldChange> changes, List<Address> listenersAdded,
                             List<Address> listenersRemoved) {
    public FrontendChange {
        changes = List.copyOf(changes);
        listenersAdded = List.copyOf(listenersAdded);
        listenersRemoved = List.copyOf(listenersRemoved);
    }
}
