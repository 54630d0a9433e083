package dev.bascule.config;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.Source;

import java.util.ArrayList;
import java.util.List;

/**
 * HAProxy's address syntax (doc section 11) for {@code bind} and {@code server}: {@code [ipv4@|ipv6@]HOST:PORT},
 * {@code *:PORT}, {@code :PORT}, {@code [V6]:PORT}, port ranges on binds, {@code unix@PATH} or {@code /PATH},
 * {@code abns@NAME}, {@code fd@N} and {@code sockpair@N}.
 */
final class Addresses {
    private static final List<String> INET_PREFIXES = List.of("ipv4@", "ipv6@", "tcp@", "tcp4@", "tcp6@");
    /** Families HAProxy has that Bascule does not handle yet. */
    private static final List<String> OTHER_PREFIXES = List.of("udp@", "udp4@", "udp6@", "quic4@", "quic6@",
            "uxst@", "uxdg@", "abnsz@", "rhttp@");

    /** A server written without host: HAProxy reads it as INADDR_ANY, and connects to the client's destination. */
    static final String ANY_HOST = "0.0.0.0";

    private Addresses() {
    }

    /**
     * Parses a comma-separated bind list; returns what it could read, after alerts for the rest. Each address is
     * read with its environment variables replaced, as HAProxy's {@code str2sa_range()} does.
     */
    static List<Bind> binds(AddressEnvironment env, Diagnostics diag, Source source, String list) {
        List<Bind> binds = new ArrayList<>();
        for (String one : list.split(",", -1)) {
            List<Bind> parsed = env.parse(diag, source, "bind", one, (d, text) -> bind(d, source, text));
            if (parsed != null) {
                binds.addAll(parsed);
            }
        }
        return binds;
    }

    private static List<Bind> bind(Diagnostics diag, Source source, String one) {
        Address special = special(diag, source, one, "bind");
        if (special != null) {
            return special.family() == null ? List.of() : List.of(new Bind(source, special));
        }
        HostPort hp = split(stripInetPrefix(one));
        if (hp == null || hp.port == null || hp.port.isEmpty()) {
            diag.alert(source, "missing port number in bind address '" + one + "'; write HOST:PORT, *:PORT, "
                    + ":PORT, unix@PATH, abns@NAME or fd@N");
            return List.of();
        }
        int[] range = portRange(diag, source, one, hp.port);
        if (range == null) {
            return List.of();
        }
        String host = hp.host.isEmpty() || hp.host.equals("*") ? null : hp.host;
        List<Bind> binds = new ArrayList<>();
        for (int p = range[0]; p <= range[1]; p++) {
            binds.add(new Bind(source, Address.inet(host, p)));
        }
        return binds;
    }

    /**
     * Parses a server address, its environment variables replaced; returns null after an alert. A TCP address
     * without port keeps the client's; one without host ({@code :}, {@code :80}) connects to the address the client
     * reached, as HAProxy's does.
     */
    static Address server(AddressEnvironment env, Diagnostics diag, Source source, String owner, String text) {
        return env.parse(diag, source, owner, text, (d, t) -> server(d, source, owner, t));
    }

    private static Address server(Diagnostics diag, Source source, String owner, String text) {
        Address special = special(diag, source, text, owner);
        if (special != null) {
            if (special.family() == Address.Family.FD || special.family() == Address.Family.SOCKPAIR) {
                diag.alert(source, "'" + owner + "' : '" + special.family() + "@' addresses are for listeners here; "
                        + "a server needs an address to connect to");
                return null;
            }
            return special.family() == null ? null : special;
        }
        HostPort hp = split(stripInetPrefix(text));
        if (hp == null || hp.host.isEmpty() && hp.port == null) {
            diag.alert(source, "'" + owner + "' : invalid address '" + text + "'; write HOST[:PORT], unix@PATH or "
                    + "abns@NAME");
            return null;
        }
        String host = hp.host.isEmpty() ? ANY_HOST : hp.host;
        if (hp.port == null || hp.port.isEmpty()) {
            return Address.inet(host, Server.SAME_PORT);
        }
        if (hp.port.startsWith("+") || hp.port.startsWith("-")) {
            diag.alert(source, "'" + owner + "' : port offsets such as '" + hp.port + "' are not supported yet; "
                    + "give an absolute port");
            return null;
        }
        int[] range = portRange(diag, source, text, hp.port);
        if (range == null) {
            return null;
        }
        if (range[0] != range[1]) {
            diag.alert(source, "'" + owner + "' : port ranges are not allowed in a server address ('" + text + "')");
            return null;
        }
        return Address.inet(host, range[0]);
    }

    /**
     * A Unix, abstract or fd address; null when {@code text} is a TCP address. After an alert it returns an
     * address with a null family, meaning "handled, nothing to add".
     */
    private static Address special(Diagnostics diag, Source source, String text, String owner) {
        if (text.startsWith("unix@") || text.startsWith("/")) {
            String path = text.startsWith("/") ? text : text.substring("unix@".length());
            return path.isEmpty() ? failed(diag, source, "'" + owner + "' : 'unix@' needs a socket path")
                    : Address.unix(path);
        }
        if (text.startsWith("abns@")) {
            String name = text.substring("abns@".length());
            return name.isEmpty() ? failed(diag, source, "'" + owner + "' : 'abns@' needs a socket name")
                    : new Address(Address.Family.ABNS, null, -1, name, -1);
        }
        for (Address.Family given : List.of(Address.Family.FD, Address.Family.SOCKPAIR)) {
            String prefix = given + "@";
            if (!text.startsWith(prefix)) {
                continue;
            }
            String n = text.substring(prefix.length());
            try {
                int fd = Integer.parseInt(n);
                if (fd >= 0) {
                    return new Address(given, null, -1, null, fd);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            return failed(diag, source, "'" + owner + "' : '" + text + "' : a file descriptor is a number >= 0 "
                    + "(write " + prefix + "${NAME} to take it from the environment)");
        }
        for (String prefix : OTHER_PREFIXES) {
            if (text.startsWith(prefix)) {
                return failed(diag, source, "'" + owner + "' : address family '" + prefix + "' in '" + text
                        + "' is not supported yet; use TCP (HOST:PORT), unix@, abns@ or fd@");
            }
        }
        return null;
    }

    private static Address failed(Diagnostics diag, Source source, String message) {
        diag.alert(source, message);
        return new Address(null, null, -1, null, -1);
    }

    private record HostPort(String host, String port) {
    }

    private static String stripInetPrefix(String addr) {
        for (String p : INET_PREFIXES) {
            if (addr.startsWith(p)) {
                return addr.substring(p.length());
            }
        }
        return addr;
    }

    /** Splits HOST:PORT at the last colon, or [V6]:PORT; a bare IPv6 address has no port. */
    private static HostPort split(String addr) {
        if (addr.startsWith("[")) {
            int close = addr.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = addr.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return null;
            }
            return new HostPort(addr.substring(1, close), rest.isEmpty() ? null : rest.substring(1));
        }
        int colon = addr.lastIndexOf(':');
        if (colon < 0) {
            return new HostPort(addr, null);
        }
        return new HostPort(addr.substring(0, colon), addr.substring(colon + 1));
    }

    private static int[] portRange(Diagnostics diag, Source source, String addr, String port) {
        String[] ends = port.split("-", -1);
        if (ends.length > 2) {
            diag.alert(source, "invalid port '" + port + "' in '" + addr + "'");
            return null;
        }
        int[] range = new int[2];
        for (int i = 0; i < 2; i++) {
            String p = ends[Math.min(i, ends.length - 1)];
            try {
                range[i] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                diag.alert(source, "invalid port '" + port + "' in '" + addr + "'; a port is a number from 1 to 65535");
                return null;
            }
            if (range[i] < 1 || range[i] > 65535) {
                diag.alert(source, "port " + range[i] + " in '" + addr + "' is out of range; a port is a number "
                        + "from 1 to 65535");
                return null;
            }
        }
        if (range[0] > range[1]) {
            diag.alert(source, "invalid port range '" + port + "' in '" + addr + "': the first port is above the last");
            return null;
        }
        return range;
    }
}
