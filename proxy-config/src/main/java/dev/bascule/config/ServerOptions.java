package dev.bascule.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The options of {@code server}/{@code default-server} lines (doc section 5.2) and of {@code bind} lines
 * (5.1): how many arguments each takes and what kind, so a value is checked even before the option is
 * implemented.
 */
final class ServerOptions {
    /** What an option's argument must look like. */
    enum Arg { NONE, WORD, INT, TIME }

    record Option(String name, Arg arg, Support support) {
    }

    static final Map<String, Option> SERVER = table(Support.NOT_IMPLEMENTED,
            "addr:WORD agent-addr:WORD agent-check agent-inter:TIME agent-port:INT agent-send:WORD "
                    + "allow-0rtt backup check check-proto:WORD check-send-proxy check-via-socks4 client-sigalgs:WORD "
                    + "cookie:WORD curves:WORD disabled downinter:TIME enabled error-limit:INT fall:INT fastinter:TIME "
                    + "id:INT init-addr:WORD inter:TIME log-proto:WORD maxconn:INT maxqueue:INT max-reuse:INT "
                    + "minconn:INT namespace:WORD no-agent-check no-backup no-check no-tfo no-tls-tickets non-stick "
                    + "observe:WORD "
                    + "on-error:WORD on-marked-down:WORD on-marked-up:WORD pool-low-conn:INT pool-max-conn:INT "
                    + "pool-purge-delay:TIME port:INT proto:WORD redir:WORD resolve-net:WORD resolve-opts:WORD "
                    + "resolve-prefer:WORD resolvers:WORD rise:INT "
                    + "set-proxy-v2-tlv-fmt:WORD shard:INT sigalgs:WORD slowstart:TIME "
                    + "socks4:WORD source:WORD stick tcp-ut:TIME tfo track:WORD ws:WORD",
            "weight:INT maxconn:INT maxqueue:INT id:INT cookie:WORD check no-check inter:TIME fastinter:TIME "
                    + "downinter:TIME rise:INT fall:INT port:INT addr:WORD backup no-backup disabled enabled "
                    + "check-send-proxy slowstart:TIME on-marked-down:WORD on-marked-up:WORD observe:WORD "
                    + "error-limit:INT on-error:WORD agent-check no-agent-check agent-port:INT agent-addr:WORD "
                    + "agent-inter:TIME agent-send:WORD alpn:WORD ca-file:WORD check-alpn:WORD check-sni:WORD "
                    + "check-ssl ciphers:WORD ciphersuites:WORD crl-file:WORD crt:WORD force-sslv3 force-tlsv10 "
                    + "force-tlsv11 force-tlsv12 force-tlsv13 no-check-ssl no-ssl no-ssl-reuse no-sslv3 no-tlsv10 "
                    + "no-tlsv11 no-tlsv12 no-tlsv13 no-verifyhost npn:WORD sni:WORD ssl ssl-max-ver:WORD "
                    + "ssl-min-ver:WORD ssl-reuse verify:WORD verifyhost:WORD resolvers:WORD resolve-prefer:WORD "
                    + "init-addr:WORD resolve-opts:WORD send-proxy no-send-proxy send-proxy-v2 no-send-proxy-v2 "
                    + "send-proxy-v2-ssl no-send-proxy-v2-ssl send-proxy-v2-ssl-cn no-send-proxy-v2-ssl-cn "
                    + "proxy-v2-options:WORD");

    static final Map<String, Option> BIND = table(Support.NOT_IMPLEMENTED,
            "accept-netscaler-cip:INT allow-0rtt ca-ignore-err:WORD ca-sign-file:WORD ca-sign-pass:WORD "
                    + "ca-verify-file:WORD client-sigalgs:WORD crt-ignore-err:WORD defer-accept expose-fd:WORD "
                    + "generate-certificates gid:INT group:WORD interface:WORD level:WORD maxconn:INT mode:WORD mss:INT "
                    + "namespace:WORD nice:INT no-ca-names process:WORD proto:WORD severity-output:WORD shards:WORD "
                    + "sigalgs:WORD tcp-ut:TIME tfo thread:WORD tls-ticket-keys:WORD transparent uid:INT user:WORD "
                    + "v4v6 v6only curves:WORD ecdhe:WORD id:INT no-tls-tickets",
            "accept-proxy alpn:WORD backlog:INT ca-file:WORD ciphers:WORD ciphersuites:WORD crl-file:WORD crt:WORD "
                    + "crt-list:WORD "
                    + "force-sslv3 force-tlsv10 force-tlsv11 force-tlsv12 force-tlsv13 "
                    + "no-sslv3 no-tlsv10 no-tlsv11 no-tlsv12 no-tlsv13 npn:WORD "
                    + "name:WORD prefer-client-ciphers ssl ssl-max-ver:WORD ssl-min-ver:WORD strict-sni verify:WORD");

    private ServerOptions() {
    }

    private static Map<String, Option> table(Support rest, String notImplemented, String supported) {
        Map<String, Option> t = new TreeMap<>();
        add(t, notImplemented, rest);
        add(t, supported, Support.SUPPORTED);
        return t;
    }

    private static void add(Map<String, Option> t, String spec, Support support) {
        for (String s : spec.split(" ")) {
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.indexOf(':');
            String name = colon < 0 ? s : s.substring(0, colon);
            Arg arg = colon < 0 ? Arg.NONE : Arg.valueOf(s.substring(colon + 1));
            t.put(name, new Option(name, arg, support));
        }
    }

    /** The options of a line from word {@code from} on, checked; null after an alert. */
    static List<Parsed> parse(Diagnostics diag, Line line, int from, Map<String, Option> table, String owner) {
        List<Parsed> out = new ArrayList<>();
        for (int i = from; i < line.size(); i++) {
            String name = line.word(i);
            Option opt = table.get(name);
            if (opt == null) {
                String near = KeywordTable.nearest(name, table.keySet());
                diag.alert(line.source(), "'" + owner + "' unknown keyword '" + name + "'"
                        + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
                return null;
            }
            String value = null;
            if (opt.arg() != Arg.NONE) {
                value = line.word(++i);
                if (value == null) {
                    diag.alert(line.source(), "'" + owner + "' : '" + name + "' expects " + describe(opt.arg())
                            + " as an argument");
                    return null;
                }
                if (!valid(diag, line, owner, name, opt.arg(), value)) {
                    return null;
                }
            }
            out.add(new Parsed(opt, value));
        }
        return out;
    }

    /** An option as written on a line. */
    record Parsed(Option option, String value) {
        String written() {
            return value == null ? option.name() : option.name() + " " + value;
        }
    }

    private static boolean valid(Diagnostics diag, Line line, String owner, String name, Arg arg, String value) {
        if (arg == Arg.INT) {
            try {
                Integer.parseInt(value);
            } catch (NumberFormatException e) {
                diag.alert(line.source(), "'" + owner + "' : '" + name + "' expects an integer, got '" + value + "'");
                return false;
            }
        } else if (arg == Arg.TIME) {
            try {
                TimeValue.parseMillis(value);
            } catch (IllegalArgumentException e) {
                diag.alert(line.source(), "'" + owner + "' : '" + name + "' : " + e.getMessage());
                return false;
            }
        }
        return true;
    }

    private static String describe(Arg arg) {
        return switch (arg) {
            case INT -> "an integer";
            case TIME -> "a time";
            default -> "a value";
        };
    }
}
