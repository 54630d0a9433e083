package dev.bascule.dist;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB or PostgreSQL server for the protocol checks: a fresh data directory under the test's
 * work directory, its own loopback port, stopped by PID. PostgreSQL refuses to run as root, so as root it
 * runs as the {@code postgres} account the Debian package creates.
 */
final class DatabaseServer implements AutoCloseable {
    final int port;
    private final Process process;

    private DatabaseServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** MariaDB with a passwordless account {@code haproxy}@127.0.0.1, as mysql-check users create. */
    static DatabaseServer mariadb() throws Exception {
        String mariadbd = Tools.require("mariadbd");
        String installDb = Tools.require("mariadb-install-db");
        Path dir = Bascule.workDir("mariadb");
        Path data = dir.resolve("data");
        run(dir, List.of(installDb, "--no-defaults", "--datadir=" + data, "--user=root",
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        Path init = dir.resolve("init.sql");
        Files.writeString(init, "CREATE USER IF NOT EXISTS 'haproxy'@'127.0.0.1';\n");
        int port = Ports.free();
        return start(dir, port, List.of(mariadbd, "--no-defaults", "--datadir=" + data, "--port=" + port,
                "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysql.sock"), "--user=root", "--skip-log-bin",
                "--init-file=" + init));
    }

    /** PostgreSQL trusting local connections, with a role {@code haproxy}'s startup accepted. */
    static DatabaseServer postgres() throws Exception {
        Path bin = postgresBin();
        Path dir = Bascule.workDir("postgres");
        List<String> asPostgres = new ArrayList<>();
        if (isRoot()) {
            asPostgres.addAll(List.of(Tools.require("runuser"), "-u", "postgres", "--"));
            new ProcessBuilder("chown", "-R", "postgres", dir.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> initdb = new ArrayList<>(asPostgres);
        initdb.addAll(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U",
                "postgres", "--auth=trust", "-N"));
        run(dir, initdb);
        int port = Ports.free();
        List<String> postgres = new ArrayList<>(asPostgres);
        postgres.addAll(List.of(bin.resolve("postgres").toString(), "-D", dir.resolve("data").toString(), "-p",
                String.valueOf(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1"));
        return start(dir, port, postgres);
    }

    private static Path postgresBin() {
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions != null) {
            for (File v : versions) {
                if (new File(v, "bin/postgres").canExecute()) {
                    return v.toPath().resolve("bin");
                }
            }
        }
        Tools.require("postgresql-server (postgres)");
        throw new IllegalStateException("unreachable");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("init.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed:\n"
                    + Files.readString(dir.resolve("init.log")));
        }
    }

    private static DatabaseServer start(Path dir, int port, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        Processes.awaitListening(port, p, dir.resolve("server.log"));
        return new DatabaseServer(port, p);
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
