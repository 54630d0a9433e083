package dev.bascule.dist;

import sun.misc.Signal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The signals a running process answers, as HAProxy does, queued for the main thread (the JVM runs handlers on a
 * thread of its own, never an event loop): SIGTERM and SIGINT stop now with exit status 0 (the JVM's own handlers
 * would exit with 128+signal and skip closing the listeners first), SIGUSR1 soft-stops, SIGTTOU and SIGTTIN
 * pause and resume the listeners. SIGHUP and SIGUSR2 reload in place, on their own thread.
 */
final class Signals {
    enum Event {
        STOP, SOFT_STOP, PAUSE, RESUME, RELOAD
    }

    /** What arrived, and which signal said it. */
    record Received(Event event, String signal) {
    }

    private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();

    private Signals() {
    }

    /** Starts listening for every signal but the reload ones. */
    static Signals install() {
        Signals s = new Signals();
        s.on("TERM", Event.STOP);
        s.on("INT", Event.STOP);
        s.on("USR1", Event.SOFT_STOP);
        s.on("TTOU", Event.PAUSE);
        s.on("TTIN", Event.RESUME);
        return s;
    }

    /** In the master: SIGHUP and SIGUSR2 are queued like the others, and reload by starting a new worker. */
    Signals queueReloads() {
        on("HUP", Event.RELOAD);
        on("USR2", Event.RELOAD);
        return this;
    }

    /** Queues an event that did not come as a signal (the master CLI's {@code reload}). */
    void post(Event event, String origin) {
        queue.add(new Received(event, origin));
    }

    private void on(String name, Event event) {
        Signal.handle(new Signal(name), sig -> queue.add(new Received(event, "SIG" + name)));
    }

    /** The next signal, or null when none came within {@code millis}. */
    Received next(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Waits for SIGTERM or SIGINT (the demo, which has nothing to hand over); returns its name. */
    String awaitStop() throws InterruptedException {
        Received r;
        do {
            r = queue.take();
        } while (r.event() != Event.STOP);
        return r.signal();
    }

    /** In a worker or a single process: SIGHUP and SIGUSR2 reload in place, on the JVM's signal thread. */
    static void onReload(Runnable reload) {
        for (String name : new String[] {"HUP", "USR2"}) {
            Signal.handle(new Signal(name), s -> reload.run());
        }
    }

    /** Sends {@code signal} (USR1, TERM) to {@code pid} with kill(1): the JVM can only send SIGTERM and SIGKILL. */
    static boolean send(String signal, long pid) {
        try {
            return new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
