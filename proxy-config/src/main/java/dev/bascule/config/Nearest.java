package dev.bascule.config;

import java.util.Collection;

/** The known name nearest a misspelt one, for the "did you mean" of a diagnostic (keywords, fetches, ACLs). */
public final class Nearest {
    private Nearest() {
    }

    /** The known word nearest to {@code word}, when it is close enough to be a likely typo; null otherwise. */
    public static String to(String word, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(word, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }

    /** {@code "; did you mean 'x' maybe ?"} (HAProxy's words), or an empty string when nothing is close. */
    public static String suggestion(String word, Collection<String> known) {
        String near = to(word, known);
        return near == null ? "" : "; did you mean '" + near + "' maybe ?";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
