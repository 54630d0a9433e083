package dev.bascule.dist;

import dev.bascule.config.model.Identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code user}, {@code uid}, {@code group} and {@code gid}. HAProxy binds its listeners as root, then calls setgid()
 * and setuid(); a JVM cannot change its own identity (and a setuid() in one thread would not reach the others), so
 * bin/bascule does it before the JVM starts: run as root with a config that names an identity, it asks
 * {@link #setprivArguments} which one, and execs the JVM under {@code setpriv(1)} with that identity and the one
 * capability binding needs ({@code CAP_NET_BIND_SERVICE}: ports below 1024). The JVM then checks, once its listeners
 * are bound, that it runs as the configuration says, and refuses to serve otherwise, as HAProxy exits when
 * setuid() fails.
 */
final class ProcessIdentity {
    private ProcessIdentity() {
    }

    /**
     * The options that give setpriv(1) this identity, HAProxy's way: with a group, the supplementary groups are
     * dropped ({@code setgroups(0)}); with a user only, the groups stay. Empty when the config names none.
     */
    static List<String> setprivArguments(Identity id) {
        List<String> args = new ArrayList<>();
        if (id.gid() >= 0) {
            args.add("--regid=" + id.gid());
            args.add("--clear-groups");
        }
        if (id.uid() >= 0) {
            args.add("--reuid=" + id.uid());
        }
        return args;
    }

    /** Why this process cannot serve as {@code id}, in HAProxy's words first, or null when it runs as it should. */
    static String problem(Identity id) {
        if (id.hasUser() && id.uid() < 0) {
            return "cannot find user id for '" + id.user() + "' (no such user in /etc/passwd)";
        }
        if (id.hasGroup() && id.gid() < 0) {
            return "cannot find group id for '" + id.group() + "' (no such group in /etc/group)";
        }
        long[] now = current();
        if (now == null) {
            return null;
        }
        if (id.gid() >= 0 && now[1] != id.gid()) {
            return "Cannot set gid " + id.gid() + ": " + why(now);
        }
        if (id.uid() >= 0 && now[0] != id.uid()) {
            return "Cannot set uid " + id.uid() + ": " + why(now);
        }
        return null;
    }

    private static String why(long[] now) {
        if (now[0] == 0) {
            return "the process runs as root (uid 0, gid " + now[1] + "); a JVM cannot change its identity, so "
                    + "bin/bascule starts it through setpriv(1) when run as root: start it with bin/bascule, and "
                    + "install setpriv (util-linux) if it is missing";
        }
        return "the process runs as uid " + now[0] + ", gid " + now[1] + ", and only root can change it";
    }

    /** The effective uid and gid, from /proc/self/status; null where that file is not there. */
    private static long[] current() {
        try {
            long uid = -1;
            long gid = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.split("\\s+")[2]);
                } else if (line.startsWith("Gid:")) {
                    gid = Long.parseLong(line.split("\\s+")[2]);
                }
            }
            return uid < 0 || gid < 0 ? null : new long[] {uid, gid};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
