package dev.bascule.config.model;

import dev.bascule.config.sample.SampleExpr;

import java.util.List;

/**
 * A backend's {@code balance} algorithm and its arguments as written, with its {@code hash-type}:
 * {@code map-based} (the default) or {@code consistent}, a hash function ({@code sdbm} by default) and
 * whether {@code avalanche} applies, and its {@code hash-balance-factor} (0 when unset: no bound on loads).
 * {@code expression} is {@code balance hash}'s sample expression, compiled; null for the other algorithms.
 */
public record Balance(String algorithm, List<String> arguments, String hashType, String hashFunction,
                      boolean avalanche, int balanceFactor, SampleExpr expression) {
    public static final Balance ROUNDROBIN = new Balance("roundrobin", List.of(), "map-based", "sdbm", false, 0);

    public Balance {
        arguments = List.copyOf(arguments);
    }

    /** An algorithm that hashes no expression. */
    public Balance(String algorithm, List<String> arguments, String hashType, String hashFunction, boolean avalanche,
                   int balanceFactor) {
        this(algorithm, arguments, hashType, hashFunction, avalanche, balanceFactor, null);
    }

    public Balance withHashType(String type, String function, boolean avalanche) {
        return new Balance(algorithm, arguments, type, function, avalanche, balanceFactor, expression);
    }

    public Balance withAlgorithm(String algorithm, List<String> arguments) {
        return new Balance(algorithm, arguments, hashType, hashFunction, avalanche, balanceFactor, null);
    }

    /** {@code balance hash <expression>}. */
    public Balance withExpression(List<String> arguments, SampleExpr expression) {
        return new Balance("hash", arguments, hashType, hashFunction, avalanche, balanceFactor, expression);
    }

    public Balance withBalanceFactor(int factor) {
        return new Balance(algorithm, arguments, hashType, hashFunction, avalanche, factor, expression);
    }

    public boolean consistent() {
        return hashType.equals("consistent");
    }
}
