package dev.bascule.core.balance;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Hash functions, the map-based table and the consistent-hash ring against HAProxy 2.6. The TSV fixtures
 * were recorded from a real haproxy by {@code bench/haproxy-ground-truth.py}.
 */
class HashFunctionTest {
    private static final String[] NAMES = {"a", "b", "c", "d", "e", "f", "g", "h"};

    // ------------------------------------------------------------------ known values

    /** Reference values from HAProxy 2.6's own src/hash.c compiled natively. */
    @Test
    void known_values() {
        String[] keys = {"", "a", "/key/0", "/key/199", "123456789", "The quick brown fox jumps over the lazy dog"};
        int[][] expected = { // sdbm, djb2, wt6, crc32
                {0x00000000, 0x00001505, 0xf99a0360, 0x00000000},
                {0x00000061, 0x0002b606, 0x714bf225, 0xe8b7be43},
                {0x0ce64b11, 0x7d4b237c, 0x01db174f, 0xcac70c33},
                {0xf186f052, 0xfca1fe4f, 0x86951acd, 0xec479ea6},
                {0x68a07035, 0x35cdbb82, 0x84a16c1d, 0xcbf43926},
                {0x8ca77173, 0x34cc38de, 0xe4e7b045, 0x414fa339},
        };
        HashFunction[] fns = {HashFunction.SDBM, HashFunction.DJB2, HashFunction.WT6, HashFunction.CRC32};
        for (int k = 0; k < keys.length; k++) {
            for (int f = 0; f < fns.length; f++) {
                assertEquals(Integer.toHexString(expected[k][f]), Integer.toHexString(fns[f].hash(keys[k])),
                        fns[f] + "(\"" + keys[k] + "\")");
            }
        }
    }

    @Test
    void offset_and_length_select_a_slice() {
        byte[] buf = "xx/key/0yy".getBytes(StandardCharsets.ISO_8859_1);
        for (HashFunction f : HashFunction.values()) {
            assertEquals(f.hash("/key/0"), f.hash(buf, 2, 6), f.toString());
        }
    }

    @Test
    void crc32_is_the_standard_crc() {
        Random random = new Random(42);
        for (int n = 0; n < 200; n++) {
            byte[] data = new byte[random.nextInt(100)];
            random.nextBytes(data);
            CRC32 crc = new CRC32();
            crc.update(data);
            assertEquals((int) crc.getValue(), HashFunction.CRC32.hash(data));
        }
    }

    @Test
    void avalanche_matches_full_hash() {
        int[][] pairs = {{0x00000000, 0xab4ed927}, {0x00000001, 0x348681b6}, {0x00001000, 0x49c2008b},
                {0x00001001, 0xa4972c87}, {0xffffffff, 0x7e64c182}, {123456789, 0x99ab9e21}};
        for (int[] p : pairs) {
            assertEquals(Integer.toHexString(p[1]), Integer.toHexString(HashFunction.avalanche(p[0])));
        }
    }

    @Test
    void names_are_the_config_keywords() {
        assertEquals(HashFunction.SDBM, HashFunction.named("sdbm"));
        assertEquals(HashFunction.DJB2, HashFunction.named("djb2"));
        assertEquals(HashFunction.WT6, HashFunction.named("wt6"));
        assertEquals(HashFunction.CRC32, HashFunction.named("crc32"));
        assertThrows(IllegalArgumentException.class, () -> HashFunction.named("none"));
        assertThrows(IllegalArgumentException.class, () -> HashFunction.named("SDBM"));
    }

    // ------------------------------------------------------------------ map table

    @Test
    void weight_map_order() {
        assertArrayEquals(new int[]{0, 0, 1, 0, 1, 2}, WeightMap.of(3, 2, 1).toArray());
        assertArrayEquals(new int[]{0, 1, 3, 2, 3, 1, 2, 3, 2, 3}, WeightMap.of(1, 2, 3, 4).toArray());
        assertArrayEquals(WeightMap.of(1, 2, 3).toArray(), WeightMap.of(2, 4, 6).toArray());
        assertArrayEquals(new int[]{0, 0, 2}, WeightMap.of(2, 0, 1).toArray());
        assertArrayEquals(new int[]{1}, WeightMap.of(0, 7).toArray());
        assertEquals(0, WeightMap.of(0, 0).size());
        // the divisor covers servers that are down too: 2:4 with a down weight-3 server is not reduced to 1:2
        assertEquals(6, WeightMap.of(new int[]{2, 4, 3}, new boolean[]{true, true, false}).size());
    }

    /** static-rr walks the map from slot 0, so the recorded sequences are the table repeated. */
    @Test
    void static_rr_fixture() {
        List<String[]> rows = fixture("static-rr-sequences.tsv", "weights", "sequence");
        assertFalse(rows.isEmpty());
        for (String[] row : rows) {
            WeightMap map = WeightMap.of(weights(row[0]));
            List<String> expected = Arrays.asList(row[1].split(","));
            List<String> actual = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                actual.add(NAMES[map.slot(i % map.size())]);
            }
            assertEquals(expected, actual, "static-rr " + row[0]);
        }
    }

    // ------------------------------------------------------------------ balance uri / source

    /** The hash `balance uri` uses, given the "hash-type" function column of the fixtures. */
    private static int uriHash(String hashType, String function, String uri) {
        String[] parts = function.split(" ");
        boolean byDefault = parts[0].equals("default");
        HashFunction fn = byDefault ? HashFunction.SDBM : HashFunction.named(parts[0]);
        // an explicit function takes avalanche only when written; no function means sdbm, plus avalanche
        // for consistent only
        boolean avalanche = byDefault ? hashType.equals("consistent") : parts.length > 1 && parts[1].equals("avalanche");
        int h = fn.hash(uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri);
        return avalanche ? HashFunction.avalanche(h) : h;
    }

    @Test
    void map_based_uri_fixture() {
        List<String[]> rows = fixture("hash-map-based.tsv", "hash_type", "function", "weights", "uri", "server");
        assertEquals(2 * 9 * 200, rows.size());
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (String[] row : rows) {
            assertEquals("map-based", row[0]);
            WeightMap map = WeightMap.of(weights(row[2]));
            String key = row[1] + " " + row[2] + " " + row[3] + " -> ";
            expected.add(key + row[4]);
            actual.add(key + NAMES[map.lookup(uriHash(row[0], row[1], row[3]))]);
        }
        assertEquals(expected, actual);
    }

    @Test
    void consistent_uri_fixture() {
        List<String[]> rows = fixture("hash-consistent.tsv", "hash_type", "function", "weights", "uri", "server");
        assertEquals(2 * 9 * 200, rows.size());
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (String[] row : rows) {
            assertEquals("consistent", row[0]);
            ConsistentHashRing<String> ring = ring(weights(row[2]));
            String key = row[1] + " " + row[2] + " " + row[3] + " -> ";
            expected.add(key + row[4]);
            actual.add(key + ring.get(uriHash(row[0], row[1], row[3])));
        }
        assertEquals(expected, actual);
    }

    @Test
    void consistent_removal_fixture() {
        List<String[]> rows = fixture("hash-consistent-removal.tsv", "uri", "server_with_4", "server_with_3");
        assertEquals(200, rows.size());
        ConsistentHashRing<String> four = ring(new int[]{1, 1, 1, 1});
        ConsistentHashRing<String> three = ring(new int[]{1, 1, 1});
        for (String[] row : rows) {
            int h = HashFunction.SDBM.hash(row[0]);
            assertEquals(row[1], four.get(h), row[0] + " with 4 servers");
            assertEquals(row[2], three.get(h), row[0] + " with 3 servers");
        }
    }

    /** balance source, map-based: the IPv4 address as a big-endian integer, no avalanche, mod total weight. */
    @Test
    void source_hash_fixture() throws UnknownHostException {
        List<String[]> rows = fixture("source-hash.tsv", "source_ip", "server");
        assertEquals(20, rows.size());
        WeightMap map = WeightMap.of(1, 1, 1);
        for (String[] row : rows) {
            int h = ByteBuffer.wrap(InetAddress.getByName(row[0]).getAddress()).getInt();
            assertEquals(row[1], NAMES[map.lookup(h)], row[0]);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Servers a, b, c... with ids 1, 2, 3... as HAProxy numbers them by default. */
    private static ConsistentHashRing<String> ring(int[] weights) {
        List<String> names = Arrays.asList(NAMES).subList(0, weights.length);
        return ConsistentHashRing.of(names, n -> names.indexOf(n) + 1, n -> weights[names.indexOf(n)]);
    }

    private static int[] weights(String spec) {
        return Arrays.stream(spec.split(":")).mapToInt(Integer::parseInt).toArray();
    }

    /** Data rows of a fixture (comment lines skipped, header checked). */
    static List<String[]> fixture(String name, String... header) {
        try (InputStream in = HashFunctionTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String[]> rows = new ArrayList<>();
            boolean headerSeen = false;
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                if (!headerSeen) {
                    assertArrayEquals(header, cells, name + " header");
                    headerSeen = true;
                } else {
                    assertEquals(header.length, cells.length, name + ": " + line);
                    rows.add(cells);
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
