package dev.bascule.config.model;

import java.util.List;

/**
 * The conditions {@code http-request use-service} evaluates exactly until the sample layer exists:
 * {@code { path P... }} or {@code { path_beg P... }} after {@code if} or {@code unless}, or none (every request).
 *
 * @param prefix {@code path_beg} rather than {@code path}
 * @param paths  any of them matches; empty with no condition
 * @param negate written with {@code unless}
 */
public record PathCondition(boolean prefix, List<String> paths, boolean negate) {
    /** No condition: every request. */
    public static final PathCondition ALWAYS = new PathCondition(false, List.of(), false);

    public PathCondition {
        paths = List.copyOf(paths);
    }

    /** @param path the request's path (its target up to the query string) */
    public boolean matches(String path) {
        if (paths.isEmpty()) {
            return !negate;
        }
        boolean any = false;
        for (String p : paths) {
            if (prefix ? path.startsWith(p) : path.equals(p)) {
                any = true;
                break;
            }
        }
        return any != negate;
    }
}
