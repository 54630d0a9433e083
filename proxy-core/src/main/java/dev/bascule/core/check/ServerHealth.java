package dev.bascule.core.check;

import dev.bascule.config.model.ServerCheck;

/**
 * HAProxy's health counter for one server. It runs from 0 to rise+fall-1; the server is UP from rise on.
 * A passed check adds one (and jumps to the top on reaching rise), a failed one removes one (and drops to
 * 0 below rise), so a fully UP server goes DOWN after {@code fall} failures and a DOWN one comes back after
 * {@code rise} successes. Like HAProxy, a server starts UP with the counter at {@code rise}: the first failure
 * takes it down. Calls come from the server's check loop and, for observed errors, from traffic loops.
 */
public final class ServerHealth {
    /** What a result did to the server's state. */
    public enum Transition { NONE, WENT_UP, WENT_DOWN }

    private final int rise;
    private final int fall;
    private int health;
    private volatile boolean up = true;
    private volatile CheckResult last;
    private volatile long lastChangeNanos = System.nanoTime();
    /** When it last came back UP; MIN_VALUE until then (slowstart does not apply at startup). */
    private volatile long wentUpNanos = Long.MIN_VALUE;
    private long failedChecks;
    private long downTransitions;
    private long downMillisBefore;
    private volatile Runnable onTransition = () -> {
    };

    public ServerHealth(ServerCheck check) {
        this.rise = check.rise();
        this.fall = check.fall();
        this.health = rise;
    }

    /** Called after every change between UP and DOWN (the balancer's pool listens). */
    public void onTransition(Runnable listener) {
        onTransition = listener;
    }

    public synchronized Transition record(CheckResult result) {
        last = result;
        if (result.status().passed()) {
            if (health < rise + fall - 1) {
                health++;
                if (health >= rise) {
                    health = rise + fall - 1;
                    return becomeUp();
                }
            }
            return Transition.NONE;
        }
        if (health > 0) {
            // As HAProxy's set_server_check_status: a failure counts (chkfail) while it lowers the health, not
            // once the server is already at the bottom.
            failedChecks++;
            health--;
            if (health < rise) {
                health = 0;
                return becomeDown();
            }
        }
        return Transition.NONE;
    }

    /** {@code on-error sudden-death}: one more failure will take the server down. */
    public synchronized void suddenDeath() {
        if (up && health > rise) {
            health = rise;
        }
    }

    /** {@code on-error mark-down}, or an agent saying "down". */
    public synchronized Transition markDown(CheckResult why) {
        last = why;
        health = 0;
        return becomeDown();
    }

    /** An agent saying "up": back to fully UP at once. */
    public synchronized Transition markUp(CheckResult why) {
        last = why;
        health = rise + fall - 1;
        return becomeUp();
    }

    private Transition becomeUp() {
        if (up) {
            return Transition.NONE;
        }
        up = true;
        long now = System.nanoTime();
        downMillisBefore += (now - lastChangeNanos) / 1_000_000;
        lastChangeNanos = now;
        wentUpNanos = lastChangeNanos;
        onTransition.run();
        return Transition.WENT_UP;
    }

    private Transition becomeDown() {
        if (!up) {
            return Transition.NONE;
        }
        up = false;
        lastChangeNanos = System.nanoTime();
        downTransitions++;
        onTransition.run();
        return Transition.WENT_DOWN;
    }

    /**
     * The state a previous process saved in a server state file: UP or DOWN with its counter (clamped to this
     * server's rise and fall), its last check (null: none yet), when it last changed, and whether it was ramping
     * up ({@code slowstart} then goes on from that change).
     */
    public synchronized void restore(boolean up, int counter, CheckResult last, long lastChangeNanos,
                                     boolean startingUp) {
        this.up = up;
        this.health = Math.max(0, Math.min(rise + fall - 1, counter));
        this.last = last;
        this.lastChangeNanos = lastChangeNanos;
        this.wentUpNanos = startingUp ? lastChangeNanos : Long.MIN_VALUE;
        onTransition.run();
    }

    public boolean up() {
        return up;
    }

    /** Between states: HAProxy then checks at {@code fastinter}. */
    public synchronized boolean settled() {
        return up ? health == rise + fall - 1 : health == 0;
    }

    /** HAProxy's stats wording: UP, "UP 2/3" (going down), DOWN, "DOWN 1/2" (coming up). */
    public synchronized String status() {
        if (up) {
            return health == rise + fall - 1 ? "UP" : "UP " + (health - rise + 1) + "/" + fall;
        }
        return health == 0 ? "DOWN" : "DOWN " + health + "/" + rise;
    }

    /** {@code status: 2/3 UP} as in HAProxy's per-check log line. */
    public synchronized String progress() {
        return up ? (health - rise + 1) + "/" + fall + " UP" : health + "/" + rise + " DOWN";
    }

    public CheckResult last() {
        return last;
    }

    public long lastChangeNanos() {
        return lastChangeNanos;
    }

    public long wentUpNanos() {
        return wentUpNanos;
    }

    public synchronized long failedChecks() {
        return failedChecks;
    }

    /** How many times the server went DOWN (the stats' chkdown). */
    public synchronized long downTransitions() {
        return downTransitions;
    }

    /** Total time spent DOWN, including the current period (the stats' downtime). */
    public synchronized long downMillis() {
        return downMillisBefore + (up ? 0 : (System.nanoTime() - lastChangeNanos) / 1_000_000);
    }

    /** The health counter, 0 to rise+fall-1 (the stats' check_health). */
    public synchronized int counter() {
        return health;
    }
}
