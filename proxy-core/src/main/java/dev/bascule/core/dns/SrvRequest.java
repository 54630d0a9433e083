package dev.bascule.core.dns;

import dev.bascule.core.BackendState;
import dev.bascule.core.ServerState;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code server-template} whose name is an SRV label (HAProxy's resolv_srvrq and resolv_check_response): each
 * record fills a server of the template, the one that had it or else the first free one, with the record's target
 * as its name, its port, and its weight (0 to 65535 mapped onto 0 to 256, unless {@code resolve-opts
 * ignore-weight}). The address comes from the response's additional record for the target when there is one, else
 * from a resolution of the target the server follows ({@link ServerRequester}). A server whose record went away
 * enters resolution maintenance and is free again.
 */
final class SrvRequest implements Requester {
    private final NameResolvers section;
    private final BackendState backend;
    private final List<ServerState> servers;
    private final String label;
    /** The target resolutions the servers follow, for records without an additional record. */
    private final Map<ServerState, ServerRequester> following = new IdentityHashMap<>();

    SrvRequest(NameResolvers section, BackendState backend, List<ServerState> servers, String label) {
        this.section = section;
        this.backend = backend;
        this.servers = List.copyOf(servers);
        this.label = label;
    }

    @Override
    public String name() {
        return label;
    }

    @Override
    public int preferredType() {
        return DnsMessage.TYPE_SRV;
    }

    @Override
    public void answered(Resolution r, String updater, long now) {
        List<Resolution.SrvItem> items = r.liveSrv();
        for (ServerState s : servers) {
            if (s.hostname() != null && items.stream().noneMatch(i -> holds(s, i))) {
                release(s);
            }
        }
        for (Resolution.SrvItem item : items) {
            ServerState s = servers.stream().filter(x -> holds(x, item)).findFirst()
                    .orElseGet(() -> servers.stream().filter(x -> x.hostname() == null).findFirst().orElse(null));
            if (s != null) {
                fill(s, item, now);
            }
        }
    }

    private static boolean holds(ServerState s, Resolution.SrvItem item) {
        return item.target().equals(s.hostname()) && item.port() == s.port();
    }

    private void fill(ServerState s, Resolution.SrvItem item, long now) {
        if (s.hostname() == null) {
            backend.notice(backend.name() + "/" + s.name() + " changed its FQDN from (null) to " + item.target()
                    + " by 'SRV record'");
            s.hostname(item.target());
        }
        if (!s.config().dns().ignoreWeight()) {
            int weight = (item.weight() + 255) / 256;
            if (weight != s.weight()) {
                s.weight(weight);
            }
        }
        if (item.additional() != null) {
            unfollow(s);
            boolean had = s.hasAddress();
            backend.addressChanged(s, item.additional(), item.port(), "DNS additional record");
            if (!had) {
                backend.resolvedAgain(s, false);
            }
            return;
        }
        if (s.port() != item.port()) {
            s.readdress(s.host(), item.port());
        }
        ServerRequester follows = following.get(s);
        if (follows == null || !follows.name().equals(item.target())) {
            unfollow(s);
            ServerRequester q = new ServerRequester(backend, s, item.target(),
                    s.config().dns().preferIpv6() ? DnsMessage.TYPE_AAAA : DnsMessage.TYPE_A);
            following.put(s, q);
            section.link(q, now);
        }
    }

    /** The server's record went: resolution maintenance, no name, free for another record. */
    private void release(ServerState s) {
        unfollow(s);
        backend.resolutionLost(s, "entry removed from SRV record");
        s.hostname(null);
    }

    private void unfollow(ServerState s) {
        ServerRequester q = following.remove(s);
        if (q != null) {
            section.unlink(q);
        }
    }

    @Override
    public void lost(Resolution r, String cause) {
        for (ServerState s : new ArrayList<>(servers)) {
            if (s.hostname() != null) {
                release(s);
            }
        }
    }
}
