package dev.bascule.core;

import dev.bascule.core.stream.Termination.Cause;
import dev.bascule.core.stream.Termination.Phase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which termination counts as what, as HAProxy's analyzers count them where they set the same two letters. */
class StreamStatsTest {
    @Test
    void aborts_by_side_are_those_of_the_data_phase() {
        assertTrue(StreamStats.isClientAbort(Cause.CLIENT_ABORT, Phase.DATA), "CD");
        assertTrue(StreamStats.isClientAbort(Cause.CLIENT_TIMEOUT, Phase.DATA), "cD");
        assertTrue(StreamStats.isClientAbort(Cause.CLIENT_ABORT, Phase.HEADERS), "CH");
        assertFalse(StreamStats.isClientAbort(Cause.CLIENT_ABORT, Phase.QUEUE), "CQ is no client abort");
        assertFalse(StreamStats.isClientAbort(Cause.CLIENT_ABORT, Phase.REQUEST), "CR neither");
        assertTrue(StreamStats.isServerAbort(Cause.SERVER_ABORT, Phase.DATA), "SD");
        assertTrue(StreamStats.isServerAbort(Cause.SERVER_TIMEOUT, Phase.DATA), "sD");
        assertFalse(StreamStats.isServerAbort(Cause.SERVER_ABORT, Phase.HEADERS), "SH is an invalid response");
        assertFalse(StreamStats.isServerAbort(Cause.SERVER_ABORT, Phase.CONNECT), "SC is a connection error");
    }

    @Test
    void invalid_responses_are_those_that_never_had_a_valid_head() {
        assertTrue(StreamStats.isInvalidResponse(Cause.SERVER_ABORT, Phase.HEADERS, true), "SH: 502");
        assertTrue(StreamStats.isInvalidResponse(Cause.SERVER_TIMEOUT, Phase.HEADERS, true), "sH: 504");
        assertTrue(StreamStats.isInvalidResponse(Cause.PROXY, Phase.HEADERS, true), "PH: 502");
        assertFalse(StreamStats.isInvalidResponse(Cause.SERVER_ABORT, Phase.DATA, true), "SD in HTTP: an abort only");
        assertTrue(StreamStats.isInvalidResponse(Cause.SERVER_ABORT, Phase.DATA, false), "SD in TCP: a reset, both");
        assertFalse(StreamStats.isInvalidResponse(Cause.NONE, Phase.NONE, true));
    }
}
