package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.util.List;

/**
 * A walk over a {@link WeightMap}, slot after slot (HAProxy's {@code map_get_next_server}): {@code static-rr}
 * itself, and the round robin that hashing algorithms fall back to for a request without a key.
 */
final class MapCursor {
    private int next;

    /** @return the next server with a free slot other than {@code avoid}; {@code avoid} if none; else null */
    ServerState next(WeightMap map, List<ServerState> group, ServerState avoid) {
        for (int tries = 0; tries < map.size(); tries++) {
            ServerState s = group.get(map.slot(next));
            next = (next + 1) % map.size();
            if (s != avoid && s.hasSlot()) {
                return s;
            }
        }
        return avoid != null && avoid.hasSlot() ? avoid : null;
    }

    /** The map was rebuilt: stay within it. */
    void resized(WeightMap map) {
        next = map.size() == 0 ? 0 : next % map.size();
    }
}
