package dev.bascule.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConditionTest {
    private final Condition condition = new Condition(Map.of("DEBUG", "1")::get, Set.of("EPOLL"));

    @Test
    void predicates() {
        assertTrue(condition.evaluate("defined(DEBUG)"));
        assertFalse(condition.evaluate("defined(NOPE)"));
        assertTrue(condition.evaluate("feature(EPOLL)"));
        assertFalse(condition.evaluate("feature(OPENSSL)"));
        assertTrue(condition.evaluate("streq(a,a)"));
        assertTrue(condition.evaluate("strneq(a, b)"));
        assertTrue(condition.evaluate("version_atleast(2.4)"));
        assertTrue(condition.evaluate("version_atleast(2.6.0)"));
        assertFalse(condition.evaluate("version_atleast(2.10)"));
        assertTrue(condition.evaluate("version_before(3.0)"));
        assertTrue(condition.evaluate("1"));
        assertFalse(condition.evaluate("0"));
    }

    @Test
    void operators_and_parentheses() {
        assertTrue(condition.evaluate("defined(DEBUG) && !defined(NOPE)"));
        assertTrue(condition.evaluate("defined(NOPE) || feature(EPOLL)"));
        assertFalse(condition.evaluate("!(defined(DEBUG) || 0)"));
        assertTrue(condition.evaluate("0 || 1 && 1"));
    }

    @Test
    void errors_name_the_problem() {
        assertThrows(IllegalArgumentException.class, () -> condition.evaluate("versionatleast(2.4)"));
        assertThrows(IllegalArgumentException.class, () -> condition.evaluate("defined(A"));
        assertThrows(IllegalArgumentException.class, () -> condition.evaluate("defined(A) junk"));
        assertThrows(IllegalArgumentException.class, () -> condition.evaluate("streq(a)"));
    }
}
