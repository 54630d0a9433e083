package dev.bascule.config;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Resolvers;
import dev.bascule.config.model.ServerDns;
import dev.bascule.config.model.Source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A {@code resolvers} section (doc section 5.3.2): the name servers and timers of run-time DNS resolution, which
 * servers name with their {@code resolvers} option. HAProxy's messages and limits.
 */
final class ResolversSection implements Section {
    static final KeywordTable<ResolversSection> TABLE = new KeywordTable<>("resolvers", List.of(
            k("accepted_payload_size", 1, "<nb>", ResolversSection::payloadSize),
            k("hold", 2, "<status> <period>", ResolversSection::hold),
            k("nameserver", 2, "<name> <address>[:port]", ResolversSection::nameserver),
            k("parse-resolv-conf", 0, "", ResolversSection::parseResolvConf),
            k("resolve_retries", 1, "<nb>", ResolversSection::retries),
            k("timeout resolve", 1, "<time>", ResolversSection::timeout),
            k("timeout retry", 1, "<time>", ResolversSection::timeout)));
    private static final int DNS_HEADER_SIZE = 12;
    private static final int DNS_MAX_UDP_MESSAGE = 65535;
    private static final int DNS_PORT = 53;

    private final Diagnostics diag;
    private final Path resolvConf;
    final String name;
    final Source source;
    private final List<Resolvers.Nameserver> nameservers = new ArrayList<>();
    private int retries = Resolvers.DEFAULT_RETRIES;
    private long resolveMs = Resolvers.DEFAULT_TIMEOUT_MS;
    private long retryMs = Resolvers.DEFAULT_TIMEOUT_MS;
    private Resolvers.Hold hold = Resolvers.Hold.DEFAULT;
    private int payloadSize = Resolvers.DEFAULT_PAYLOAD_SIZE;

    /** @param resolvConf the file {@code parse-resolv-conf} reads ({@code /etc/resolv.conf}) */
    ResolversSection(Diagnostics diag, Line header, Path resolvConf) {
        this.diag = diag;
        this.resolvConf = resolvConf;
        this.name = header.word(1);
        this.source = header.source();
        if (name == null) {
            diag.alert(header.source(), "missing name for resolvers section; write 'resolvers <name>'");
        }
    }

    private static Keyword<ResolversSection> k(String name, int minArgs, String usage,
                                               BiConsumer<ResolversSection, Line> handler) {
        return new Keyword<>(name, "", Support.SUPPORTED, "5.3.2", minArgs, usage, handler);
    }

    @Override
    public void keyword(Line line) {
        Keyword<ResolversSection> k = TABLE.find(line);
        if (k == null) {
            diag.alert(line.source(), TABLE.unknown(line, "resolvers"));
            return;
        }
        String missing = k.missingArguments(line, k.name());
        if (missing != null) {
            diag.alert(line.source(), missing);
            return;
        }
        k.handler().accept(this, line);
    }

    private void nameserver(Line line) {
        String id = line.word(1);
        for (Resolvers.Nameserver ns : nameservers) {
            if (ns.name().equals(id)) {
                diag.alert(line.source(), "nameserver '" + id + "' has same name as another nameserver (declared at "
                        + ns.source() + "); give each one its own name");
                return;
            }
        }
        Address a = address(line.word(2));
        if (a == null) {
            diag.alert(line.source(), "'nameserver " + id + "' : invalid address '" + line.word(2) + "'; write an "
                    + "IPv4 or IPv6 address with an optional port (UDP, port 53 by default), e.g. 10.0.0.1:53 or "
                    + "[::1]:53");
            return;
        }
        nameservers.add(new Resolvers.Nameserver(id, a, line.source()));
    }

    /** An IP literal with an optional port ({@code udp@} prefixes allowed), or null. */
    private static Address address(String text) {
        String t = text.startsWith("udp@") || text.startsWith("udp4@") || text.startsWith("udp6@")
                || text.startsWith("ipv4@") || text.startsWith("ipv6@") ? text.substring(text.indexOf('@') + 1) : text;
        String host = t;
        int port = DNS_PORT;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                Integer p = port(rest.substring(1));
                if (p == null) {
                    return null;
                }
                port = p;
            }
        } else if (t.indexOf(':') == t.lastIndexOf(':') && t.indexOf(':') >= 0) {
            host = t.substring(0, t.indexOf(':'));
            Integer p = port(t.substring(t.indexOf(':') + 1));
            if (p == null) {
                return null;
            }
            port = p;
        }
        return ServerDns.literal(host) == null ? null : Address.inet(host, port);
    }

    private static Integer port(String text) {
        try {
            int p = Integer.parseInt(text);
            return p >= 1 && p <= 65535 ? p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Adds the {@code nameserver} lines of resolv.conf, in place, named after their address as HAProxy does. */
    private void parseResolvConf(Line line) {
        List<String> lines;
        try {
            lines = Files.readAllLines(resolvConf, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            diag.alert(line.source(), "failed to open " + resolvConf + ".");
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            String[] w = lines.get(i).trim().split("\\s+");
            if (w.length == 0 || !w[0].equals("nameserver")) {
                continue;
            }
            Source at = new Source(resolvConf.toString(), i + 1);
            if (w.length < 2) {
                diag.warning(line.source(), "parsing [" + at + "] : nameserver line is missing address.");
                continue;
            }
            Resolvers.Nameserver same = nameservers.stream().filter(ns -> ns.name().equals(w[1])).findFirst()
                    .orElse(null);
            if (same != null) {
                diag.warning(line.source(), "Parsing [" + at + "] : generated name for " + resolvConf + " nameserver '"
                        + w[1] + "' conflicts with another nameserver (declared at " + same.source() + "), it appears "
                        + "to be a duplicate and will be excluded.");
                continue;
            }
            Address a = ServerDns.literal(w[1]) == null ? null : Address.inet(w[1], DNS_PORT);
            if (a == null) {
                diag.warning(line.source(), "parsing [" + at + "] : address '" + w[1] + "' could not be recognized, "
                        + "nameserver will be excluded.");
                continue;
            }
            nameservers.add(new Resolvers.Nameserver(w[1], a, at));
        }
    }

    private void hold(Line line) {
        String status = line.word(1);
        if (!List.of("nx", "other", "refused", "timeout", "valid", "obsolete").contains(status)) {
            diag.alert(line.source(), "'hold' unknown <event>: '" + status + "', expects either 'nx', 'timeout', "
                    + "'valid', 'obsolete', 'refused' or 'other'.");
            return;
        }
        Long ms = time(line, "hold " + status, line.word(2));
        if (ms != null) {
            hold = hold.with(status, ms);
        }
    }

    private void timeout(Line line) {
        Long ms = time(line, "timeout " + line.word(1), line.word(2));
        if (ms == null) {
            return;
        }
        if (ms == 0) {
            diag.alert(line.source(), "'timeout " + line.word(1) + "' : a null timeout would resolve without pause; "
                    + "give a time of at least 1ms");
        } else if (line.word(1).equals("resolve")) {
            resolveMs = ms;
        } else {
            retryMs = ms;
        }
    }

    private Long time(Line line, String what, String value) {
        try {
            return TimeValue.parseMillis(value);
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), "'" + what + "' : " + e.getMessage());
            return null;
        }
    }

    private void retries(Line line) {
        Integer v = Numbers.parse(diag, line, "resolve_retries", line.word(1), 1, Integer.MAX_VALUE);
        if (v != null) {
            retries = v;
        }
    }

    private void payloadSize(Line line) {
        Integer v = Numbers.parse(diag, line, "accepted_payload_size", line.word(1), DNS_HEADER_SIZE,
                DNS_MAX_UDP_MESSAGE);
        if (v != null) {
            payloadSize = v;
        }
    }

    Resolvers build() {
        return new Resolvers(name, source, nameservers, retries, resolveMs, retryMs, hold, payloadSize);
    }
}
