package dev.bascule.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real nginx on its own loopback port, from its own config and prefix directory, stopped by PID.
 * {@code /health} answers 200 "healthy", or 503 while the file {@link #downFlag()} exists; every other path
 * answers with the server's name; {@code /cookie} with the Cookie header it received, {@code /login} with its
 * name and an application session cookie ({@code JSESSIONID=abc123}); {@code /status/404}, {@code /status/410} and
 * {@code /status/429} with that status, {@code /leak} with an {@code X-Leak} header.
 */
final class NginxServer implements AutoCloseable {
    final int port;
    private final Path dir;
    private final Process process;

    private NginxServer(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    static NginxServer start(String name) throws Exception {
        return start(name, "");
    }

    /** The same server over TLS only, with {@code pem} (certificate then key, HAProxy's layout) as its certificate. */
    static NginxServer startTls(String name, Path pem) throws Exception {
        String file = pem.toAbsolutePath().toString();
        return start(name, " ssl;\n ssl_protocols TLSv1.2 TLSv1.3;\n ssl_certificate " + file
                + ";\n ssl_certificate_key " + file);
    }

    private static NginxServer start(String name, String listenOptions) throws Exception {
        String nginx = Tools.require("nginx");
        int port = Ports.free();
        Path dir = Bascule.workDir("nginx-" + name);
        Files.createDirectories(dir.resolve("logs"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp_body;
                    proxy_temp_path %1$s/tmp_proxy;
                    fastcgi_temp_path %1$s/tmp_fastcgi;
                    uwsgi_temp_path %1$s/tmp_uwsgi;
                    scgi_temp_path %1$s/tmp_scgi;
                    server {
                        listen 127.0.0.1:%2$d%4$s;
                        location = /health {
                            if (-f %1$s/down) { return 503; }
                            return 200 "healthy\\n";
                        }
                        location = /xff { return 200 "$http_x_forwarded_for\\n"; }
                        location = /tls-facts { return 200 "$http_x_tls\\n"; }
                        location = /orig { return 200 "$http_x_original_to\\n"; }
                        location = /conn { return 200 "%3$s $connection\\n"; }
                        location = /cookie { return 200 "$http_cookie\\n"; }
                        location = /login {
                            add_header Set-Cookie "JSESSIONID=abc123; Path=/";
                            return 200 "%3$s\\n";
                        }
                        location = /status/404 { return 404 "%3$s 404\\n"; }
                        location = /status/410 { return 410 "%3$s 410\\n"; }
                        location = /status/429 { return 429 "%3$s 429\\n"; }
                        location = /leak {
                            add_header X-Leak secret always;
                            return 200 "%3$s\\n";
                        }
                        location = /tls { return 200 "%3$s $ssl_protocol $ssl_server_name $connection_requests\\n"; }
                        location / { return 200 "%3$s\\n"; }
                    }
                }
                """.formatted(dir.toAbsolutePath(), port, name, listenOptions));
        Process p = new ProcessBuilder(List.of(nginx, "-c", conf.toAbsolutePath().toString(), "-p",
                dir.toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.txt").toFile()).start();
        Processes.awaitListening(port, p, dir.resolve("logs/error.log"));
        return new NginxServer(port, dir, p);
    }

    /** While this file exists, /health answers 503. */
    Path downFlag() {
        return dir.resolve("down");
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
