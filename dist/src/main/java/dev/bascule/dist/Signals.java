package dev.bascule.dist;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT stop the proxy cleanly with exit status 0, as HAProxy does; the JVM's own handlers
 * would exit with 128+signal and skip closing the listeners first.
 */
final class Signals {
    private Signals() {
    }

    /** A stop request: the name of the signal that asked for it. */
    static final class Stop {
        private final CountDownLatch latch = new CountDownLatch(1);
        private volatile String signal;

        private void fire(String name) {
            signal = name;
            latch.countDown();
        }

        String await() throws InterruptedException {
            latch.await();
            return signal;
        }
    }

    /**
     * SIGHUP and SIGUSR2 reload the configuration in place (HAProxy's master reloads its workers on both). The
     * JVM runs the handler on a thread of its own, never an event loop.
     */
    static void onReload(Runnable reload) {
        for (String name : new String[] {"HUP", "USR2"}) {
            Signal.handle(new Signal(name), s -> reload.run());
        }
    }

    static Stop awaitStop() {
        Stop stop = new Stop();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> stop.fire("SIG" + name));
        }
        return stop;
    }
}
