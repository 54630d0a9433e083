package dev.bascule.core.balance;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Balance;

/** The balancer a backend's {@code balance} line asks for. */
public final class Balancers {
    private Balancers() {
    }

    public static Balancer of(Backend backend, ServerPool pool) {
        Balance b = backend.balance();
        boolean all = backend.checks().allBackups();
        String algorithm = b.algorithm().replaceAll("\\(.*", "");
        return switch (algorithm) {
            case "static-rr" -> new StaticRoundRobin(pool, all);
            case "leastconn" -> new LeastConn(pool, all);
            case "first" -> new First(pool, all);
            case "source", "uri", "url_param", "hdr", "hash" ->
                    new HashBalancer(pool, all, HashKeys.of(b), b.consistent(), b.balanceFactor());
            case "random" -> new RandomDraws(pool, all, draws(b.algorithm()));
            default -> new RoundRobin(pool, all);
        };
    }

    private static int draws(String algorithm) {
        int open = algorithm.indexOf('(');
        return open < 0 ? 2 : Integer.parseInt(algorithm.substring(open + 1, algorithm.length() - 1));
    }
}
