package dev.bascule.config.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * An IPv4 or IPv6 network as {@code except} writes it ({@code 10.0.0.0/8}): the address's bytes, unsigned, and
 * the prefix length in bits. A list rather than a {@code byte[]} so the model stays immutable and two equal
 * networks are equal.
 */
public record Network(List<Integer> address, int prefix) {
    public Network {
        address = List.copyOf(address);
        if (address.size() != 4 && address.size() != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.size());
        }
        if (prefix < 0 || prefix > address.size() * 8) {
            throw new IllegalArgumentException("prefix " + prefix + " out of 0.." + address.size() * 8);
        }
    }

    /** The network of {@code address}'s first {@code prefix} bits: host bits are cleared, so 10.1.2.3/8 is 10.0.0.0/8. */
    public static Network of(byte[] address, int prefix) {
        Integer[] unsigned = new Integer[address.length];
        for (int i = 0; i < address.length; i++) {
            int kept = Math.max(0, Math.min(8, prefix - i * 8));
            unsigned[i] = address[i] & (0xff00 >>> kept) & 0xff;
        }
        return new Network(List.of(unsigned), prefix);
    }

    /** Whether {@code candidate} (4 or 16 bytes) lies in this network; an address of the other family never does. */
    public boolean contains(byte[] candidate) {
        if (candidate.length != address.size()) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit & 7);
            if ((candidate[bit >> 3] & mask) != (address.get(bit >> 3) & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        byte[] raw = new byte[address.size()];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (int) address.get(i);
        }
        try {
            // From raw bytes: no name lookup.
            return InetAddress.getByAddress(raw).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
