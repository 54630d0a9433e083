package dev.bascule.core.sample;

/**
 * A read-only view of a response head for the fetches ({@code status}, {@code res.hdr}...): a head read by a
 * condition still goes to the client in the bytes it came in.
 */
public interface ResponseView extends HeaderView {
    /** The status as it is now (a {@code set-status} rule may have changed the server's). */
    int status();

    /** {@code 1.0} or {@code 1.1}. */
    String versionNumber();
}
