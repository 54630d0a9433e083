package dev.bascule.core.balance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * HAProxy's consistent-hash ring ({@code hash-type consistent}, {@code lb_chash.c}), bit-exact with 2.6 for
 * lookups without {@code hash-balance-factor}.
 *
 * <p><b>Points.</b> A usable server with configured weight {@code w} and numeric id {@code puid} (its
 * {@code id} keyword, else its 1-based position among the backend's servers, skipping ids already taken)
 * owns {@code w * 16} points; point {@code j} sits at {@code avalanche(puid * 4096 + j)}
 * ({@link HashFunction#avalanche}). Ids, not names, place the points, so removing a server does not move
 * the others as long as their ids stay the same. Weights are not reduced by a common divisor here.
 *
 * <p><b>Lookup.</b> For a 32-bit hash, take the first point at or above it (wrapping to the lowest point)
 * and the point just before that one (wrapping to the highest). Distances are computed modulo 2^32; the
 * previous point wins when its distance is smaller or equal, the next point otherwise.
 *
 * <p><b>Walking on.</b> When the owner of that point must not be used (a server to avoid on a redispatch, one
 * above its {@code hash-balance-factor} share), the points after it are tried in order, wrapping around, as
 * HAProxy's {@code chash_get_server_hash} does.
 *
 * <p>Not modelled: the order of exactly equal point keys (vanishingly rare; kept in insertion order here).
 *
 * @param <T> the server type
 */
public final class ConsistentHashRing<T> {
    /** Points per unit of configured weight ({@code BE_WEIGHT_SCALE}). */
    public static final int POINTS_PER_WEIGHT = 16;
    /** Spacing of servers' point ids ({@code SRV_EWGHT_RANGE} = 256 * 16). */
    public static final int ID_STRIDE = 256 * POINTS_PER_WEIGHT;

    private final long[] keys;    // unsigned point keys, ascending
    private final List<T> owners; // owner of each point, same order

    private ConsistentHashRing(long[] keys, List<T> owners) {
        this.keys = keys;
        this.owners = owners;
    }

    /**
     * @param servers    the usable servers of the group (active, or backup), in declaration order
     * @param puid       each server's numeric id
     * @param userWeight each server's configured weight (0 gives no points)
     */
    public static <T> ConsistentHashRing<T> of(List<T> servers, ToIntFunction<T> puid, ToIntFunction<T> userWeight) {
        record Point<S>(long key, int order, S server) {
        }
        List<Point<T>> points = new ArrayList<>();
        for (T server : servers) {
            int id = puid.applyAsInt(server);
            int n = userWeight.applyAsInt(server) * POINTS_PER_WEIGHT;
            for (int j = 0; j < n; j++) {
                int key = HashFunction.avalanche(id * ID_STRIDE + j);
                points.add(new Point<>(Integer.toUnsignedLong(key), points.size(), server));
            }
        }
        points.sort(Comparator.<Point<T>>comparingLong(Point::key).thenComparingInt(Point::order));
        long[] keys = new long[points.size()];
        List<T> owners = new ArrayList<>(points.size());
        for (int i = 0; i < keys.length; i++) {
            keys[i] = points.get(i).key();
            owners.add(points.get(i).server());
        }
        return new ConsistentHashRing<>(keys, owners);
    }

    /** @return the number of points on the ring */
    public int size() {
        return keys.length;
    }

    /** @return the server HAProxy picks for this 32-bit (unsigned) hash, or null when the ring is empty */
    public T get(int hash) {
        return get(hash, t -> true);
    }

    /**
     * @return the owner of the point nearest {@code hash} or of the first point after it whose owner is
     * {@code usable}; the nearest one when no owner is
     */
    public T get(int hash, Predicate<T> usable) {
        int i = nearest(hash);
        if (i < 0) {
            return null;
        }
        for (int step = 0; step < keys.length; step++) {
            T owner = owners.get((i + step) % keys.length);
            if (usable.test(owner)) {
                return owner;
            }
        }
        return owners.get(i);
    }

    private int nearest(int hash) {
        if (keys.length == 0) {
            return -1;
        }
        long h = Integer.toUnsignedLong(hash);
        int next = firstAtOrAbove(h);
        if (next == keys.length) {
            next = 0;
        }
        int prev = next == 0 ? keys.length - 1 : next - 1;
        long toPrev = (h - keys[prev]) & 0xffffffffL;
        long toNext = (keys[next] - h) & 0xffffffffL;
        return toPrev <= toNext ? prev : next;
    }

    private int firstAtOrAbove(long h) {
        int i = Arrays.binarySearch(keys, h);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && keys[i - 1] == h) {
            i--;
        }
        return i;
    }
}
