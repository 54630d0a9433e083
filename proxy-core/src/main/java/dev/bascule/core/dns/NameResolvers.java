package dev.bascule.core.dns;

import dev.bascule.config.model.Resolvers;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A {@code resolvers} section at run time, apart from its sockets ({@link ResolverSockets}): the resolutions its
 * requesters follow, run as HAProxy's resolvers.c runs them. Every {@code timeout resolve} a resolution sends its
 * query to every name server; the first valid response is applied, errors wait for every server's answer, then the
 * query switches between A and AAAA once, and is sent again each {@code timeout retry} until
 * {@code resolve_retries} queries went unanswered. An error reaches a requester once the status's {@code hold} has
 * passed since the last valid answer. One event loop runs it all; the clock is given, so tests drive it.
 */
final class NameResolvers {
    /** Sends a query to the name servers; returns how many it went to. */
    interface Sender {
        int send(byte[] query);
    }

    private final Resolvers config;
    private final Sender sender;
    private final Map<String, Resolution> resolutions = new LinkedHashMap<>();
    private final Map<Integer, Resolution> byQueryId = new HashMap<>();

    NameResolvers(Resolvers config, Sender sender) {
        this.config = config;
        this.sender = sender;
    }

    Resolvers config() {
        return config;
    }

    private static String key(String name, int type) {
        return type + " " + name;
    }

    /**
     * The requesters of the current generation, in order: resolutions nobody follows any more are dropped, those
     * kept keep their records, new ones run at the next wake-up.
     */
    void requesters(List<Requester> all, long now) {
        resolutions.values().forEach(r -> r.requesters.clear());
        all.forEach(r -> link(r, now));
        for (var it = resolutions.values().iterator(); it.hasNext(); ) {
            Resolution r = it.next();
            if (r.requesters.isEmpty()) {
                byQueryId.remove(r.queryId);
                it.remove();
            }
        }
    }

    /**
     * Adds a requester (an SRV record's target, at run time): it is answered from the cache when the resolution's
     * last answer is valid and younger than {@code hold valid}, else the resolution runs at the next wake-up.
     */
    void link(Requester requester, long now) {
        Resolution r = resolutions.computeIfAbsent(key(requester.name(), requester.preferredType()),
                k -> new Resolution(requester.name(), requester.preferredType()));
        if (r.requesters.contains(requester)) {
            return;
        }
        r.requesters.add(requester);
        if (r.status == Resolution.Status.VALID && r.resolvedOnce
                && now - r.lastResolution < millis(config.hold().validMs())) {
            requester.answered(r, "DNS cache", now);
        } else if (r.step == Resolution.Step.IDLE) {
            r.resolvedOnce = false;
        }
    }

    void unlink(Requester requester) {
        Resolution r = resolutions.get(key(requester.name(), requester.preferredType()));
        if (r != null && r.requesters.remove(requester) && r.requesters.isEmpty()) {
            byQueryId.remove(r.queryId);
            resolutions.remove(key(r.name, r.preferredType));
        }
    }

    /**
     * Retries or gives up the queries out for {@code timeout retry}, starts the resolutions due, and says when to
     * come back (HAProxy's process_resolvers).
     *
     * @return nanoseconds until the next wake-up
     */
    long wake(long now) {
        for (Resolution r : List.copyOf(resolutions.values())) {
            if (r.step != Resolution.Step.RUNNING || now - r.lastQuery < millis(config.timeoutRetryMs())) {
                continue;
            }
            if (r.tries == 0) {
                if (r.responses == 0) {
                    r.status = Resolution.Status.TIMEOUT;
                }
                reportError(r, now);
            } else {
                if (r.responses == 0 || r.preferredType != r.queryType) {
                    // No response at all (a real timeout), or the other type was tried already.
                    r.queryType = r.preferredType;
                    r.tries--;
                } else if (r.preferredType == DnsMessage.TYPE_SRV) {
                    r.tries--;
                } else {
                    r.queryType = other(r.preferredType);
                }
                send(r, now);
            }
        }
        for (Resolution r : List.copyOf(resolutions.values())) {
            if (r.step == Resolution.Step.IDLE
                    && (!r.resolvedOnce || now - r.lastResolution >= millis(config.timeoutResolveMs()))) {
                run(r, now);
            }
        }
        long next = millis(config.timeoutResolveMs());
        for (Resolution r : resolutions.values()) {
            long due = r.step == Resolution.Step.RUNNING ? r.lastQuery + millis(config.timeoutRetryMs()) - now
                    : r.lastResolution + millis(config.timeoutResolveMs()) - now;
            next = Math.min(next, Math.max(due, TimeUnit.MILLISECONDS.toNanos(1)));
        }
        return next;
    }

    private void run(Resolution r, long now) {
        if (!DnsMessage.validName(r.name)) {
            r.lastResolution = now;
            r.resolvedOnce = true;
            return;
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1 << 16);
        } while (byQueryId.containsKey(id));
        r.queryId = id;
        byQueryId.put(id, r);
        r.step = Resolution.Step.RUNNING;
        r.queryType = r.preferredType;
        r.tries = config.resolveRetries() - 1;
        send(r, now);
    }

    private void send(Resolution r, long now) {
        r.responses = 0;
        r.lastQuery = now;
        r.queries = sender.send(DnsMessage.query(r.queryId, r.name, r.queryType, config.acceptedPayloadSize()));
    }

    /**
     * A response from name server {@code nameserver}: one for no resolution out (an old one) is ignored; an error
     * waits for the other servers' responses, then tries the other address type once (HAProxy's
     * resolv_process_responses).
     */
    void received(String nameserver, DnsMessage.Response response, long now) {
        Resolution r = byQueryId.get(response.id());
        if (r == null || r.step != Resolution.Step.RUNNING || !response.question().equals(r.name.toLowerCase(
                java.util.Locale.ROOT)) || response.questionType() != r.queryType) {
            return;
        }
        r.responses++;
        Resolution.Status status = validate(r, response, now);
        if (status != Resolution.Status.VALID) {
            r.status = status;
            if (r.responses < r.queries) {
                return;
            }
            if (r.preferredType != r.queryType) {
                if (r.tries == 0) {
                    reportError(r, now);
                }
            } else if (r.preferredType != DnsMessage.TYPE_SRV) {
                r.queryType = other(r.preferredType);
                send(r, now);
            }
            return;
        }
        r.status = Resolution.Status.VALID;
        r.lastValid = now;
        r.validOnce = true;
        r.purge(now, millis(config.hold().obsoleteMs()));
        String updater = config.name() + "/" + nameserver;
        for (Requester q : List.copyOf(r.requesters)) {
            q.answered(r, updater, now);
            updater = "DNS cache";
        }
        reset(r, now);
    }

    /**
     * What the response says, its records merged into the resolution's when valid. The wanted records are those of
     * the queried type for the name or for an alias a CNAME of the answer gave it.
     */
    private static Resolution.Status validate(Resolution r, DnsMessage.Response response, long now) {
        if (response.rcode() == DnsMessage.RCODE_NXDOMAIN) {
            return Resolution.Status.NX;
        }
        if (response.rcode() == DnsMessage.RCODE_REFUSED) {
            return Resolution.Status.REFUSED;
        }
        if (response.rcode() != DnsMessage.RCODE_NOERROR || response.truncated()) {
            return Resolution.Status.OTHER;
        }
        List<String> names = new ArrayList<>(List.of(response.question()));
        for (DnsMessage.Record a : response.answers()) {
            if (a.type() == DnsMessage.TYPE_CNAME && names.contains(a.name())) {
                names.add(a.alias());
            }
        }
        boolean found = false;
        for (DnsMessage.Record a : response.answers()) {
            if (a.type() != r.queryType || !names.contains(a.name())) {
                continue;
            }
            found = true;
            if (a.srv() != null) {
                String target = a.srv().target();
                InetAddress additional = null;
                for (DnsMessage.Record ar : response.additionals()) {
                    if (ar.address() != null && ar.name().equals(target)) {
                        additional = ar.address();
                        break;
                    }
                }
                r.srv.put(Resolution.srvKey(target, a.srv().port()), new Resolution.SrvItem(target, a.srv().port(),
                        a.srv().weight(), additional, now));
            } else {
                r.addresses.remove(a.address());
                r.addresses.put(a.address(), now);
            }
        }
        return found ? Resolution.Status.VALID : Resolution.Status.OTHER;
    }

    private void reportError(Resolution r, long now) {
        String cause = heldOver(r, now);
        if (cause != null) {
            for (Requester q : List.copyOf(r.requesters)) {
                q.lost(r, cause);
            }
        }
        reset(r, now);
    }

    /** HAProxy's words for an error whose hold period has passed since the last valid answer, else null. */
    private String heldOver(Resolution r, long now) {
        Resolvers.Hold h = config.hold();
        long hold;
        String cause;
        switch (r.status) {
            case NX -> {
                hold = h.nxMs();
                cause = "DNS NX status";
            }
            case TIMEOUT -> {
                hold = h.timeoutMs();
                cause = "DNS timeout status";
            }
            case REFUSED -> {
                hold = h.refusedMs();
                cause = "DNS refused status";
            }
            default -> {
                hold = h.otherMs();
                cause = "unspecified DNS error";
            }
        }
        return !r.validOnce || now - r.lastValid >= millis(hold) ? cause : null;
    }

    private void reset(Resolution r, long now) {
        r.step = Resolution.Step.IDLE;
        r.lastResolution = now;
        r.resolvedOnce = true;
        byQueryId.remove(r.queryId);
        r.queryId = -1;
        r.queryType = r.preferredType;
    }

    private static int other(int type) {
        return type == DnsMessage.TYPE_A ? DnsMessage.TYPE_AAAA : DnsMessage.TYPE_A;
    }

    private static long millis(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
