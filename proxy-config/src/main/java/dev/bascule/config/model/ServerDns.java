package dev.bascule.config.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Function;

/**
 * How a server named by a host finds its address: {@code init-addr} at startup, then, with {@code resolvers}, the
 * name servers of that section at run time ({@code resolve-prefer}, {@code resolve-opts}). A {@code server-template}
 * whose name starts with an underscore ({@code _http._tcp.example.com}) asks for SRV records, which give each
 * server its host, port and weight.
 *
 * @param resolvers the section's name, or null: the name is resolved once, at startup
 * @param preferIpv6 {@code resolve-prefer ipv6} (HAProxy's default) rather than {@code ipv4}
 * @param initAddr the {@code init-addr} methods in order ({@link #LAST}, {@link #LIBC}, {@link #NONE} or an IP
 *                 address); empty for the default, {@code last,libc} (and {@code none} with resolvers)
 * @param allowDupIp {@code resolve-opts allow-dup-ip}: two servers of the backend may take the same address
 * @param ignoreWeight {@code resolve-opts ignore-weight}: an SRV record's weight is not applied
 */
public record ServerDns(String resolvers, boolean preferIpv6, List<String> initAddr, boolean allowDupIp,
                        boolean ignoreWeight) {
    public static final String LAST = "last";
    public static final String LIBC = "libc";
    public static final String NONE = "none";
    /** No run-time resolution, the default init-addr. */
    public static final ServerDns STATIC = new ServerDns(null, true, List.of(), false, false);

    public ServerDns {
        initAddr = List.copyOf(initAddr);
    }

    /** The init-addr methods to try in turn, the default ones when none was given (HAProxy's srv_iterate_initaddr). */
    public List<String> initMethods() {
        if (!initAddr.isEmpty()) {
            return initAddr;
        }
        return resolvers == null ? List.of(LAST, LIBC) : List.of(LAST, LIBC, NONE);
    }

    /** What init-addr gave a server at startup: an address, none (it waits for its resolvers), or nothing. */
    public enum InitOutcome { ADDRESS, NONE, FAILED }

    /**
     * @param libcFailed the system's resolver was asked and did not know the name (HAProxy then warns when a later
     *                   method is used)
     */
    public record Init(InitOutcome outcome, InetAddress address, boolean libcFailed) {
    }

    /**
     * Applies the init-addr methods in turn, as HAProxy's srv_iterate_initaddr: {@code libc} asks {@code libc}
     * (null: the name does not resolve), an IP address is taken as it is, {@code none} starts without address.
     * {@code last} (the state file's address) gives nothing here: see docs/differences.md.
     */
    public Init initial(String host, Function<String, InetAddress> libc) {
        boolean libcFailed = false;
        for (String m : initMethods()) {
            switch (m) {
                case LAST -> {
                }
                case LIBC -> {
                    // An SRV label is no host name: the records give the servers theirs.
                    InetAddress a = isSrvLabel(host) ? null : libc.apply(host);
                    if (a != null) {
                        return new Init(InitOutcome.ADDRESS, a, libcFailed);
                    }
                    libcFailed |= !isSrvLabel(host);
                }
                case NONE -> {
                    return new Init(InitOutcome.NONE, null, libcFailed);
                }
                default -> {
                    InetAddress literal = literal(m);
                    if (literal != null) {
                        return new Init(InitOutcome.ADDRESS, literal, libcFailed);
                    }
                }
            }
        }
        return new Init(InitOutcome.FAILED, null, libcFailed);
    }

    /** An IPv4 or IPv6 literal, read without any lookup; null for anything else. */
    public static InetAddress literal(String ip) {
        if (ip == null || !(ip.matches("[0-9.]+") && ip.chars().filter(c -> c == '.').count() == 3
                || ip.indexOf(':') >= 0 && ip.matches("[0-9a-fA-F:.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An SRV label: the host starts with an underscore, as in {@code _http._tcp.example.com}. */
    public static boolean isSrvLabel(String host) {
        return host != null && host.startsWith("_");
    }

    public ServerDns withResolvers(String name) {
        return new ServerDns(name, preferIpv6, initAddr, allowDupIp, ignoreWeight);
    }

    public ServerDns withPreferIpv6(boolean v6) {
        return new ServerDns(resolvers, v6, initAddr, allowDupIp, ignoreWeight);
    }

    public ServerDns withInitAddr(List<String> methods) {
        return new ServerDns(resolvers, preferIpv6, methods, allowDupIp, ignoreWeight);
    }

    public ServerDns withOptions(boolean allowDup, boolean ignoreWeights) {
        return new ServerDns(resolvers, preferIpv6, initAddr, allowDup, ignoreWeights);
    }
}
