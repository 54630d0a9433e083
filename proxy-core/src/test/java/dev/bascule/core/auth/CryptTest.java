package dev.bascule.core.auth;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The crypt(3) hashes of a userlist's passwords, against what {@code openssl passwd} makes of the same input. */
class CryptTest {
    @Test
    void a_hash_made_by_openssl_passwd_is_remade_from_its_salt_for_each_scheme() {
        // openssl passwd -1|-5|-6 -salt saltsalt 'pa:ss wörd'
        for (String hash : List.of("$1$saltsalt$u8S/zMcc69bB5O/reTbvT/",
                "$5$saltsalt$f3/UQ15npnSs4Vv7.Xos27TA1i1CpdMGT34D5fPQuj5",
                "$6$saltsalt$C4RIzsZQIZD5.VEF3opYL3gpxyszQ5ZhzXA6QVzJgu5AFkGPMkRyVj.ao7MicoMK9iVtJ6ezaZhxMP8Sj1Ymr0")) {
            assertEquals(hash, Crypt.crypt("pa:ss wörd", hash));
            assertTrue(Crypt.matches("pa:ss wörd", hash));
            assertFalse(Crypt.matches("pa:ss word", hash), "a wrong password does not match " + hash);
        }
    }

    @Test
    void salts_are_cut_at_their_length_and_rounds_are_kept() {
        // openssl passwd -5 -salt saltstringsaltstring 'Hello world!': a SHA salt has 16 characters at most
        assertEquals("$5$saltstringsaltst$a5C8Ofk71MUIoKve2QuP9FMl.dwNgseF5tR1LGAL7iB",
                Crypt.crypt("Hello world!", "$5$saltstringsaltstring"));
        // openssl passwd -6 -salt 'rounds=1000$toolongsaltstring12' x
        String rounds = "$6$rounds=1000$toolongsaltstrin$PP4GKms4/BPesRtNFLcPEBg7Cn1WnjvzxZqeKJFMSejCvZoyKQCG2foCAsma0g"
                + "H1NjC4/tKiFkApyk.W4oah7/";
        assertTrue(Crypt.matches("x", rounds));
        // openssl passwd -1 -salt '' '': an empty password and salt
        assertTrue(Crypt.matches("", "$1$$qRPK7m23GJusamGpoGLby/"));
    }

    @Test
    void a_scheme_it_does_not_know_never_matches() {
        assertNull(Crypt.crypt("secret", "$2y$10$abcdefghijklmnopqrstuv"));
        assertFalse(Crypt.matches("secret", "plain"));
        assertFalse(Crypt.matches("secret", "$6$rounds=x$salt$abc"));
    }

    @Test
    void hashes_openssl_makes_now_with_random_salts_match() throws Exception {
        for (String scheme : List.of("-1", "-5", "-6")) {
            String hash = openssl("passwd", scheme, "s3cr3t-" + scheme);
            assertTrue(Crypt.matches("s3cr3t-" + scheme, hash), hash);
            assertFalse(Crypt.matches("s3cr3t", hash), hash);
        }
    }

    private static String openssl(String... args) throws InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                fail("openssl is needed under CI: " + e.getMessage());
            }
            Assumptions.abort("openssl is not installed: " + e.getMessage());
            return null;
        }
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("openssl did not answer in 20 s");
        }
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
