package dev.bascule.core.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which of a name's addresses a server takes, as HAProxy's resolv_get_ip_from_response scores them: 8 for the
 * preferred family ({@code resolve-prefer}), 2 for one no other server of the backend following the same name
 * holds (without {@code allow-dup-ip} one that another holds is not taken at all), 1 for the server's current one.
 * The best score wins, the first in answer order among equals; so a server keeps its address while the name still
 * has it, and the servers of a template spread over the addresses.
 */
final class AddressChoice {
    private AddressChoice() {
    }

    /** @return the address to use, or null when none is left for this server */
    static InetAddress choose(List<InetAddress> answers, boolean preferIpv6, InetAddress current,
                              Predicate<InetAddress> heldByAnother, boolean allowDuplicates) {
        InetAddress best = null;
        int bestScore = -1;
        for (InetAddress a : answers) {
            int score = (a instanceof Inet6Address) == preferIpv6 ? 8 : 0;
            if (heldByAnother.test(a)) {
                if (!allowDuplicates) {
                    continue;
                }
            } else {
                score += 2;
            }
            if (a.equals(current)) {
                score++;
            }
            if (score > bestScore) {
                best = a;
                bestScore = score;
            }
        }
        return best;
    }
}
