package dev.bascule.core.check;

/** HAProxy's check statuses, their words as the logs and the stats page show them, and their numbers. */
public enum CheckStatus {
    INI("Initializing", false, 1),
    SOCKERR("Socket error", false, 5),
    L4OK("Layer4 check passed", true, 6),
    L4TOUT("Layer4 timeout", false, 7),
    L4CON("Layer4 connection problem", false, 8),
    L6OK("Layer6 check passed", true, 9),
    L6TOUT("Layer6 timeout", false, 10),
    L6RSP("Layer6 invalid response", false, 11),
    L7OK("Layer7 check passed", true, 15),
    L7OKC("Layer7 check conditionally passed", true, 16),
    L7TOUT("Layer7 timeout", false, 12),
    L7RSP("Layer7 invalid response", false, 13),
    L7STS("Layer7 wrong status", false, 17),
    /** Errors seen on real traffic ({@code observe}), not by a check. */
    HANA("Health analyze", false, 4);

    private final String description;
    private final boolean passed;
    private final int code;

    CheckStatus(String description, boolean passed, int code) {
        this.description = description;
        this.passed = passed;
        this.code = code;
    }

    /**
     * HAProxy's HCHK_STATUS_* number, as the server state file writes it (its enum has entries Bascule never
     * reports, hence the gaps).
     */
    public int code() {
        return code;
    }

    /** The status HAProxy numbers {@code code}, or null for one Bascule has not (unknown, started, external). */
    public static CheckStatus ofCode(int code) {
        for (CheckStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }

    public String description() {
        return description;
    }

    /**
     * A layer 7 outcome, which has a protocol code (HAProxy's statuses above HCHK_STATUS_L57DATA): the stats show
     * {@code check_code} for these only.
     */
    public boolean layer7() {
        return this == L7OK || this == L7OKC || this == L7STS;
    }

    public boolean passed() {
        return passed;
    }
}
