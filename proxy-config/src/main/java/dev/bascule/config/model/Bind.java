package dev.bascule.config.model;

/**
 * One listening address of a frontend. {@code host} is null for a wildcard ({@code *:80}, {@code :80}),
 * {@code "::"} for {@code [::]:80}.
 */
public record Bind(Source source, String host, int port) {
    public String address() {
        String h = host == null ? "*" : host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return h + ":" + port;
    }
}
