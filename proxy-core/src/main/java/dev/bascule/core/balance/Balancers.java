package dev.bascule.core.balance;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Balance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The balancer a backend's {@code balance} line asks for. */
public final class Balancers {
    private static final Logger log = LoggerFactory.getLogger(Balancers.class);

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
            case "source" -> new SourceHash(pool, all, b.consistent());
            case "random" -> new RandomDraws(pool, all, draws(b.algorithm()));
            case "roundrobin" -> new RoundRobin(pool, all);
            default -> {
                log.debug("backend {}: 'balance {}' needs mode http; using roundrobin", backend.name(), algorithm);
                yield new RoundRobin(pool, all);
            }
        };
    }

    private static int draws(String algorithm) {
        int open = algorithm.indexOf('(');
        return open < 0 ? 2 : Integer.parseInt(algorithm.substring(open + 1, algorithm.length() - 1));
    }
}
