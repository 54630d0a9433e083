package dev.bascule.config;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.Hosts;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.ServerDns;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.StatsSocket;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the runtime would otherwise find only when it starts, checked once the model is built so that
 * {@code -c} fails on it and a reload is refused before anything changes: every host the runtime connects to for a
 * server (its address, its check {@code addr}, its {@code agent-addr}), an agent with no host to reach, and an
 * address that needs epoll under {@code noepoll}. Checks that depend on the machine (a port already bound, epoll
 * missing on this kernel) stay the runtime's.
 */
final class StartupChecks {
    private final Diagnostics diag;
    private final HostResolver resolver;
    /** One lookup per name and parse (a name is often on many server lines); empty when it does not resolve. */
    private final Map<String, Optional<InetAddress>> resolved = new HashMap<>();

    StartupChecks(Diagnostics diag, HostResolver resolver) {
        this.diag = diag;
        this.resolver = resolver;
    }

    /** The hosts the runtime connects to for a backend's servers, in the order it takes them (see Generation). */
    void servers(Backend backend) {
        for (Server s : backend.servers()) {
            String owner = "'server " + backend.name() + "/" + s.name() + "'";
            boolean inet = s.address().family() == Address.Family.INET;
            if (inet && !initial(s, owner)) {
                continue;
            }
            ServerCheck check = s.check();
            if (check.enabled() && inet && check.addr() != null && backend.checkPort(s) != Server.SAME_PORT) {
                resolve(s.source(), owner, check.addr());
            }
            ServerCheck.Agent agent = check.agent();
            if (agent != null && agent.addr() != null) {
                resolve(s.source(), owner, agent.addr());
            } else if (agent != null && !inet) {
                diag.alert(s.source(), owner + " : 'agent-check' on a Unix socket server needs 'agent-addr'");
            }
        }
    }

    /**
     * The server's address at startup, by its init-addr methods: false after an alert when none gives one. A name
     * that does not resolve while a later method ({@code none}, an IP address) does is HAProxy's warning.
     */
    private boolean initial(Server s, String owner) {
        String host = s.address().host();
        if (ServerDns.isSrvLabel(host)) {
            // A label for SRV records, not a host: the records give the servers theirs (ProxySection checks it).
            return true;
        }
        ServerDns.Init init = s.dns().initial(host, this::lookup);
        if (init.outcome() == ServerDns.InitOutcome.FAILED) {
            diag.alert(s.source(), owner + " : could not resolve address '" + host + "'.");
            return false;
        }
        if (init.libcFailed()) {
            diag.warning(s.source(), owner + " : could not resolve address '" + host + "', "
                    + (init.outcome() == ServerDns.InitOutcome.NONE ? "disabling server."
                    : "falling back to configured address."));
        }
        return true;
    }

    private InetAddress lookup(String host) {
        return resolved.computeIfAbsent(host, h -> Optional.ofNullable(resolver.resolve(h))).orElse(null);
    }

    private boolean resolve(Source where, String owner, String host) {
        boolean ok = lookup(host) != null;
        if (!ok) {
            diag.alert(where, owner + " : could not resolve address '" + host + "'.");
        }
        return ok;
    }

    /** The names resolved, for the runtime; meaningful once no alert was raised. */
    Hosts hosts() {
        Map<String, InetAddress> out = new HashMap<>();
        resolved.forEach((host, address) -> address.ifPresent(a -> out.put(host, a)));
        return new Hosts(out);
    }

    /**
     * Abstract sockets and inherited descriptors exist only with epoll: under {@code noepoll} they can never
     * start, on any machine.
     */
    void epollAddresses(Global global, Iterable<Frontend> frontends, Iterable<Backend> backends) {
        if (!global.noepoll()) {
            return;
        }
        for (Frontend f : frontends) {
            for (Bind b : f.binds()) {
                needsEpoll(b.source(), "'bind " + b.address() + "' in frontend '" + f.name() + "'", b.address());
            }
        }
        for (Backend b : backends) {
            for (Server s : b.servers()) {
                needsEpoll(s.source(), "'server " + b.name() + "/" + s.name() + "'", s.address());
            }
        }
        for (StatsSocket s : global.statsSockets()) {
            needsEpoll(s.source(), "'stats socket " + s.address() + "'", s.address());
        }
    }

    private void needsEpoll(Source where, String owner, Address address) {
        if (address.family() == Address.Family.ABNS || address.family() == Address.Family.FD
                || address.family() == Address.Family.SOCKPAIR) {
            diag.alert(where, owner + " : '" + address + "' needs the epoll polling system, which 'noepoll' turns "
                    + "off; remove 'noepoll' or use a TCP or unix@ address");
        }
    }
}
