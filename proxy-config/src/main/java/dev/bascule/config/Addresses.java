package dev.bascule.config;

import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.Source;

import java.util.ArrayList;
import java.util.List;

/** HAProxy address syntax for {@code bind} and {@code server}: {@code [ipv4@|ipv6@]HOST:PORT} and friends. */
final class Addresses {
    private static final List<String> PLAIN_PREFIXES = List.of("ipv4@", "ipv6@", "tcp@", "tcp4@", "tcp6@");

    private Addresses() {
    }

    /**
     * Parses a comma-separated bind list ({@code *:80,:81,[::]:82}, port ranges {@code 8000-8002}).
     * Addresses families not supported yet give a warning and are skipped.
     */
    static List<Bind> binds(Diagnostics diag, Source source, String list) {
        List<Bind> binds = new ArrayList<>();
        for (String one : list.split(",")) {
            String addr = stripPlainPrefix(one);
            if (addr.startsWith("/") || addr.contains("@")) {
                diag.warning(source, "address '" + one + "' is not supported yet (only TCP over IPv4/IPv6 is); "
                        + "it is not bound");
                continue;
            }
            HostPort hp = split(addr);
            if (hp == null || hp.port == null || hp.port.isEmpty()) {
                diag.alert(source, "missing port number in bind address '" + one + "'; write HOST:PORT, "
                        + "*:PORT or :PORT");
                continue;
            }
            int[] range = portRange(diag, source, one, hp.port);
            if (range == null) {
                continue;
            }
            String host = hp.host.isEmpty() || hp.host.equals("*") ? null : hp.host;
            for (int p = range[0]; p <= range[1]; p++) {
                binds.add(new Bind(source, host, p));
            }
        }
        return binds;
    }

    /** Parses a server address; returns null after an alert. A missing port means "the client's port". */
    static Server server(Diagnostics diag, Source source, String name, String text, int weight,
                         List<String> unimplemented) {
        String addr = stripPlainPrefix(text);
        if (addr.startsWith("/") || addr.contains("@")) {
            diag.alert(source, "server '" + name + "': address '" + text + "' is not supported yet "
                    + "(only TCP over IPv4/IPv6 or a host name is)");
            return null;
        }
        HostPort hp = split(addr);
        if (hp == null || hp.host.isEmpty()) {
            diag.alert(source, "server '" + name + "': invalid address '" + text + "'; write HOST[:PORT]");
            return null;
        }
        if (hp.port == null) {
            return new Server(name, source, hp.host, Server.SAME_PORT, weight, unimplemented);
        }
        if (hp.port.startsWith("+") || hp.port.startsWith("-")) {
            diag.alert(source, "server '" + name + "': port offsets such as '" + hp.port
                    + "' are not supported yet; give an absolute port");
            return null;
        }
        int[] range = portRange(diag, source, text, hp.port);
        if (range == null) {
            return null;
        }
        if (range[0] != range[1]) {
            diag.alert(source, "server '" + name + "': port ranges are not allowed in a server address ('"
                    + text + "')");
            return null;
        }
        return new Server(name, source, hp.host, range[0], weight, unimplemented);
    }

    private record HostPort(String host, String port) {
    }

    private static String stripPlainPrefix(String addr) {
        for (String p : PLAIN_PREFIXES) {
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
