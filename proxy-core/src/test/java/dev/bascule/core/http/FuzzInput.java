package dev.bascule.core.http;

import java.util.Arrays;

/**
 * A fuzzer's input to a framer: six setting bytes, then the bytes the peer sends. The settings are printable in
 * the seeds: a digit of flags ({@link #close} 1, {@link #smallBuffer} 2, {@link #headRequest} 4), the small
 * buffer's size, then four piece sizes (a byte modulo 64, plus 1: '@' is 1, 'A' 2, 'G' 8, ' ' 33), the bytes
 * being cut in pieces of these sizes in turn.
 */
record FuzzInput(boolean close, boolean smallBuffer, boolean headRequest, int bufferByte, int[] pieces,
                 byte[] bytes) {
    private static final int SETTINGS = 6;

    static FuzzInput of(byte[] data) {
        byte[] settings = Arrays.copyOf(data, SETTINGS);
        int[] pieces = new int[4];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = (settings[2 + i] & 63) + 1;
        }
        byte[] bytes = data.length > SETTINGS ? Arrays.copyOfRange(data, SETTINGS, data.length) : new byte[0];
        return new FuzzInput((settings[0] & 1) != 0, (settings[0] & 2) != 0, (settings[0] & 4) != 0,
                settings[1] & 0xff, pieces, bytes);
    }

    /**
     * {@code tune.bufsize}, or a small buffer (16 to 1036 bytes) so that heads reach its limit: the 414, 431 and
     * 502 paths need inputs larger than the fuzzer likes to make.
     */
    int buffer(int bufsize) {
        return smallBuffer ? 16 + 4 * bufferByte : bufsize;
    }
}
