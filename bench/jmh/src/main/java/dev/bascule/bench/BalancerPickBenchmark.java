package dev.bascule.bench;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Balance;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.Source;
import dev.bascule.core.ServerState;
import dev.bascule.core.balance.Balancer;
import dev.bascule.core.balance.LeastConn;
import dev.bascule.core.balance.RandomDraws;
import dev.bascule.core.balance.RoundRobin;
import dev.bascule.core.balance.ServerPool;
import dev.bascule.core.balance.HashBalancer;
import dev.bascule.core.balance.HashKeys;
import dev.bascule.core.balance.StaticRoundRobin;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What one balancer pick costs, for backends of 2, 100 and 10,000 servers with mixed weights. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerPickBenchmark {
    @Param({"2", "100", "10000"})
    int servers;

    @Param({"roundrobin", "static-rr", "leastconn", "source", "random", "uri", "uri-consistent"})
    String algorithm;

    private Balancer balancer;
    private InetSocketAddress client;
    private HttpRequest request;

    @Setup
    public void setup() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<ServerState> list = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            Server s = new Server("s" + i, new Source("bench", i), Address.inet("127.0.0.1", 80), i + 1, 1 + i % 7,
                    0, 0, false, false, null, ServerCheck.NONE, List.of());
            list.add(new ServerState("b", s, lo, new InetSocketAddress(lo, 80), NioSocketChannel.class));
        }
        ServerPool pool = new ServerPool(list);
        balancer = switch (algorithm) {
            case "static-rr" -> new StaticRoundRobin(pool, false);
            case "leastconn" -> new LeastConn(pool, false);
            case "source" -> new HashBalancer(pool, false, HashKeys.source(false), false, 0);
            case "uri" -> new HashBalancer(pool, false, HashKeys.of(Balance.ROUNDROBIN.withAlgorithm("uri", List.of())),
                    false, 0);
            case "uri-consistent" -> new HashBalancer(pool, false, HashKeys.of(new Balance("uri", List.of(),
                    "consistent", "sdbm", true, 0)), true, 0);
            case "random" -> new RandomDraws(pool, false, 2);
            default -> new RoundRobin(pool, false);
        };
        client = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 40000);
        request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/static/img/logo-2026.png?v=3");
    }

    @Benchmark
    public ServerState pick() {
        return balancer.pick(null, client, request);
    }
}
