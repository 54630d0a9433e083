package dev.bascule.dist;

import dev.bascule.core.SocketErrors;
import dev.bascule.core.handoff.InheritedSockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * HAProxy's process handoff ({@code -sf}, {@code -st}, {@code -x}): the new process takes the old one's listening
 * sockets before it binds, then tells the old one to stop. Without {@code -x}, Bascule finds the sockets itself:
 * every Bascule process with epoll serves them on a handoff socket named by its pid, so the seed's reload
 * command ({@code -sf $(cat pidfile)}) loses no connection waiting in a backlog either.
 */
final class Handoff {
    private static final Logger log = LoggerFactory.getLogger(Handoff.class);

    private Handoff() {
    }

    /** Where the process with this pid answers {@link InheritedSockets#COMMAND}. */
    static Path socketPath(long pid) {
        return Path.of(System.getProperty("java.io.tmpdir"), "bascule-" + pid + ".sock");
    }

    /**
     * The old process's sockets: from {@code -x}'s socket when given, else from the handoff socket of the first
     * old process that has one. None when there is no old process or it cannot hand them over (then the new
     * process binds beside it with SO_REUSEPORT).
     */
    static InheritedSockets receive(Path xSocket, List<Long> oldPids) {
        List<Path> candidates = xSocket != null ? List.of(xSocket)
                : oldPids.stream().map(Handoff::socketPath).filter(Files::exists).toList();
        for (Path p : candidates) {
            try {
                InheritedSockets got = InheritedSockets.fetch(p);
                log.info("Took {} listening socket(s) over from the old process through {}.", got.size(), p);
                return got;
            } catch (IOException e) {
                log.warn("Failed to get the sockets from the old process through {} ({}): binding anew beside it.",
                        p, SocketErrors.describe(e));
            }
        }
        return InheritedSockets.none();
    }

    /** Once this process serves: SIGUSR1 to those to soft-stop ({@code -sf}), SIGTERM to the others. */
    static void stopOld(List<Long> soft, List<Long> hard) {
        signal("USR1", soft);
        signal("TERM", hard);
    }

    private static void signal(String name, List<Long> pids) {
        for (long pid : pids) {
            if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).isEmpty()) {
                continue;
            }
            if (!Signals.send(name, pid)) {
                log.warn("Failed to send SIG{} to old process {}.", name, pid);
            }
        }
    }
}
