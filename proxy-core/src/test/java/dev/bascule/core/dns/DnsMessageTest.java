package dev.bascule.core.dns;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DnsMessageTest {
    @Test
    void a_query_names_the_host_type_and_payload_size() {
        byte[] q = DnsMessage.query(0x1234, "app.test", DnsMessage.TYPE_AAAA, 4096);
        assertEquals(0x1234, DnsAnswers.id(q));
        assertEquals("app.test", DnsAnswers.name(q));
        assertEquals(DnsMessage.TYPE_AAAA, DnsAnswers.type(q));
        assertEquals(1, q[2], "recursion desired");
        assertEquals(1, q[11], "one additional record: the OPT");
        int opt = q.length - 11;
        assertEquals(41, q[opt + 2]);
        assertEquals(4096, ((q[opt + 3] & 0xff) << 8) | (q[opt + 4] & 0xff));
    }

    @Test
    void compressed_names_are_followed() throws DnsMessage.Malformed {
        byte[] q = DnsMessage.query(7, "app.test", DnsMessage.TYPE_A, 512);
        // Header, the question, then one answer whose name is a pointer to the question's (offset 12).
        byte[] header = DnsAnswers.bytes(q, 0, List.of(), List.of());
        byte[] r = new byte[header.length + 16];
        System.arraycopy(header, 0, r, 0, header.length);
        r[7] = 1;
        byte[] answer = {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 127, 0, 0, 7};
        System.arraycopy(answer, 0, r, header.length, answer.length);
        DnsMessage.Response response = DnsMessage.parse(r, r.length);
        assertEquals("app.test", response.answers().get(0).name());
        assertEquals("127.0.0.7", response.answers().get(0).address().getHostAddress());
    }

    @Test
    void a_pointer_loop_or_a_cut_message_is_malformed_never_an_exception() {
        byte[] q = DnsMessage.query(7, "app.test", DnsMessage.TYPE_A, 512);
        byte[] loop = DnsAnswers.bytes(q, 0, List.of(), List.of());
        loop[12] = (byte) 0xc0;
        loop[13] = 12;
        assertThrows(DnsMessage.Malformed.class, () -> DnsMessage.parse(loop, loop.length));
        byte[] full = DnsAnswers.bytes(q, 0, List.of(DnsAnswers.Rr.a("app.test", "127.0.0.1")), List.of());
        for (int cut = 0; cut < full.length; cut++) {
            int n = cut;
            assertThrows(DnsMessage.Malformed.class, () -> DnsMessage.parse(full, n), "cut at " + n);
        }
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] noise = full.clone();
            noise[random.nextInt(noise.length)] = (byte) random.nextInt(256);
            try {
                DnsMessage.parse(noise, noise.length);
            } catch (DnsMessage.Malformed expected) {
                // refused, as it should be
            }
        }
    }

    @Test
    void names_that_can_be_asked() {
        assertTrue(DnsMessage.validName("_http._tcp.svc.test"));
        assertFalse(DnsMessage.validName("a..b"));
        assertFalse(DnsMessage.validName("x".repeat(64) + ".test"));
    }
}
