package dev.bascule.core.stream;

/**
 * Why and where a stream ended, as HAProxy's two termination-state letters (configuration.txt section 8.5): the
 * first says who or what ended it, the second in which phase. A stream records the first cause it is given;
 * later ones (the other side closing in turn) do not overwrite it.
 */
public record Termination(Cause cause, Phase phase) {
    public static final Termination NORMAL = new Termination(Cause.NONE, Phase.NONE);

    /** The first letter. */
    public enum Cause {
        /** Ended normally. */
        NONE('-'),
        /** The client aborted (closed or reset). */
        CLIENT_ABORT('C'),
        /** The server aborted, refused the connection or sent something invalid. */
        SERVER_ABORT('S'),
        /** The proxy itself refused or cut it (an invalid request, a protocol error it caught). */
        PROXY('P'),
        /** A rule denied it ({@code http-request deny}): the same letter, counted as a denial, not an error. */
        DENIED('P'),
        /** Answered by the proxy itself (monitor-uri, an applet, a local error). */
        LOCAL('L'),
        /** A resource ran out (no server could be had, a queue limit). */
        RESOURCE('R'),
        /** An error inside the proxy. */
        INTERNAL('I'),
        /** Killed because its server went DOWN ({@code on-marked-down shutdown-sessions}). */
        SERVER_DOWN('D'),
        /** Killed because a non-backup server came UP ({@code on-marked-up shutdown-backup-sessions}). */
        SERVER_UP('U'),
        /** Killed by an administrator ({@code shutdown sessions}). */
        KILLED('K'),
        /** {@code timeout client} (or {@code http-request}, {@code http-keep-alive}) struck. */
        CLIENT_TIMEOUT('c'),
        /** {@code timeout server} (or {@code connect}, {@code queue}) struck. */
        SERVER_TIMEOUT('s');

        public final char letter;

        Cause(char letter) {
            this.letter = letter;
        }
    }

    /** The second letter: what the stream was doing. */
    public enum Phase {
        /** Waiting for the complete request (head, or its body before the server was chosen). */
        REQUEST('R'),
        /** Waiting in a queue for a server slot. */
        QUEUE('Q'),
        /** Connecting to the server. */
        CONNECT('C'),
        /** Waiting for the response head. */
        HEADERS('H'),
        /** Moving data (the response, a tunnel, a TCP session). */
        DATA('D'),
        /** Sending the last data to the client. */
        LAST('L'),
        /** Tarpitted. */
        TARPIT('T'),
        /** Ended normally. */
        NONE('-');

        public final char letter;

        Phase(char letter) {
            this.letter = letter;
        }
    }

    /** The two letters, as {@code %ts} writes them (for example {@code "cD"} or {@code "--"}). */
    @Override
    public String toString() {
        return new String(new char[] {cause.letter, phase.letter});
    }
}
