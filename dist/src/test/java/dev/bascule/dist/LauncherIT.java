package dev.bascule.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An operator's scripts call bin/bascule exactly as they call haproxy. */
class LauncherIT {
    private static final String VALID = TcpProxyIT.config("""
            listen svc
                bind 127.0.0.1:%d
                server s1 127.0.0.1:%d
            """);

    @Test
    void check_mode_says_a_valid_config_is_valid() throws Exception {
        Path cfg = Bascule.writeConfig("check-ok", VALID.formatted(Ports.free(), Ports.free()));
        Bascule.Result r = Bascule.run("-c", "-f", cfg.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("Configuration file is valid\n", r.stdout());
    }

    @Test
    void check_mode_reports_every_error_with_file_line_and_a_fix() throws Exception {
        Path cfg = Bascule.writeConfig("check-bad", """
                global
                    maxconn 100
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                    timout queue 1s
                frontend in
                    bind 127.0.0.1:8000
                    default_backend poool
                backend pool
                    server a 127.0.0.1:9000
                    server a 127.0.0.1:9001
                    timeout server
                """);
        Bascule.Result r = Bascule.run("-c", "-f", cfg.toString());
        assertEquals(1, r.exitCode());
        String err = r.stderr();
        assertTrue(err.contains("[ALERT]    ("), err);
        assertTrue(err.contains("parsing [" + cfg + ":8] : unknown keyword 'timout' in 'defaults' section; "
                + "did you mean 'timeout' maybe ?"), err);
        assertTrue(err.contains("parsing [" + cfg + ":14] : backend 'pool' has the same server name 'a' declared at "
                + cfg + ":13"), err);
        assertTrue(err.contains("parsing [" + cfg + ":15] : 'timeout server' expects an integer value"), err);
        assertTrue(err.contains("parsing [" + cfg + ":11] : Proxy 'in': unable to find required default_backend: "
                + "'poool'; did you mean 'pool' maybe ?"), err);
        assertTrue(err.contains("Fatal errors found in configuration."), err);
    }

    @Test
    void check_mode_refuses_stray_arguments_as_haproxy_does() throws Exception {
        Path cfg = Bascule.writeConfig("check-extra", """
                global
                    maxconn 100 x
                defaults
                    mode tcp x
                    timeout connect 1s
                    timeout client 1s
                    timeout server 4s -m
                    retries 3 x
                backend pool
                    id 5 z
                    server a 127.0.0.1:9000
                """);
        Bascule.Result r = Bascule.run("-c", "-f", cfg.toString());
        assertEquals(1, r.exitCode());
        String err = r.stderr();
        for (String alert : List.of("parsing [" + cfg + ":2] : 'maxconn' cannot handle unexpected argument 'x'.",
                "parsing [" + cfg + ":4] : 'mode' cannot handle unexpected argument 'x'.",
                "parsing [" + cfg + ":7] : 'timeout server' : unexpected extra argument '-m' after value '4s'.",
                "parsing [" + cfg + ":8] : 'retries' cannot handle unexpected argument 'x'.",
                "parsing [" + cfg + ":10] : 'id' cannot handle unexpected argument 'z'.")) {
            assertTrue(err.contains(alert), alert + " in:\n" + err);
        }
    }

    @Test
    void check_mode_reads_latin1_comments_and_warns_about_a_cut_last_line() throws Exception {
        Path cfg = Bascule.workDir("check-bytes").resolve("latin1.cfg");
        String text = VALID.formatted(Ports.free(), Ports.free()) + "# serveur de l'\u00e9quipe\n"
                + "    timeout server 5s";
        Files.write(cfg, text.getBytes(StandardCharsets.ISO_8859_1));
        Bascule.Result r = Bascule.run("-c", "-f", cfg.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        int last = (int) text.lines().count();
        assertTrue(r.stderr().contains("[WARNING]  (") && r.stderr().contains("parsing [" + cfg + ":" + last
                + "] : Missing LF on last line, file might have been truncated at position 22."), r.stderr());
    }

    @Test
    void check_mode_warns_about_keywords_not_supported_yet() throws Exception {
        Path cfg = Bascule.writeConfig("check-warn", VALID.formatted(Ports.free(), Ports.free())
                + "    compression algo gzip\n");
        Bascule.Result r = Bascule.run("-c", "-f", cfg.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("[WARNING]  (") && r.stderr().contains(
                "parsing [" + cfg + ":11] : 'compression' is parsed but not implemented yet; it has no effect"), r.stderr());
    }

    @Test
    void dump_config_prints_the_model_as_json() throws Exception {
        int port = Ports.free();
        int serverPort = Ports.free();
        Path cfg = Bascule.writeConfig("dump", VALID.formatted(port, serverPort)
                + "    server s2 unix@/run/app.sock weight 5 check inter 2s pool-max-conn 100\n    backlog 100\n");
        Bascule.Result r = Bascule.run("-c", "--dump-config", "json", "-f", cfg.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        assertEquals(1, root.get("formatVersion").asInt());
        JsonNode frontend = root.get("frontends").get(0);
        assertEquals("svc", frontend.get("name").asText());
        assertEquals(port, frontend.get("binds").get(0).get("address").get("port").asInt());
        assertEquals("tcp", frontend.get("mode").asText());
        assertEquals(30_000, frontend.get("timeouts").get("clientMs").asLong());
        assertEquals("backlog", frontend.get("unimplemented").get(0).get("keyword").asText());
        JsonNode servers = root.get("backends").get(0).get("servers");
        assertEquals(serverPort, servers.get(0).get("address").get("port").asInt());
        assertEquals("unix", servers.get(1).get("address").get("family").asText());
        assertEquals("/run/app.sock", servers.get(1).get("address").get("path").asText());
        assertEquals(5, servers.get(1).get("weight").asInt());
        assertEquals("[\"pool-max-conn 100\"]", servers.get(1).get("unimplemented").toString());
        assertTrue(servers.get(1).get("check").get("enabled").asBoolean());
        assertEquals(2000, servers.get(1).get("check").get("interMs").asLong());
        assertEquals(11, servers.get(1).get("source").get("line").asInt());
    }

    @Test
    void a_directory_of_configs_is_read_in_lexical_order() throws Exception {
        Path dir = Bascule.workDir("confdir");
        Files.writeString(dir.resolve("10-frontend.cfg"), """
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                frontend in
                    bind 127.0.0.1:8000
                    default_backend pool
                """);
        Files.writeString(dir.resolve("20-backend.cfg"), """
                backend pool
                    server a 127.0.0.1:9000
                """);
        Files.writeString(dir.resolve("README.txt"), "not a config: ignored\n");
        Bascule.Result r = Bascule.run("-c", "-f", dir.toString());
        assertEquals(0, r.exitCode(), r.stderr());
    }

    /**
     * Environment variables as HAProxy 2.6 reads them (measured with haproxy -c): outside double quotes a '$' is
     * text, except in an address, whose parser expands $NAME itself; an address left invalid names the variable.
     */
    @Test
    void environment_variables_are_read_as_haproxy_reads_them() throws Exception {
        Path cfg = Bascule.writeConfig("check-env", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                listen stats
                    bind 127.0.0.1:$BASCULE_IT_PORT
                    stats enable
                    stats auth $USER:$PASS
                    server s1 :
                """);
        Bascule.Result unset = runWith(Map.of(), "-c", "-f", cfg.toString());
        assertEquals(1, unset.exitCode(), unset.stderr());
        assertTrue(unset.stderr().contains("missing port number in bind address '127.0.0.1:'")
                && unset.stderr().contains("from '127.0.0.1:$BASCULE_IT_PORT': BASCULE_IT_PORT is unset"), unset.stderr());
        assertTrue(!unset.stderr().contains("stats auth") && !unset.stderr().contains("'server"), unset.stderr());
        Bascule.Result set = runWith(Map.of("BASCULE_IT_PORT", String.valueOf(Ports.free()), "USER", "admin"), "-c", "-f",
                cfg.toString());
        assertEquals(0, set.exitCode(), set.stderr());
        assertTrue(set.stderr().contains("environment variable 'USER' is outside double quotes: HAProxy would not "
                + "expand it here"), set.stderr());
    }

    /**
     * A server without host connects to the address the client reached, as HAProxy's does; and an 'ulimit-n' above
     * what the JVM could raise its limit to is a startup warning that says how to raise it.
     */
    @Test
    void a_server_without_address_connects_where_the_client_came() throws Exception {
        int port = Ports.free();
        try (TestServer web = TestServer.start(TestServer.http(0, Integer.MAX_VALUE,
                new java.util.concurrent.ConcurrentLinkedQueue<>()))) {
            Path cfg = Bascule.writeConfig("serve-noaddr", """
                    global
                        ulimit-n 2000000000
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 5s
                        timeout server 5s
                    listen svc
                        bind 127.0.0.1:%d
                        server s1 :%d
                    """.formatted(port, web.port()));
            try (Bascule b = Bascule.serve(cfg, port)) {
                assertEquals("200", Curl.output(10, "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://127.0.0.1:" + port + "/"));
                assertTrue(b.stderr().contains("Cannot raise FD limit to 2000000000, limit is ")
                        && b.stderr().contains("LimitNOFILE="), b.stderr());
            }
        }
    }

    private static Bascule.Result runWith(Map<String, String> env, String... args) throws Exception {
        try (Bascule b = Bascule.start(Bascule.workDir("run"), env, args)) {
            assertTrue(b.process.waitFor(60, TimeUnit.SECONDS));
            return new Bascule.Result(b.process.exitValue(), b.stdout(), b.stderr());
        }
    }

    @Test
    void cc_evaluates_a_condition_like_haproxy() throws Exception {
        assertEquals(0, Bascule.run("-cc", "version_atleast(2.4)").exitCode());
        assertEquals(1, Bascule.run("-cc", "version_before(2.0)").exitCode());
        assertEquals(0, Bascule.run("-cc", "version_atleast(2.2) && !defined(BASCULE_SURELY_UNSET)").exitCode());
        assertEquals(2, Bascule.run("-cc", "versionatleast(2.4)").exitCode());
    }

    /**
     * Scripts read {@code haproxy -vv} with these two expressions (monitoring plugins, Ansible facts, packaging
     * checks): the version of the language, and the features. Bascule's output answers them as HAProxy 2.6's does.
     */
    @Test
    void version_output_reads_as_haproxy_2_6_to_the_scripts_that_parse_it() throws Exception {
        Bascule.Result v = Bascule.run("-v");
        assertEquals(0, v.exitCode());
        Matcher version = Pattern.compile("HA-?Proxy version ([0-9.]+)")
                .matcher(v.stdout());
        assertTrue(version.find(), v.stdout());
        assertEquals("2.6.0", version.group(1));
        assertTrue(v.stdout().lines().findFirst().orElseThrow().matches(
                "HAProxy version 2\\.6\\.0-bascule-\\S+ \\S+ - https://docs\\.haproxy\\.org/2\\.6/configuration\\.html"),
                v.stdout());
        Bascule.Result vv = Bascule.run("-vv");
        Matcher features = Pattern.compile("Feature list : (.*)").matcher(vv.stdout());
        assertTrue(features.find(), vv.stdout());
        List<String> list = List.of(features.group(1).trim().split(" "));
        assertTrue(list.stream().allMatch(f -> f.matches("[+-][A-Z0-9_]+")), list.toString());
        // What works is +, what does not is -, as a script testing for TLS or Lua must learn.
        assertTrue(list.containsAll(List.of("+PROMEX", "+THREAD", "+OPENSSL", "-LUA", "-ZLIB", "-TPROXY")),
                list.toString());
        assertTrue(vv.stdout().contains("Available polling systems :"), vv.stdout());
        String arch = System.getProperty("os.arch");
        if (System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64"))
                && System.getenv("BASCULE_TRANSPORT") == null) {
            // io_uring by default where the kernel allows it (a seccomp profile may not), epoll otherwise or
            // when asked for.
            boolean uring = vv.stdout().contains("io_uring : pref=400,  test result OK");
            assertTrue(vv.stdout().contains(uring ? "will use io_uring." : "will use epoll."), vv.stdout());
            assertTrue(vv.stdout().contains("+EPOLL"), vv.stdout());
            assertTrue(Bascule.run(Map.of("JAVA_OPTS", "-Dbascule.transport=epoll"), "-vv").stdout()
                    .contains("will use epoll."));
        }
        assertTrue(Bascule.run("-vv", "-de").stdout().contains("will use nio."));
    }

    /** The feature list has HAProxy 2.6's own words in its order, so that a script's lookup finds each one. */
    @Test
    void the_feature_list_names_haproxys_features_in_its_order() throws Exception {
        Process haproxy = new ProcessBuilder(Tools.require("haproxy"), "-vv").redirectErrorStream(true).start();
        String theirs = new String(haproxy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(haproxy.waitFor(10, TimeUnit.SECONDS));
        assertEquals(featureNames(theirs), featureNames(Bascule.run("-vv").stdout()));
    }

    private static List<String> featureNames(String vv) {
        Matcher m = Pattern.compile("Feature list : (.*)").matcher(vv);
        assertTrue(m.find(), vv);
        return List.of(m.group(1).trim().replaceAll("(^| )[+-]", "$1").split(" "));
    }

    @Test
    void help_documents_haproxys_flags() throws Exception {
        Bascule.Result r = Bascule.run("--help");
        assertEquals(0, r.exitCode());
        for (String flag : List.of("-f", "-c", "-cc", "-p", "-D", "-db", "-d", "-sf", "-st", "-v", "-vv", "-L", "-dM",
                "-W", "-S", "demo")) {
            assertTrue(r.stdout().contains(flag + " ") || r.stdout().contains(flag + ","), flag + " in\n" + r.stdout());
        }
    }

    @Test
    void no_config_file_is_an_error() throws Exception {
        Bascule.Result r = Bascule.run();
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("No configuration file specified"), r.stderr());
    }

    @Test
    void sigterm_stops_it_with_status_0_and_removes_the_pid_file() throws Exception {
        int port = Ports.free();
        Path cfg = Bascule.writeConfig("sigterm", VALID.formatted(port, Ports.free()));
        Path pidFile = cfg.getParent().resolve("bascule.pid");
        long started = System.nanoTime();
        try (Bascule proxy = Bascule.serve(cfg, port, "-p", pidFile.toString())) {
            System.out.printf("[measure] bin/bascule start to listening socket: %d ms%n",
                    (System.nanoTime() - started) / 1_000_000);
            awaitFile(pidFile);
            assertEquals(proxy.pid() + "\n", Files.readString(pidFile), "the pid file holds the JVM's own pid");
            assertEquals(0, proxy.stop());
            assertFalse(Files.exists(pidFile), "pid file removed on exit");
            assertTrue(proxy.stderr().contains("Received SIGTERM"), proxy.stderr());
        }
    }

    @Test
    void sigint_stops_it_with_status_0() throws Exception {
        int port = Ports.free();
        Path cfg = Bascule.writeConfig("sigint", VALID.formatted(port, Ports.free()));
        try (Bascule proxy = Bascule.serve(cfg, port)) {
            new ProcessBuilder("kill", "-INT", String.valueOf(proxy.pid())).start().waitFor();
            assertTrue(proxy.process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, proxy.process.exitValue());
            assertFalse(Bascule.isListening(port), "listener closed");
        }
    }

    @Test
    void daemon_mode_detaches_and_the_daemon_writes_the_pid_file() throws Exception {
        int port = Ports.free();
        Path cfg = Bascule.writeConfig("daemon", VALID.formatted(port, Ports.free()));
        Path pidFile = cfg.getParent().resolve("daemon.pid");
        Bascule.Result launcher = Bascule.run("-D", "-f", cfg.toString(), "-p", pidFile.toString());
        assertEquals(0, launcher.exitCode(), launcher.stderr());
        assertTrue(Bascule.isListening(port), "the daemon listens once the launcher returns");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
        try {
            assertTrue(daemon.isAlive());
            assertTrue(daemon.destroy(), "SIGTERM sent to the daemon");
            daemon.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(Files.exists(pidFile), "the daemon removes its pid file on exit");
        } finally {
            daemon.destroyForcibly();
        }
    }

    @Test
    void the_global_daemon_keyword_is_overridden_by_db() throws Exception {
        int port = Ports.free();
        Path cfg = Bascule.writeConfig("daemon-db", "global\n    daemon\n" + VALID.formatted(port, Ports.free()));
        try (Bascule proxy = Bascule.serve(cfg, port)) {
            assertTrue(proxy.process.isAlive(), "-db keeps it in the foreground");
            assertEquals(0, proxy.stop());
        }
    }

    @Test
    void a_port_in_use_stops_startup_with_an_alert() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path cfg = Bascule.writeConfig("inuse", VALID.formatted(port, Ports.free()));
            Bascule.Result r = Bascule.run("-db", "-f", cfg.toString());
            assertEquals(1, r.exitCode());
            assertTrue(r.stderr().contains("[ALERT]    (") && r.stderr().contains(
                    "Starting frontend svc: cannot bind socket (Address already in use) [127.0.0.1:" + port + "]"),
                    r.stderr());
        }
    }

    @Test
    void bin_script_honours_java_home_and_java_opts() throws Exception {
        Path dir = Bascule.workDir("javaenv");
        Bascule.Result badOption = runWith(dir, Map.of("JAVA_OPTS", "-XX:+BasculeNoSuchVmOption"), "-v");
        assertNotEquals(0, badOption.exitCode(), "an unknown JVM option given in JAVA_OPTS reaches the JVM");
        assertTrue(badOption.stderr().contains("BasculeNoSuchVmOption"), badOption.stderr());

        String javaHome = System.getProperty("java.home");
        Bascule.Result home = runWith(dir, Map.of("JAVA_HOME", javaHome), "-v");
        assertEquals(0, home.exitCode(), home.stderr());
        assertTrue(home.stdout().contains("Java " + System.getProperty("java.version")), home.stdout());
        assertNotEquals(0, runWith(dir, Map.of("JAVA_HOME", dir.resolve("no-such-jdk").toString()), "-v").exitCode());
    }

    private static Bascule.Result runWith(Path dir, Map<String, String> env, String... args) throws Exception {
        try (Bascule b = Bascule.start(dir, env, args)) {
            assertTrue(b.process.waitFor(30, TimeUnit.SECONDS));
            return new Bascule.Result(b.process.exitValue(), b.stdout(), b.stderr());
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
