package dev.bascule.core;

/** The configuration is valid but cannot be put into service here (an address in use, a name that won't resolve). */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }
}
