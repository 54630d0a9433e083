package dev.bascule.core.dns;

import dev.bascule.core.BackendState;
import dev.bascule.core.ServerState;

import java.net.InetAddress;

/**
 * A server following its host name's A and AAAA records (HAProxy's snr_resolution_cb and snr_update_srv_status):
 * a changed address moves it, no address left for it puts it in resolution maintenance at once, and an error does
 * once its hold period has passed since the last valid answer.
 *
 * @param name the name it follows: its configured one, or the target an SRV record gave it
 */
record ServerRequester(BackendState backend, ServerState server, String name, int preferredType)
        implements Requester {
    @Override
    public void answered(Resolution r, String updater, long now) {
        if (server.hostname() == null || !server.hostname().equals(name)) {
            return;
        }
        InetAddress current = server.host();
        InetAddress chosen = AddressChoice.choose(r.liveAddresses(), server.config().dns().preferIpv6(), current,
                this::heldByAnother, server.config().dns().allowDupIp());
        if (chosen == null) {
            backend.resolutionLost(server, "No IP for server ");
            return;
        }
        if (chosen.equals(current)) {
            return;
        }
        boolean had = server.hasAddress();
        backend.addressChanged(server, chosen, server.port(), updater);
        if (!had) {
            backend.resolvedAgain(server, true);
        }
    }

    /** Another server of the backend that follows the same name has this address (HAProxy's snr_check_ip_callback). */
    private boolean heldByAnother(InetAddress a) {
        for (ServerState s : backend.servers()) {
            if (s != server && name.equals(s.hostname()) && a.equals(s.host())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void lost(Resolution r, String cause) {
        if (server.hostname() != null && server.hostname().equals(name)) {
            backend.resolutionLost(server, cause);
        }
    }
}
