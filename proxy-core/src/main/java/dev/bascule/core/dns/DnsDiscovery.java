package dev.bascule.core.dns;

import dev.bascule.config.model.Resolvers;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerDns;
import dev.bascule.core.BackendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.Transport;
import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process's resolvers sections at run time, and which servers each one resolves. A generation applies itself
 * here when it becomes the current one: a section whose model did not change keeps its socket and its answers, a
 * changed one is started again, a removed one stops; then each section follows the servers that name it now (a
 * server kept by the reload keeps its address).
 */
public final class DnsDiscovery {
    private final EventLoopGroup loops;
    private final Transport transport;
    private final Map<String, ResolverSockets> sections = new HashMap<>();

    public DnsDiscovery(EventLoopGroup loops, Transport transport) {
        this.loops = loops;
        this.transport = transport;
    }

    public synchronized void apply(List<Resolvers> configs, Collection<BackendState> backends) {
        Map<String, ResolverSockets> next = new HashMap<>();
        for (Resolvers r : configs) {
            ResolverSockets kept = sections.remove(r.name());
            if (kept != null && kept.config().equals(r)) {
                next.put(r.name(), kept);
                continue;
            }
            if (kept != null) {
                kept.stop();
            }
            ResolverSockets started = new ResolverSockets(r, loops.next(), transport);
            started.start();
            next.put(r.name(), started);
        }
        sections.values().forEach(ResolverSockets::stop);
        sections.clear();
        sections.putAll(next);
        Map<String, List<Requester>> requesters = new HashMap<>();
        for (BackendState b : backends) {
            Map<Template, List<ServerState>> templates = new LinkedHashMap<>();
            for (ServerState s : b.servers()) {
                Server c = s.config();
                String section = c.dns().resolvers();
                ResolverSockets sockets = section == null ? null : sections.get(section);
                if (sockets == null || c.address().hostname() == null) {
                    continue;
                }
                if (ServerDns.isSrvLabel(c.address().host())) {
                    templates.computeIfAbsent(new Template(section, c.address().host()), k -> new ArrayList<>()).add(s);
                } else {
                    requesters.computeIfAbsent(section, k -> new ArrayList<>()).add(new ServerRequester(b, s,
                            c.address().hostname(), c.dns().preferIpv6() ? DnsMessage.TYPE_AAAA : DnsMessage.TYPE_A));
                }
            }
            templates.forEach((t, servers) -> requesters.computeIfAbsent(t.section(), k -> new ArrayList<>())
                    .add(new SrvRequest(sections.get(t.section()).section(), b, servers, t.label())));
        }
        sections.forEach((name, sockets) -> sockets.requesters(requesters.getOrDefault(name, List.of())));
    }

    /** The servers of a backend that follow one SRV label with one section: a template's, usually. */
    private record Template(String section, String label) {
    }

    public synchronized void close() {
        sections.values().forEach(ResolverSockets::stop);
        sections.clear();
    }
}
