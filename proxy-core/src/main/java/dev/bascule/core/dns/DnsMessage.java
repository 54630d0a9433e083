package dev.bascule.core.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The DNS wire format (RFC 1035, with RFC 6891's OPT record and RFC 2782's SRV) as far as server resolution needs
 * it: a query for one name and type, and the answers and additional records of a response. Netty's DNS codec is
 * not among the build's dependencies, and this is all HAProxy's resolvers.c reads. Malformed input is a
 * {@link Malformed}, never another exception.
 */
public final class DnsMessage {
    public static final int TYPE_A = 1;
    public static final int TYPE_CNAME = 5;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_SRV = 33;
    private static final int TYPE_OPT = 41;
    private static final int CLASS_IN = 1;
    private static final int HEADER = 12;
    /** Compression pointers followed before a name is judged a loop. */
    private static final int MAX_POINTERS = 32;
    public static final int RCODE_NOERROR = 0;
    public static final int RCODE_NXDOMAIN = 3;
    public static final int RCODE_REFUSED = 5;

    private DnsMessage() {
    }

    /** A response that does not parse. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** An SRV record's data. */
    public record Srv(int priority, int weight, int port, String target) {
    }

    /**
     * One resource record: {@code address} for A and AAAA, {@code srv} for SRV, {@code alias} for CNAME. Names are
     * lower case, without the final dot.
     */
    public record Record(String name, int type, long ttl, InetAddress address, Srv srv, String alias) {
    }

    /** A response: its id, flags that matter, the question's name and type, answers and additional records. */
    public record Response(int id, int rcode, boolean truncated, String question, int questionType,
                           List<Record> answers, List<Record> additionals) {
    }

    /** A recursive query for {@code name} and {@code type}, announcing {@code payloadSize} in an OPT record. */
    public static byte[] query(int id, String name, int type, int payloadSize) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + name.length() + 2 + 4 + 11);
        b.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                .putShort((short) 1);
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            b.put((byte) l.length).put(l);
        }
        b.put((byte) 0).putShort((short) type).putShort((short) CLASS_IN);
        // OPT: root name, type, payload size as the class, no extended rcode or flags, no data.
        b.put((byte) 0).putShort((short) TYPE_OPT).putShort((short) payloadSize).putInt(0).putShort((short) 0);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** Whether {@code name} can be asked: labels of 1 to 63 letters, digits, hyphens or underscores, 253 at most. */
    public static boolean validName(String name) {
        if (name == null || name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || !label.matches("[A-Za-z0-9_-]+")) {
                return false;
            }
        }
        return true;
    }

    public static Response parse(byte[] data, int length) throws Malformed {
        if (length < HEADER) {
            throw new Malformed("shorter than a DNS header");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        int id = b.getShort() & 0xffff;
        int flags = b.getShort() & 0xffff;
        if ((flags & 0x8000) == 0) {
            throw new Malformed("not a response");
        }
        int qd = b.getShort() & 0xffff;
        int an = b.getShort() & 0xffff;
        int ns = b.getShort() & 0xffff;
        int ar = b.getShort() & 0xffff;
        if (qd != 1) {
            throw new Malformed("expected one question, got " + qd);
        }
        String question = name(data, length, b);
        need(b, 4);
        int qtype = b.getShort() & 0xffff;
        b.getShort();
        List<Record> answers = new ArrayList<>();
        for (int i = 0; i < an; i++) {
            Record r = record(data, length, b);
            if (r != null) {
                answers.add(r);
            }
        }
        for (int i = 0; i < ns; i++) {
            record(data, length, b);
        }
        List<Record> additionals = new ArrayList<>();
        for (int i = 0; i < ar; i++) {
            Record r = record(data, length, b);
            if (r != null) {
                additionals.add(r);
            }
        }
        return new Response(id, flags & 0xf, (flags & 0x0200) != 0, question, qtype, answers, additionals);
    }

    /** A record of a type this reads (A, AAAA, SRV, CNAME of class IN), or null for one it skips. */
    private static Record record(byte[] data, int length, ByteBuffer b) throws Malformed {
        String name = name(data, length, b);
        need(b, 10);
        int type = b.getShort() & 0xffff;
        int cls = b.getShort() & 0xffff;
        long ttl = b.getInt() & 0xffffffffL;
        int rdLength = b.getShort() & 0xffff;
        need(b, rdLength);
        int end = b.position() + rdLength;
        Record r = null;
        if (cls == CLASS_IN) {
            switch (type) {
                case TYPE_A, TYPE_AAAA -> {
                    if (rdLength != (type == TYPE_A ? 4 : 16)) {
                        throw new Malformed("an address record of " + rdLength + " bytes");
                    }
                    byte[] ip = new byte[rdLength];
                    b.get(ip);
                    r = new Record(name, type, ttl, address(ip), null, null);
                }
                case TYPE_SRV -> {
                    if (rdLength < 7) {
                        throw new Malformed("an SRV record of " + rdLength + " bytes");
                    }
                    int priority = b.getShort() & 0xffff;
                    int weight = b.getShort() & 0xffff;
                    int port = b.getShort() & 0xffff;
                    r = new Record(name, type, ttl, null, new Srv(priority, weight, port, name(data, end, b)), null);
                }
                case TYPE_CNAME -> r = new Record(name, type, ttl, null, null, name(data, end, b));
                default -> {
                }
            }
        }
        if (b.position() > end) {
            throw new Malformed("record data past its length");
        }
        b.position(end);
        return r;
    }

    private static InetAddress address(byte[] ip) throws Malformed {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new Malformed("bad address length");
        }
    }

    /** A name at the buffer's position, following compression pointers (never past {@code limit}). */
    private static String name(byte[] data, int limit, ByteBuffer b) throws Malformed {
        StringBuilder out = new StringBuilder();
        int pos = b.position();
        int resume = -1;
        int pointers = 0;
        while (true) {
            if (pos >= limit) {
                throw new Malformed("name past the end");
            }
            int len = data[pos] & 0xff;
            if ((len & 0xc0) == 0xc0) {
                if (pos + 1 >= limit || ++pointers > MAX_POINTERS) {
                    throw new Malformed("bad compression pointer");
                }
                if (resume < 0) {
                    resume = pos + 2;
                }
                pos = ((len & 0x3f) << 8) | (data[pos + 1] & 0xff);
                continue;
            }
            if ((len & 0xc0) != 0) {
                throw new Malformed("unknown label type");
            }
            pos++;
            if (len == 0) {
                break;
            }
            if (pos + len > limit) {
                throw new Malformed("label past the end");
            }
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(new String(data, pos, len, StandardCharsets.ISO_8859_1));
            if (out.length() > 255) {
                throw new Malformed("name too long");
            }
            pos += len;
        }
        b.position(resume >= 0 ? resume : pos);
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static void need(ByteBuffer b, int n) throws Malformed {
        if (b.remaining() < n) {
            throw new Malformed("truncated record");
        }
    }
}
