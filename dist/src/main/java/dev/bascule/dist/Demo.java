package dev.bascule.dist;

import dev.bascule.config.ConfigParser;
import dev.bascule.config.ParseResult;
import dev.bascule.config.model.Server;
import dev.bascule.core.StartupException;
import dev.bascule.core.Transport;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code bascule demo}: three local web servers and the proxy in front of them, to try things out. */
@Command(name = "demo", description = "Start three local web servers and Bascule in front of them "
        + "(conf/demo.cfg), print what to try, run until Ctrl-C.")
final class Demo implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);

    @Option(names = "-f", paramLabel = "<cfgfile>", description = "Demo configuration (default: conf/demo.cfg).")
    Path configFile;

    @Override
    public Integer call() throws Exception {
        Path cfg = configFile != null ? configFile
                : Path.of(System.getProperty("bascule.home", "."), "conf", "demo.cfg");
        if (!Files.isReadable(cfg)) {
            log.error("cannot read the demo configuration {}; run from the distribution or pass -f", cfg);
            return 1;
        }
        Transport transport = Transport.select(false);
        ParseResult parsed = new ConfigParser(System::getenv, Set.of()).parse(List.of(cfg));
        ConfigReport.log(parsed.diagnostics());
        if (!parsed.valid()) {
            return 1;
        }
        Signals signals = Signals.install();
        EventLoopGroup backendLoops = transport.newEventLoops(1, "demo-backends");
        List<DemoBackend> backends = new ArrayList<>();
        RunningProxy proxy = null;
        try {
            for (var backend : parsed.config().backends()) {
                for (Server s : backend.servers()) {
                    backends.add(DemoBackend.start(s.name(), s.address(), backendLoops, transport));
                }
            }
            proxy = RunningProxy.start(parsed.config(), transport);
            printWhatToTry(parsed);
            signals.awaitStop();
            return 0;
        } catch (StartupException e) {
            log.error(e.getMessage());
            return 1;
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            backends.forEach(DemoBackend::close);
            backendLoops.shutdownGracefully().syncUninterruptibly();
        }
    }

    private static void printWhatToTry(ParseResult parsed) {
        var config = parsed.config();
        var frontend = config.frontends().stream().filter(f -> !f.stats().enabled()).findFirst().orElseThrow();
        String url = "http://127.0.0.1:" + frontend.binds().get(0).port() + "/";
        StringBuilder servers = new StringBuilder();
        config.backends().forEach(b -> b.servers().forEach(s ->
                servers.append("  ").append(s.name()).append(" on ").append(s.address()).append('\n')));
        System.out.println();
        System.out.println("Bascule demo is running: proxy '" + frontend.name() + "' on " + url
                + ", balancing round robin over\n" + servers);
        System.out.println("Try:");
        System.out.println("  for i in 1 2 3 4 5 6; do curl -s " + url + "; done");
        System.out.println("  -> each new connection goes to the next server: web1, web2, web3, web1, ...");
        config.frontends().stream().filter(f -> f.stats().enabled()).findFirst().ifPresent(s -> System.out.println(
                "  open the stats page: http://127.0.0.1:" + s.binds().get(0).port() + s.stats().uri()));
        config.global().statsSockets().stream().findFirst().ifPresent(sock -> {
            String at = sock.address().family() == dev.bascule.config.model.Address.Family.UNIX
                    ? sock.address().path() : "tcp:" + sock.address().host() + ":" + sock.address().port();
            System.out.println("  put web1 in maintenance and watch the traffic move:");
            System.out.println("    echo 'set server " + frontend.name() + "/web1 state maint' | socat stdio " + at);
            System.out.println("    echo 'set server " + frontend.name() + "/web1 state ready' | socat stdio " + at);
        });
        System.out.println("Stop with Ctrl-C.");
        System.out.flush();
    }
}
