package dev.bascule.core.state;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.LoadServerState;
import dev.bascule.core.BackendState;
import dev.bascule.core.ServerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the server state files a configuration names to the servers of a process that starts, before any
 * check or connection, as HAProxy 2.6's apply_server_state does: {@code load-server-state-from-file global} takes
 * the backend's lines of the global {@code server-state-file}, {@code local} the backend's own file. A server is
 * found by its backend's and its own name. Never on an in-process reload: the servers kept there have their
 * state already.
 */
public final class ServerStateFiles {
    private static final Logger log = LoggerFactory.getLogger(ServerStateFiles.class);

    private ServerStateFiles() {
    }

    public static void apply(Global global, List<BackendState> backends) {
        Map<String, StateLine> shared = null;
        if (global.serverStateFile() != null
                && backends.stream().anyMatch(b -> b.config().loadServerStateFromFile() == LoadServerState.GLOBAL)) {
            List<StateLine> lines = ServerStateFile.read(global.serverStatePath(global.serverStateFile()),
                    "global server state file");
            shared = lines == null ? null : byServer(lines, null);
        }
        for (BackendState b : backends) {
            switch (b.config().loadServerStateFromFile()) {
                case GLOBAL -> {
                    if (shared != null) {
                        apply(b, shared);
                    }
                }
                case LOCAL -> local(global, b);
                case NONE -> {
                }
            }
        }
        if (shared != null) {
            shared.values().forEach(line -> unused(line, backends));
        }
    }

    private static void local(Global global, BackendState b) {
        String path = global.serverStatePath(b.config().serverStateFileName());
        List<StateLine> lines = ServerStateFile.read(path, "server state file of backend '" + b.name() + "'");
        if (lines != null) {
            Map<String, StateLine> mine = byServer(lines, b.config());
            apply(b, mine);
            mine.values().forEach(l -> log.warn("{} : backend '{}' has no server '{}'; its saved state is ignored",
                    l.where(), b.name(), l.serverName()));
        }
    }

    /**
     * The lines by {@code backend server} name, the first of a pair winning; for a backend's own file, only
     * those of that backend, found by name and id as HAProxy does.
     */
    private static Map<String, StateLine> byServer(List<StateLine> lines, Backend own) {
        Map<String, StateLine> out = new LinkedHashMap<>();
        for (StateLine line : lines) {
            if (own != null && !mine(line, own)) {
                continue;
            }
            StateLine first = out.putIfAbsent(key(line.backendName(), line.serverName()), line);
            if (first != null) {
                log.warn("{} : server '{}/{}' is also at line {}; this line is ignored", line.where(),
                        line.backendName(), line.serverName(), first.number());
            }
        }
        return out;
    }

    /**
     * A line of a backend's own file belongs to it by name, even when the id moved (with a warning). A line with
     * the backend's id but another name is a renamed backend's: skipped with a warning, as HAProxy 2.6 does (its
     * exception for a forced id tests the flag against a mask a saved 0 or 1 never matches).
     */
    private static boolean mine(StateLine line, Backend own) {
        boolean sameId = line.backendId().equals(String.valueOf(own.id()));
        boolean sameName = line.backendName().equals(own.name());
        if (sameName && !sameId) {
            log.warn("{} : backend '{}' : the state file has id {}, the configuration {}; its state is applied "
                    + "by name", line.where(), own.name(), line.backendId(), own.id());
        } else if (sameId && !sameName) {
            log.warn("{} : backend '{}' : the state file names backend {} '{}'; a renamed backend's state is not "
                    + "applied", line.where(), own.name(), line.backendId(), line.backendName());
        }
        return sameName;
    }

    private static void apply(BackendState b, Map<String, StateLine> lines) {
        for (ServerState s : b.servers()) {
            StateLine line = lines.remove(key(b.name(), s.name()));
            if (line == null) {
                continue;
            }
            List<String> invalid = line.invalid();
            String moved = invalid.isEmpty() ? line.movedFrom(s.config()) : null;
            if (!invalid.isEmpty()) {
                log.warn("{} : server-state application failed for server '{}' : {}", line.where(), s.id(),
                        String.join(", ", invalid));
            } else if (moved != null) {
                log.warn("{} : server '{}' : {} in the configuration, so its saved state is not applied",
                        line.where(), s.id(), moved);
            } else {
                line.applyTo(s);
            }
        }
    }

    /** The global file's line no backend took: a warning when nothing in the configuration could have. */
    private static void unused(StateLine line, List<BackendState> backends) {
        BackendState b = backends.stream().filter(x -> x.name().equals(line.backendName())).findFirst().orElse(null);
        if (b == null) {
            log.warn("{} : no backend '{}' in the configuration; the saved state of its server '{}' is ignored",
                    line.where(), line.backendName(), line.serverName());
        } else if (b.config().loadServerStateFromFile() == LoadServerState.GLOBAL) {
            log.warn("{} : backend '{}' has no server '{}'; its saved state is ignored", line.where(), b.name(),
                    line.serverName());
        }
    }

    private static String key(String backend, String server) {
        return backend + " " + server;
    }
}
