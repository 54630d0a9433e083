package dev.bascule.dist;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for a test's proxy and servers, taken below Linux's ephemeral range (32768-60999): a port
 * the kernel may also hand to an outgoing connection (curl's, or the proxy's own towards its servers) between
 * this check and the test's bind made "Address already in use" failures. Each test JVM starts at a random place
 * and walks up, so two JVMs running at once seldom meet, and the bind check settles it when they do.
 */
final class Ports {
    private static final int FIRST = 10000;
    private static final int LAST = 32000;
    private static int next = FIRST + ThreadLocalRandom.current().nextInt(LAST - FIRST);

    private Ports() {
    }

    static int free() {
        return freeRange(1);
    }

    /** The first of {@code n} consecutive free ports, for a config with several listeners. */
    static synchronized int freeRange(int n) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            if (next + n > LAST) {
                next = FIRST;
            }
            int base = next;
            next += n;
            if (allFree(base, n)) {
                return base;
            }
        }
        throw new IllegalStateException("no " + n + " consecutive free ports in " + FIRST + "-" + LAST);
    }

    private static boolean allFree(int base, int n) {
        for (int p = base; p < base + n; p++) {
            try (ServerSocket ignored = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                // bound, so free
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
