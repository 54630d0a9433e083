package dev.bascule.core.dns;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Responses as a name server writes them, for the tests: the query's id and question, then the records given. */
final class DnsAnswers {
    /** A record to answer: an address for A/AAAA, or an SRV's priority, weight, port and target. */
    record Rr(String name, int type, InetAddress address, int weight, int port, String target) {
        static Rr a(String name, String ip) {
            try {
                InetAddress a = InetAddress.getByName(ip);
                return new Rr(name, a.getAddress().length == 4 ? DnsMessage.TYPE_A : DnsMessage.TYPE_AAAA, a, 0, 0,
                        null);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }

        static Rr srv(String name, int weight, int port, String target) {
            return new Rr(name, DnsMessage.TYPE_SRV, null, weight, port, target);
        }
    }

    private DnsAnswers() {
    }

    static int id(byte[] query) {
        return ((query[0] & 0xff) << 8) | (query[1] & 0xff);
    }

    /** The question's type, read after its name. */
    static int type(byte[] query) {
        int p = 12;
        while (query[p] != 0) {
            p += (query[p] & 0xff) + 1;
        }
        return ((query[p + 1] & 0xff) << 8) | (query[p + 2] & 0xff);
    }

    static String name(byte[] query) {
        StringBuilder b = new StringBuilder();
        int p = 12;
        while (query[p] != 0) {
            int len = query[p] & 0xff;
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(new String(query, p + 1, len, StandardCharsets.US_ASCII));
            p += len + 1;
        }
        return b.toString();
    }

    /** The response to {@code query}: {@code rcode}, the answers, then the additional records (names uncompressed). */
    static DnsMessage.Response respond(byte[] query, int rcode, List<Rr> answers, List<Rr> additionals) {
        byte[] bytes = bytes(query, rcode, answers, additionals);
        try {
            return DnsMessage.parse(bytes, bytes.length);
        } catch (DnsMessage.Malformed e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(byte[] query, int rcode, List<Rr> answers, List<Rr> additionals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(12);
        h.putShort((short) id(query)).putShort((short) (0x8180 | rcode)).putShort((short) 1)
                .putShort((short) answers.size()).putShort((short) 0).putShort((short) additionals.size());
        out.writeBytes(h.array());
        name(out, name(query));
        out.writeBytes(new byte[]{0, (byte) type(query), 0, 1});
        answers.forEach(r -> record(out, r));
        additionals.forEach(r -> record(out, r));
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, Rr r) {
        name(out, r.name());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        if (r.address() != null) {
            data.writeBytes(r.address().getAddress());
        } else {
            data.writeBytes(ByteBuffer.allocate(6).putShort((short) 0).putShort((short) r.weight())
                    .putShort((short) r.port()).array());
            name(data, r.target());
        }
        out.writeBytes(ByteBuffer.allocate(10).putShort((short) r.type()).putShort((short) 1).putInt(5)
                .putShort((short) data.size()).array());
        out.writeBytes(data.toByteArray());
    }

    private static void name(ByteArrayOutputStream out, String name) {
        for (String label : name.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.write(0);
    }
}
