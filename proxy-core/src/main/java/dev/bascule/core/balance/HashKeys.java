package dev.bascule.core.balance;

import dev.bascule.config.model.Balance;
import dev.bascule.config.model.SampleExpression;
import dev.bascule.core.http.Cookies;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The keys of {@code balance source}, {@code uri}, {@code url_param}, {@code hdr(<name>)} and {@code hash <expr>},
 * extracted as HAProxy does, so that both send the same request to the same server.
 */
public final class HashKeys {
    private HashKeys() {
    }

    /** @return the key the backend's {@code balance} line hashes */
    public static HashKey of(Balance balance) {
        HashFunction function = HashFunction.named(balance.hashFunction());
        boolean avalanche = balance.avalanche();
        List<String> args = balance.arguments();
        String algorithm = balance.algorithm();
        return switch (algorithm.replaceAll("\\(.*", "")) {
            case "source" -> source(balance.consistent());
            case "uri" -> text(function, avalanche, (client, r) -> uri(r, args));
            case "url_param" -> text(function, avalanche, (client, r) -> r == null ? null : urlParam(r.uri(), args.get(0)));
            case "hdr" -> {
                String name = algorithm.substring(4, algorithm.length() - 1);
                boolean domainOnly = args.contains("use_domain_only");
                yield text(function, avalanche, (client, r) -> header(r, name, domainOnly));
            }
            case "hash" -> bytes(function, avalanche, Samples.of(SampleExpression.parse(args.get(0))));
            default -> throw new IllegalArgumentException("not a hashing algorithm: " + algorithm);
        };
    }

    /**
     * {@code balance source}: an IPv4 address is its 32-bit number, an IPv6 one the XOR of its four 32-bit
     * words; consistent hashing always avalanches it, whatever the {@code hash-type} function.
     */
    public static HashKey source(boolean consistent) {
        return (client, request) -> {
            if (!(client instanceof InetSocketAddress isa) || isa.getAddress() == null) {
                return HashKey.NONE;
            }
            byte[] a = isa.getAddress().getAddress();
            int h = 0;
            for (int i = 0; i + 3 < a.length; i += 4) {
                h ^= (a[i] & 0xff) << 24 | (a[i + 1] & 0xff) << 16 | (a[i + 2] & 0xff) << 8 | (a[i + 3] & 0xff);
            }
            return Integer.toUnsignedLong(consistent ? HashFunction.avalanche(h) : h);
        };
    }

    private interface TextKey {
        String of(SocketAddress client, HttpRequest request);
    }

    private interface BytesKey {
        byte[] of(SocketAddress client, HttpRequest request);
    }

    private static HashKey text(HashFunction function, boolean avalanche, TextKey key) {
        return bytes(function, avalanche, (client, r) -> {
            String k = key.of(client, r);
            return k == null ? null : k.getBytes(StandardCharsets.ISO_8859_1);
        });
    }

    /** HAProxy's {@code gen_hash}: the function over the key's bytes, then the avalanche modifier if set. */
    private static HashKey bytes(HashFunction function, boolean avalanche, BytesKey key) {
        return (client, request) -> {
            byte[] k = key.of(client, request);
            if (k == null) {
                return HashKey.NONE;
            }
            int h = function.hash(k);
            return Integer.toUnsignedLong(avalanche ? HashFunction.avalanche(h) : h);
        };
    }

    /**
     * {@code balance uri [len N] [depth N] [whole] [path-only]}: the URI as written, up to the {@code ?} unless
     * {@code whole}, cut at the {@code depth}-th slash after the first and after {@code len} characters.
     */
    static String uri(HttpRequest request, List<String> args) {
        if (request == null) {
            return null;
        }
        String uri = request.uri();
        if (args.contains("path-only")) {
            uri = Samples.path(uri);
        }
        int len = intAfter(args, "len");
        int depth = intAfter(args, "depth");
        boolean whole = args.contains("whole");
        int limit = len > 0 ? Math.min(len, uri.length()) : uri.length();
        int slashes = 0;
        int end = 0;
        while (end < limit) {
            char c = uri.charAt(end);
            if (c == '/') {
                slashes++;
                if (depth > 0 && slashes == depth + 1) {
                    break;
                }
            } else if (c == '?' && !whole) {
                break;
            }
            end++;
        }
        return uri.substring(0, end);
    }

    /** The value of the first {@code name=value} in the query string, or null when absent or empty. */
    static String urlParam(String uri, String name) {
        int q = uri.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String param : uri.substring(q + 1).split("&")) {
            if (param.length() > name.length() && param.startsWith(name) && param.charAt(name.length()) == '=') {
                return param.substring(name.length() + 1);
            }
        }
        return null;
    }

    /**
     * {@code balance hdr(<name>) [use_domain_only]}: the header's first value; with {@code use_domain_only},
     * only the label before the last dot of a host name ({@code 1wt} of {@code haproxy.1wt.eu:80}).
     */
    static String header(HttpRequest request, String name, boolean domainOnly) {
        if (request == null) {
            return null;
        }
        String v = request.headers().get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!domainOnly) {
            return v;
        }
        int colon = v.indexOf(':');
        String host = colon < 0 ? v : v.substring(0, colon);
        int last = host.lastIndexOf('.');
        if (last < 0) {
            return host;
        }
        return host.substring(host.lastIndexOf('.', last - 1) + 1, last);
    }

    private static int intAfter(List<String> args, String word) {
        int i = args.indexOf(word);
        return i < 0 || i + 1 >= args.size() ? 0 : Integer.parseInt(args.get(i + 1));
    }

    /** The fetches of {@code balance hash <expr>}, as binary samples (an IPv4 address is its 4 bytes). */
    static final class Samples {
        private Samples() {
        }

        static BytesKey of(SampleExpression e) {
            TextOrBytes fetch = fetch(e);
            List<String> converters = e.converters();
            return (client, request) -> {
                Object v = fetch.of(client, request);
                if (v == null) {
                    return null;
                }
                if (v instanceof byte[] b) {
                    return b;
                }
                String s = (String) v;
                for (String c : converters) {
                    s = c.equals("lower") ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT);
                }
                return s.getBytes(StandardCharsets.ISO_8859_1);
            };
        }

        private interface TextOrBytes {
            Object of(SocketAddress client, HttpRequest request);
        }

        private static TextOrBytes fetch(SampleExpression e) {
            String arg = e.arguments().isEmpty() ? null : e.arguments().get(0);
            return switch (e.fetch()) {
                case "src" -> (client, r) -> address(client);
                case "path" -> (client, r) -> r == null ? null : path(r.uri());
                case "pathq" -> (client, r) -> r == null ? null : pathq(r.uri());
                case "url" -> (client, r) -> r == null ? null : r.uri();
                case "query" -> (client, r) -> {
                    if (r == null) {
                        return null;
                    }
                    int q = r.uri().indexOf('?');
                    return q < 0 ? null : r.uri().substring(q + 1);
                };
                case "method" -> (client, r) -> r == null ? null : r.method().name();
                case "base" -> (client, r) -> {
                    if (r == null) {
                        return null;
                    }
                    String host = r.headers().get(HttpHeaderNames.HOST);
                    return (host == null ? "" : host) + path(r.uri());
                };
                case "req.hdr" -> (client, r) -> {
                    if (r == null) {
                        return null;
                    }
                    // req.hdr splits on commas and, without an occurrence, takes the last value, as HAProxy.
                    List<String> all = r.headers().getAll(arg);
                    if (all.isEmpty()) {
                        return null;
                    }
                    String[] values = all.get(all.size() - 1).split(",");
                    return values[values.length - 1].trim();
                };
                case "req.fhdr" -> (client, r) -> {
                    if (r == null) {
                        return null;
                    }
                    List<String> all = r.headers().getAll(arg);
                    return all.isEmpty() ? null : all.get(all.size() - 1);
                };
                case "url_param" -> (client, r) -> r == null ? null : urlParam(r.uri(), arg);
                case "req.cook" -> (client, r) -> r == null ? null : Cookies.value(r.headers(), arg);
                default -> throw new IllegalArgumentException("unknown fetch " + e.fetch());
            };
        }

        private static byte[] address(SocketAddress client) {
            return client instanceof InetSocketAddress isa && isa.getAddress() != null
                    ? isa.getAddress().getAddress() : null;
        }

        /** The path of an origin-form or absolute-form URI, without its query string. */
        static String path(String uri) {
            String p = pathq(uri);
            int q = p.indexOf('?');
            return q < 0 ? p : p.substring(0, q);
        }

        static String pathq(String uri) {
            int scheme = uri.indexOf("://");
            if (scheme > 0 && !uri.startsWith("/")) {
                int slash = uri.indexOf('/', scheme + 3);
                return slash < 0 ? "/" : uri.substring(slash);
            }
            return uri;
        }
    }
}
