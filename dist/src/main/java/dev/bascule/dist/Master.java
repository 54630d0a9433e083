package dev.bascule.dist;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * HAProxy's master-worker mode ({@code -W}, {@code -Ws}, {@code master-worker}): this process serves nothing; it
 * starts a worker (a Bascule process of its own) and, on SIGUSR2 or SIGHUP (systemd's {@code ExecReload}) or the
 * master CLI's {@code reload}, starts a new worker that takes the listening sockets over from the current one,
 * which then soft-stops. A new worker that fails to start leaves the current one serving. SIGTERM and SIGINT stop
 * every worker, SIGUSR1 soft-stops them, SIGTTOU and SIGTTIN are passed on. When the current worker dies the
 * master exits with its status, as HAProxy's does.
 */
final class Master {
    private static final Logger log = LoggerFactory.getLogger(Master.class);
    private static final long STARTUP_TIMEOUT_S = 60;

    /** One worker: its process, its rank among the workers started (1 for the first), its CLI socket. */
    record Worker(Process process, int number, long startedMillis, Path cli) {
        long pid() {
            return process.pid();
        }
    }

    private final List<String> workerArgs;
    private final BooleanSupplier configValid;
    private final SystemdNotify notify;
    private final Signals signals;
    private final long startedMillis = System.currentTimeMillis();
    private volatile Worker current;
    /** Soft-stopping workers; the master CLI reads them from its own threads. */
    private final List<Worker> old = new CopyOnWriteArrayList<>();
    private volatile int reloads;

    /**
     * @param workerArgs  the worker's command line (its config files and flags; no pid file, no -W)
     * @param configValid checks the configuration before a reload starts a worker on it, logging its errors
     */
    Master(List<String> workerArgs, BooleanSupplier configValid, SystemdNotify notify, Signals signals) {
        this.workerArgs = workerArgs;
        this.configValid = configValid;
        this.notify = notify;
        this.signals = signals;
    }

    /**
     * Starts the first worker (given {@code previous}, the command line's {@code -sf} and {@code -st}: it takes
     * over from those processes) and runs until the workers are gone.
     *
     * @param whenReady runs once the first worker serves (the pid file, the daemon's launcher)
     * @return the exit status
     */
    int run(List<String> previous, Runnable whenReady) throws InterruptedException {
        Worker first = startWorker(previous);
        if (first == null) {
            return 1;
        }
        current = first;
        whenReady.run();
        notify.ready();
        while (true) {
            Signals.Received r = signals.next(200);
            reap();
            if (!current.process().isAlive()) {
                int status = current.process().exitValue();
                // HAProxy 2.6's lines, to stderr only as its master writes them.
                String exited = "Current worker (" + current.pid() + ") exited with code " + status + " ("
                        + exitReason(status) + ")";
                if (status < 128) {
                    log.warn(exited);
                } else {
                    log.error(exited);
                }
                if (status != 0 && status != 130 && status != 143) {
                    log.error("exit-on-failure: killing every processes with SIGTERM");
                }
                stopAll("TERM");
                log.warn("All workers exited. Exiting... ({})", status);
                return status;
            }
            if (r == null) {
                continue;
            }
            switch (r.event()) {
                case RELOAD -> reload();
                case STOP -> {
                    log.info("Received {}: stopping the workers and exiting.", r.signal());
                    notify.stopping();
                    stopAll("TERM");
                    return 0;
                }
                case SOFT_STOP -> {
                    log.info("Received {}: soft-stopping the workers.", r.signal());
                    notify.stopping();
                    stopAll("USR1");
                    return 0;
                }
                case PAUSE -> forward("TTOU");
                case RESUME -> forward("TTIN");
            }
        }
    }

    /** Queues a reload for the master's thread (the master CLI's {@code reload}). */
    void requestReload() {
        signals.post(Signals.Event.RELOAD, "master CLI reload");
    }

    private void reload() throws InterruptedException {
        notify.reloading();
        log.info("Reloading HAProxy");
        if (!configValid.getAsBoolean()) {
            log.error("Reload refused: the configuration has errors (logged above); worker #{} ({}) goes on.",
                    current.number(), current.pid());
            notify.ready();
            return;
        }
        Worker previous = current;
        Worker next = startWorker(List.of("-sf", String.valueOf(previous.pid())));
        if (next == null) {
            log.error("Reload failed: the new worker did not start; worker #{} ({}) goes on.", previous.number(),
                    previous.pid());
        } else {
            reloads++;
            old.add(previous);
            current = next;
            log.info("Reload: worker #{} ({}) serves; worker #{} ({}) soft-stops.", next.number(), next.pid(),
                    previous.number(), previous.pid());
        }
        notify.ready();
    }

    /**
     * @param handoff the processes the worker takes over from ({@code -sf PID...}, {@code -st PID...})
     * @return the worker, serving, or null if it failed (its output said why)
     */
    private Worker startWorker(List<String> handoff) throws InterruptedException {
        int number = current == null ? 1 : current.number() + 1;
        try {
            Path ready = Files.createTempFile("bascule-worker-", ".ready");
            Files.delete(ready);
            Path cli = Path.of(System.getProperty("java.io.tmpdir"),
                    "bascule-" + ProcessHandle.current().pid() + "-worker-" + number + ".sock");
            List<String> command = new ArrayList<>(Daemon.thisJvm());
            command.addAll(workerArgs);
            command.addAll(List.of("--worker-of", String.valueOf(ProcessHandle.current().pid()),
                    "--worker-ready", ready.toString(), "--worker-cli", cli.toString()));
            command.addAll(handoff);
            Process p = new ProcessBuilder(command).inheritIO()
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            log.info("New worker ({}) forked", p.pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_TIMEOUT_S);
            while (System.nanoTime() < deadline) {
                if (Files.exists(ready)) {
                    Files.delete(ready);
                    log.info("Loading success.");
                    return new Worker(p, number, System.currentTimeMillis(), cli);
                }
                if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
                    log.error("Worker #{} ({}) exited with code {} while starting.", number, p.pid(), p.exitValue());
                    return null;
                }
            }
            log.error("Worker #{} ({}) did not start within {} s: stopping it.", number, p.pid(), STARTUP_TIMEOUT_S);
            p.destroy();
            return null;
        } catch (IOException e) {
            log.error("Cannot start a worker: {}", e.getMessage());
            return null;
        }
    }

    /** HAProxy's words for an exit status: {@code Exit} below 128, else the signal's (strsignal(3)). */
    private static String exitReason(int status) {
        if (status < 128) {
            return "Exit";
        }
        return switch (status - 128) {
            case 1 -> "Hangup";
            case 2 -> "Interrupt";
            case 6 -> "Aborted";
            case 9 -> "Killed";
            case 11 -> "Segmentation fault";
            case 15 -> "Terminated";
            default -> "Signal " + (status - 128);
        };
    }

    /** Old workers that have finished. */
    private void reap() {
        old.removeIf(w -> {
            if (w.process().isAlive()) {
                return false;
            }
            int status = w.process().exitValue();
            log.warn("Former worker ({}) exited with code {} ({})", w.pid(), status, exitReason(status));
            return true;
        });
    }

    private void forward(String signal) {
        Signals.send(signal, current.pid());
        old.forEach(w -> Signals.send(signal, w.pid()));
    }

    private void stopAll(String signal) throws InterruptedException {
        List<Worker> all = new ArrayList<>(old);
        all.add(current);
        for (Worker w : all) {
            if (w.process().isAlive()) {
                Signals.send(signal, w.pid());
            }
        }
        for (Worker w : all) {
            w.process().waitFor();
        }
    }

    // --- what the master CLI shows ---

    Worker current() {
        return current;
    }

    List<Worker> oldWorkers() {
        return List.copyOf(old);
    }

    int reloads() {
        return reloads;
    }

    long startedMillis() {
        return startedMillis;
    }
}
