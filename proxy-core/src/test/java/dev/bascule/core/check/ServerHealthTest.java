package dev.bascule.core.check;

import dev.bascule.config.model.ServerCheck;
import org.junit.jupiter.api.Test;

import static dev.bascule.core.check.ServerHealth.Transition.NONE;
import static dev.bascule.core.check.ServerHealth.Transition.WENT_DOWN;
import static dev.bascule.core.check.ServerHealth.Transition.WENT_UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerHealthTest {
    private static final CheckResult OK = new CheckResult(CheckStatus.L4OK, 0, null, 1);
    private static final CheckResult KO = new CheckResult(CheckStatus.L4CON, 0, "Connection refused", 1);

    private static ServerHealth health(int rise, int fall) {
        ServerCheck d = ServerCheck.NONE;
        return new ServerHealth(new ServerCheck(true, d.interMs(), d.fastinterMs(), d.downinterMs(), rise, fall, 0,
                null, false, 0, null, null, null, 10, "fastinter", null));
    }

    @Test
    void a_server_starts_up_but_the_first_failure_takes_it_down_as_in_haproxy() {
        ServerHealth h = health(2, 3);
        assertTrue(h.up());
        assertEquals("UP 1/3", h.status());
        assertEquals(WENT_DOWN, h.record(KO));
        assertEquals("DOWN", h.status());
    }

    @Test
    void a_settled_server_goes_down_after_fall_failures_and_up_after_rise_successes() {
        ServerHealth h = health(2, 3);
        assertEquals(NONE, h.record(OK));
        assertEquals("UP", h.status());
        assertTrue(h.settled());
        assertEquals(NONE, h.record(KO));
        assertEquals("UP 2/3", h.status());
        assertEquals(NONE, h.record(KO));
        assertEquals("UP 1/3", h.status());
        assertEquals(WENT_DOWN, h.record(KO));
        assertFalse(h.up());
        assertEquals(NONE, h.record(KO), "already down");
        assertEquals(NONE, h.record(OK));
        assertEquals("DOWN 1/2", h.status());
        assertFalse(h.settled());
        assertEquals(WENT_UP, h.record(OK));
        assertEquals("UP", h.status());
        // The failure while already DOWN is not counted, as in HAProxy (chkfail counts those that lowered health).
        assertEquals(3, h.failedChecks());
    }

    @Test
    void a_success_between_failures_resets_nothing_but_one_step() {
        ServerHealth h = health(2, 3);
        h.record(OK);
        h.record(KO);
        h.record(OK);
        assertEquals("UP", h.status());
        h.record(KO);
        h.record(KO);
        assertTrue(h.up(), "two failures of three");
    }

    @Test
    void sudden_death_leaves_one_check_before_down() {
        ServerHealth h = health(2, 3);
        h.record(OK);
        h.suddenDeath();
        assertEquals(WENT_DOWN, h.record(KO));
    }
}
