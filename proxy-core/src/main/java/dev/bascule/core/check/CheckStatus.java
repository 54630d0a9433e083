package dev.bascule.core.check;

/** HAProxy's check status codes and their words, as the logs and the stats page show them. */
public enum CheckStatus {
    INI("Initializing", false),
    SOCKERR("Socket error", false),
    L4OK("Layer4 check passed", true),
    L4TOUT("Layer4 timeout", false),
    L4CON("Layer4 connection problem", false),
    L6OK("Layer6 check passed", true),
    L6TOUT("Layer6 timeout", false),
    L6RSP("Layer6 invalid response", false),
    L7OK("Layer7 check passed", true),
    L7OKC("Layer7 check conditionally passed", true),
    L7TOUT("Layer7 timeout", false),
    L7RSP("Layer7 invalid response", false),
    L7STS("Layer7 wrong status", false),
    /** Errors seen on real traffic ({@code observe}), not by a check. */
    HANA("Health analyze", false);

    private final String description;
    private final boolean passed;

    CheckStatus(String description, boolean passed) {
        this.description = description;
        this.passed = passed;
    }

    public String description() {
        return description;
    }

    public boolean passed() {
        return passed;
    }
}
