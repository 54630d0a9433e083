package dev.bascule.core.balance;

import java.nio.charset.StandardCharsets;

/**
 * The hash functions selectable with HAProxy's {@code hash-type <method> <function> [avalanche]}, bit-exact
 * with HAProxy 2.6 ({@code src/hash.c}). Every function returns HAProxy's unsigned 32-bit result in a Java
 * {@code int} (same bits; compare and reduce it with {@link Integer#remainderUnsigned} and friends).
 *
 * <p>HAProxy 2.6 has exactly these four functions; {@code none} only appeared in a later version. When
 * {@code hash-type} names no function, HAProxy uses {@link #SDBM}, and for {@code consistent} (only) it
 * then also applies {@link #avalanche(int)}. With an explicit function, avalanche applies only when the
 * {@code avalanche} modifier is written.
 */
public enum HashFunction {
    /** {@code sdbm}: h = c + (h << 6) + (h << 16) - h, from 0. HAProxy's default. */
    SDBM("sdbm") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            int h = 0;
            for (int i = offset, end = offset + length; i < end; i++) {
                h = (key[i] & 0xff) + (h << 6) + (h << 16) - h;
            }
            return h;
        }
    },

    /** {@code djb2}: h = h * 33 + c, from 5381. */
    DJB2("djb2") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            int h = 5381;
            for (int i = offset, end = offset + length; i < end; i++) {
                h = (h << 5) + h + (key[i] & 0xff);
            }
            return h;
        }
    },

    /**
     * {@code wt6}: Willy Tarreau's two-word hash; each byte is folded into both words, which are then
     * rotated by amounts derived from the previous state and swapped.
     */
    WT6("wt6") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            int h0 = 0xa53c965a;
            int h1 = 0x5ca6953a;
            int rot0 = 6;
            int rot1 = 18;
            for (int i = offset, end = offset + length; i < end; i++) {
                int c = key[i] & 0xff;
                h0 = ~(h0 ^ c);
                h1 = ~(h1 + c);
                int nextH0 = Integer.rotateLeft(h1, rot0);
                h1 = Integer.rotateLeft(h0, rot1);
                h0 = nextH0;
                int mix = ((h0 >>> 16) ^ h1) & 0xffff;
                rot0 = mix & 0x1f;
                rot1 = mix >>> 11;
            }
            return h0 ^ h1;
        }
    },

    /** {@code crc32}: the ordinary reflected CRC-32 (polynomial 0xEDB88320), same as {@link java.util.zip.CRC32}. */
    CRC32("crc32") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            int crc = ~0;
            for (int i = offset, end = offset + length; i < end; i++) {
                crc ^= key[i] & 0xff;
                for (int bit = 0; bit < 8; bit++) {
                    crc = (crc >>> 1) ^ (-(crc & 1) & 0xedb88320);
                }
            }
            return ~crc;
        }
    };

    private final String configName;

    HashFunction(String configName) {
        this.configName = configName;
    }

    /** @return the 32-bit hash of {@code key[offset .. offset+length)} */
    public abstract int hash(byte[] key, int offset, int length);

    /** @return the 32-bit hash of the whole array */
    public int hash(byte[] key) {
        return hash(key, 0, key.length);
    }

    /** @return the 32-bit hash of the string's ISO-8859-1 bytes (HTTP request lines are byte strings) */
    public int hash(String key) {
        return hash(key.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** @return the lowercase name used after {@code hash-type map-based|consistent} */
    public String configName() {
        return configName;
    }

    /**
     * HAProxy's {@code full_hash()}: Bob Jenkins' 32-bit integer avalanche mix followed by a multiplication by
     * 3221225473 (mod 2^32). It is the {@code avalanche} hash modifier, and also what places consistent-hash
     * ring points ({@link ConsistentHashRing}).
     */
    public static int avalanche(int a) {
        a = (a + 0x7ed55d16) + (a << 12);
        a = (a ^ 0xc761c23c) ^ (a >>> 19);
        a = (a + 0x165667b1) + (a << 5);
        a = (a + 0xd3a2646c) ^ (a << 9);
        a = (a + 0xfd7046c5) + (a << 3);
        a = (a ^ 0xb55a4f09) ^ (a >>> 16);
        return a * (int) 3221225473L;
    }

    /**
     * @param name a function name as written in {@code hash-type} ({@code sdbm}, {@code djb2}, {@code wt6},
     *             {@code crc32}); HAProxy matches them case-sensitively, so only lowercase is accepted
     * @throws IllegalArgumentException for any other name
     */
    public static HashFunction named(String name) {
        for (HashFunction f : values()) {
            if (f.configName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown hash function '" + name
                + "': hash-type only supports 'sdbm', 'djb2', 'crc32', or 'wt6'");
    }

    @Override
    public String toString() {
        return configName;
    }
}
