package dev.bascule.core.balance;

/**
 * HAProxy's server map ({@code lb_map.c}), the table behind {@code balance static-rr} and every map-based hash
 * ({@code hash-type map-based}, the default, used by {@code balance source|uri|url_param|hdr|rdp-cookie|hash}).
 *
 * <p><b>Weights.</b> Each server's map weight is its configured weight divided by the greatest common divisor
 * of the configured weights of <em>all</em> servers of the backend (zero weights skipped, down and backup
 * servers included), rounded up. So 2:4:6 behaves exactly like 1:2:3 (a 6-slot table), but 2:4 with a third
 * server of weight 3 that is down still gives a 6-slot table. A server of weight 0, or not usable, gets no slot.
 *
 * <p><b>Order.</b> The table has one slot per unit of total usable weight. It is filled slot by slot: every
 * usable server adds its weight to a running score, the server whose {@code (score + total) / total}
 * (integer division truncating toward zero) is largest wins the slot, ties going to the earliest declared
 * server, and the winner's score is lowered by the total. With one unit of total weight the single usable
 * server takes the slot. Weights 3:2:1 give {@code a a b a b c}; 1:2:3:4 give {@code a b d c d b c d c d}.
 *
 * <p><b>Use.</b> {@code static-rr} walks the table from slot 0 (skipping servers at their maxconn);
 * a map-based hash picks slot {@code hash mod total} with the hash taken as unsigned.
 * HAProxy only builds the map from the active servers, or from the backup servers when no active one is
 * usable (then only the first backup unless {@code option allbackups}); callers pass that group here.
 */
public final class WeightMap {
    private final int[] slots;

    private WeightMap(int[] slots) {
        this.slots = slots;
    }

    /** A map where every server with a positive weight is usable. */
    public static WeightMap of(int... userWeights) {
        boolean[] usable = new boolean[userWeights.length];
        for (int i = 0; i < usable.length; i++) {
            usable[i] = userWeights[i] > 0;
        }
        return of(userWeights, usable);
    }

    /**
     * @param userWeights the configured weight of every server of the backend, in declaration order
     *                    (they all count for the common divisor)
     * @param usable      which of them take part in this map (running, not in maintenance, in the group mapped)
     */
    public static WeightMap of(int[] userWeights, boolean[] usable) {
        if (usable.length != userWeights.length) {
            throw new IllegalArgumentException("weights and usable flags differ in length");
        }
        int divisor = 0;
        for (int w : userWeights) {
            if (w < 0) {
                throw new IllegalArgumentException("negative weight " + w);
            }
            divisor = gcd(divisor, w);
        }
        if (divisor == 0) {
            divisor = 1;
        }
        int[] weight = new int[userWeights.length];
        int total = 0;
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (userWeights[i] + divisor - 1) / divisor;
            if (usable[i] && weight[i] > 0) {
                total += weight[i];
            } else {
                weight[i] = 0;
            }
        }
        int[] slots = new int[total];
        int[] score = new int[weight.length];
        for (int slot = 0; slot < total; slot++) {
            int best = -1;
            int bestValue = 0;
            for (int i = 0; i < weight.length; i++) {
                if (weight[i] == 0) {
                    continue;
                }
                if (total == 1) {
                    best = i;
                    break;
                }
                score[i] += weight[i];
                int value = (score[i] + total) / total;
                if (best < 0 || value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            slots[slot] = best;
            score[best] -= total;
        }
        return new WeightMap(slots);
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** @return the total usable weight, i.e. the number of slots (0 when no server is usable) */
    public int size() {
        return slots.length;
    }

    /** @return the index (in the arrays given to {@code of}) of the server in {@code slot} */
    public int slot(int slot) {
        return slots[slot];
    }

    /** @return the server index a map-based hash lookup picks for this 32-bit (unsigned) hash, or -1 if empty */
    public int lookup(int hash) {
        return slots.length == 0 ? -1 : slots[Integer.remainderUnsigned(hash, slots.length)];
    }

    /** @return a copy of the whole table, one server index per slot */
    public int[] toArray() {
        return slots.clone();
    }
}
