package dev.bascule.core.balance;

import dev.bascule.config.model.Balance;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.core.sample.Expression;
import dev.bascule.core.sample.HttpFetches;
import dev.bascule.core.sample.RequestView;
import dev.bascule.core.sample.SampleContext;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
            case "hash" -> bytes(function, avalanche, expression(balance.expression()));
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
            uri = HttpFetches.path(uri);
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
        List<String> lines = view(request).headerLines(name);
        String v = lines.isEmpty() ? null : lines.get(0).strip();
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

    /** {@code balance hash <expr>}: the expression's sample as bytes (an address's 4 or 16), from the sample layer. */
    private static BytesKey expression(SampleExpr e) {
        Expression compiled = Expression.of(e);
        return (client, r) -> compiled.bytes(new SampleContext(client, null, r == null ? null : view(r), null, null,
                null, SampleContext.NO_BACKENDS));
    }

    /** The head's read-only view: hashing reads the request, it must not turn its head into header objects. */
    private static RequestView view(HttpRequest r) {
        return r instanceof RequestView v ? v : RequestView.of(r);
    }
}
