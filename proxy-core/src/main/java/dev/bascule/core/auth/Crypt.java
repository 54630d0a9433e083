package dev.bascule.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The crypt(3) password hashes a {@code userlist}'s {@code password} holds, written from their public specifications:
 * MD5-crypt ({@code $1$}, Poul-Henning Kamp's), SHA-256-crypt ({@code $5$}) and SHA-512-crypt ({@code $6$}, Ulrich
 * Drepper's "Unix crypt using SHA-256 and SHA-512", with {@code rounds=}). What {@code openssl passwd -1/-5/-6} and
 * glibc's {@code crypt()} make, which HAProxy checks with.
 */
public final class Crypt {
    private static final String ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int SHA_ROUNDS_DEFAULT = 5000;
    private static final int SHA_ROUNDS_MIN = 1000;
    private static final int SHA_ROUNDS_MAX = 999_999_999;

    private Crypt() {
    }

    /** Whether {@code password} hashes to {@code hash}; false for a hash of a scheme not known here. */
    public static boolean matches(String password, String hash) {
        String computed = crypt(password, hash);
        return computed != null && MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                hash.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The hash of {@code password} with the scheme, rounds and salt of {@code setting} (a whole hash, or its part
     * before the last '$'); null when the scheme is not MD5, SHA-256 or SHA-512.
     */
    public static String crypt(String password, String setting) {
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        if (setting.startsWith("$1$")) {
            return md5(p, salt(setting.substring(3), 8));
        }
        if (setting.startsWith("$5$")) {
            return sha(p, setting.substring(3), "SHA-256", "$5$");
        }
        if (setting.startsWith("$6$")) {
            return sha(p, setting.substring(3), "SHA-512", "$6$");
        }
        return null;
    }

    /** The salt: up to {@code max} characters, ending at a '$'. */
    private static String salt(String s, int max) {
        int end = s.indexOf('$');
        s = end < 0 ? s : s.substring(0, end);
        return s.length() > max ? s.substring(0, max) : s;
    }

    private static String md5(byte[] p, String saltText) {
        byte[] s = saltText.getBytes(StandardCharsets.UTF_8);
        MessageDigest ctx = digest("MD5");
        ctx.update(p);
        ctx.update("$1$".getBytes(StandardCharsets.US_ASCII));
        ctx.update(s);
        MessageDigest alt = digest("MD5");
        alt.update(p);
        alt.update(s);
        alt.update(p);
        byte[] f = alt.digest();
        for (int left = p.length; left > 0; left -= 16) {
            ctx.update(f, 0, Math.min(left, 16));
        }
        for (int i = p.length; i != 0; i >>>= 1) {
            ctx.update((i & 1) != 0 ? 0 : p[0]);
        }
        f = ctx.digest();
        for (int i = 0; i < 1000; i++) {
            MessageDigest r = digest("MD5");
            r.update((i & 1) != 0 ? p : f);
            if (i % 3 != 0) {
                r.update(s);
            }
            if (i % 7 != 0) {
                r.update(p);
            }
            r.update((i & 1) != 0 ? f : p);
            f = r.digest();
        }
        StringBuilder out = new StringBuilder("$1$").append(saltText).append('$');
        int[][] groups = {{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}};
        for (int[] g : groups) {
            encode(out, f[g[0]], f[g[1]], f[g[2]], 4);
        }
        encode(out, (byte) 0, (byte) 0, f[11], 2);
        return out.toString();
    }

    private static String sha(byte[] p, String rest, String algorithm, String prefix) {
        int rounds = SHA_ROUNDS_DEFAULT;
        boolean customRounds = false;
        if (rest.startsWith("rounds=")) {
            int end = rest.indexOf('$');
            if (end < 0) {
                return null;
            }
            try {
                long r = Long.parseLong(rest.substring(7, end));
                rounds = (int) Math.max(SHA_ROUNDS_MIN, Math.min(SHA_ROUNDS_MAX, r));
            } catch (NumberFormatException e) {
                return null;
            }
            customRounds = true;
            rest = rest.substring(end + 1);
        }
        String saltText = salt(rest, 16);
        byte[] s = saltText.getBytes(StandardCharsets.UTF_8);
        MessageDigest b = digest(algorithm);
        b.update(p);
        b.update(s);
        b.update(p);
        byte[] bd = b.digest();
        int size = bd.length;
        MessageDigest a = digest(algorithm);
        a.update(p);
        a.update(s);
        int left = p.length;
        for (; left > size; left -= size) {
            a.update(bd);
        }
        a.update(bd, 0, left);
        for (int i = p.length; i > 0; i >>>= 1) {
            a.update((i & 1) != 0 ? bd : p);
        }
        byte[] c = a.digest();
        MessageDigest dp = digest(algorithm);
        for (int i = 0; i < p.length; i++) {
            dp.update(p);
        }
        byte[] pBytes = repeat(dp.digest(), p.length);
        MessageDigest ds = digest(algorithm);
        for (int i = 0; i < 16 + (c[0] & 0xff); i++) {
            ds.update(s);
        }
        byte[] sBytes = repeat(ds.digest(), s.length);
        MessageDigest r = digest(algorithm);
        for (int i = 0; i < rounds; i++) {
            r.update((i & 1) != 0 ? pBytes : c);
            if (i % 3 != 0) {
                r.update(sBytes);
            }
            if (i % 7 != 0) {
                r.update(pBytes);
            }
            r.update((i & 1) != 0 ? c : pBytes);
            c = r.digest();
        }
        StringBuilder out = new StringBuilder(prefix);
        if (customRounds) {
            out.append("rounds=").append(rounds).append('$');
        }
        out.append(saltText).append('$');
        // Each group of three bytes in the order the specification lists them: i, i + n, i + 2n rotated by i % 3,
        // rightwards for SHA-256 ((21, 1, 11) second), leftwards for SHA-512 ((22, 43, 1) second).
        int n = size == 32 ? 10 : 21;
        for (int i = 0; i < n; i++) {
            int[] t = {i, i + n, i + 2 * n};
            int k = size == 32 ? (3 - i % 3) % 3 : i % 3;
            encode(out, c[t[k]], c[t[(k + 1) % 3]], c[t[(k + 2) % 3]], 4);
        }
        if (size == 32) {
            encode(out, (byte) 0, c[31], c[30], 3);
        } else {
            encode(out, (byte) 0, (byte) 0, c[63], 2);
        }
        return out.toString();
    }

    /** {@code length} bytes of {@code digest} repeated. */
    private static byte[] repeat(byte[] digest, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = digest[i % digest.length];
        }
        return out;
    }

    /** crypt's base 64 of three bytes, least significant six bits first, in {@code n} characters. */
    private static void encode(StringBuilder out, byte b2, byte b1, byte b0, int n) {
        int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
        for (int i = 0; i < n; i++) {
            out.append(ALPHABET.charAt(w & 0x3f));
            w >>>= 6;
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + algorithm, e);
        }
    }
}
