package dev.bascule.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for a test's proxy and servers. */
final class Ports {
    private Ports() {
    }

    static int free() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first of {@code n} consecutive free ports, for a config with several listeners. */
    static int freeRange(int n) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = free();
            if (base + n > 65535) {
                continue;
            }
            boolean all = true;
            for (int p = base + 1; p < base + n && all; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    all = s.getLocalPort() == p;
                } catch (IOException e) {
                    all = false;
                }
            }
            if (all) {
                return base;
            }
        }
        throw new IllegalStateException("no " + n + " consecutive free ports");
    }
}
