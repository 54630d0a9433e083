package dev.bascule.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * HAProxy's automatic numbering of proxies and of a backend's servers (the loop of its configuration check): in
 * declaration order, an entry without an id takes the first id not given by an {@code id} keyword nor taken yet,
 * counting from a position that moves on by one for every entry, numbered or not. So after a first server with
 * {@code id 7}, the next one is 2, not 1: {@code show servers state} and {@code show stat} must say what HAProxy
 * would, or a state file saved by one would not match the other.
 */
final class AutomaticIds {
    private AutomaticIds() {
    }

    /** @param given each entry's id in declaration order, null where it is to be numbered */
    static List<Integer> assign(List<Integer> given) {
        Set<Integer> taken = new HashSet<>();
        given.stream().filter(id -> id != null).forEach(taken::add);
        List<Integer> out = new ArrayList<>();
        int next = 1;
        for (Integer id : given) {
            if (id == null) {
                while (taken.contains(next)) {
                    next++;
                }
                taken.add(next);
                out.add(next);
            } else {
                out.add(id);
            }
            next++;
        }
        return out;
    }
}
