package dev.bascule.config;

/** What Bascule does with a keyword today; the words are those of docs/configuration.md. */
public enum Support {
    /** Parsed and acted upon as HAProxy does. */
    SUPPORTED("supported"),
    /** An old form, accepted with a warning that names the modern one. */
    LEGACY("legacy: accepted with a warning"),
    /**
     * Syntax checked, but a JVM cannot do what it asks ({@code chroot}, {@code cpu-map}): a warning says so and names
     * what does it instead (the service manager).
     */
    NOT_APPLICABLE("accepted, not applied: a warning says why and what does it instead"),
    /** Syntax checked and kept in the model, but it has no effect yet (a warning says so). */
    NOT_IMPLEMENTED("parsed, not implemented yet");

    private final String words;

    Support(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }
}
