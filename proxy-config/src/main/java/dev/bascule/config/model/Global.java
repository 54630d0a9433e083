package dev.bascule.config.model;

/**
 * The {@code global} section. {@code maxconn} and {@code nbthread} are 0 when not set ("no limit" and
 * "one thread per core"); {@code pidfile} is null when not set.
 */
public record Global(int maxconn, int nbthread, boolean daemon, String pidfile) {
    public static final Global DEFAULT = new Global(0, 0, false, null);
}
