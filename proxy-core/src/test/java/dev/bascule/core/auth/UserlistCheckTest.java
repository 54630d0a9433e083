package dev.bascule.core.auth;

import dev.bascule.config.model.Userlist;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A userlist checking the Basic credentials of an Authorization header, as HAProxy's check_user does. */
class UserlistCheckTest {
    private static final Userlist LIST = new Userlist("L", List.of(
            new Userlist.User("alice", new Userlist.Password(Userlist.Password.Kind.HASH,
                    "$5$saltsalt$f3/UQ15npnSs4Vv7.Xos27TA1i1CpdMGT34D5fPQuj5"), List.of("admin")),
            new Userlist.User("bob", new Userlist.Password(Userlist.Password.Kind.INSECURE, "hunter2"), List.of()),
            new Userlist.User("nopass", null, List.of())), List.of("admin"), null);

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void the_right_password_gives_the_user_and_a_wrong_one_nothing() {
        UserlistCheck check = new UserlistCheck(LIST);
        assertEquals("alice", check.authenticate(basic("alice:pa:ss wörd")).name(), "a password may hold a colon");
        assertEquals(List.of("admin"), check.authenticate(basic("alice:pa:ss wörd")).groups());
        assertNull(check.authenticate(basic("alice:pa:ss word")));
        assertEquals("bob", check.authenticate("basic  " + Base64.getEncoder().encodeToString(
                "bob:hunter2".getBytes(StandardCharsets.UTF_8))).name(), "the scheme's case does not matter");
        assertNull(check.authenticate(basic("bob:hunter3")));
    }

    @Test
    void unknown_users_users_without_password_other_schemes_and_garbage_are_refused() {
        UserlistCheck check = new UserlistCheck(LIST);
        assertNull(check.authenticate(basic("carol:hunter2")));
        assertNull(check.authenticate(basic("nopass:")));
        assertNull(check.authenticate("Bearer abc"));
        assertNull(check.authenticate("Basic %%%"));
        assertNull(check.authenticate(basic("no-colon")));
        assertNull(check.authenticate(null));
    }

    @Test
    void remembered_credentials_stay_bounded() {
        UserlistCheck check = new UserlistCheck(LIST);
        for (int i = 0; i < UserlistCheck.MAX_REMEMBERED + 10; i++) {
            // The same user and password in as many spellings of the header as the memory holds, and more.
            assertEquals("bob", check.authenticate("Basic " + " ".repeat(i % 3) + Base64.getEncoder()
                    .encodeToString("bob:hunter2".getBytes(StandardCharsets.UTF_8)) + " ".repeat(i)).name());
            assertTrue(check.remembered() <= UserlistCheck.MAX_REMEMBERED, "remembered " + check.remembered());
        }
        assertEquals("bob", check.authenticate(basic("bob:hunter2")).name());
    }
}
