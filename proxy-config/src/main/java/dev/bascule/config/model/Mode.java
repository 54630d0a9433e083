package dev.bascule.config.model;

/** A proxy's {@code mode}. */
public enum Mode {
    TCP, HTTP;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return keyword();
    }
}
