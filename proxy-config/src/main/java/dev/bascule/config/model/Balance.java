package dev.bascule.config.model;

import java.util.List;

/**
 * A backend's {@code balance} algorithm and its arguments as written, with its {@code hash-type}:
 * {@code map-based} (the default) or {@code consistent}, a hash function ({@code sdbm} by default) and
 * whether {@code avalanche} applies, and its {@code hash-balance-factor} (0 when unset: no bound on loads).
 */
public record Balance(String algorithm, List<String> arguments, String hashType, String hashFunction,
                      boolean avalanche, int balanceFactor) {
    public static final Balance ROUNDROBIN = new Balance("roundrobin", List.of(), "map-based", "sdbm", false, 0);

    public Balance {
        arguments = List.copyOf(arguments);
    }

    public Balance withHashType(String type, String function, boolean avalanche) {
        return new Balance(algorithm, arguments, type, function, avalanche, balanceFactor);
    }

    public Balance withAlgorithm(String algorithm, List<String> arguments) {
        return new Balance(algorithm, arguments, hashType, hashFunction, avalanche, balanceFactor);
    }

    public Balance withBalanceFactor(int factor) {
        return new Balance(algorithm, arguments, hashType, hashFunction, avalanche, factor);
    }

    public boolean consistent() {
        return hashType.equals("consistent");
    }
}
