package dev.bascule.config.sample;

/**
 * The type of a sample, as HAProxy's {@code SMP_T_*}: what a fetch returns, what a converter takes and gives, and
 * which match an ACL uses by default. At run time a BOOL is a {@code Boolean}, a SINT a {@code Long}, an ADDR an
 * {@code InetAddress}, a STR or METH a {@code String}, a BIN a {@code byte[]}.
 */
public enum SampleType {
    BOOL, SINT, ADDR, STR, BIN, METH;

    /** Whether a value of this type can be cast to {@code to} (HAProxy's {@code sample_casts} table, simplified). */
    public boolean castsTo(SampleType to) {
        if (this == to || to == STR || to == BIN) {
            return true;
        }
        return switch (to) {
            case SINT -> this != ADDR;
            case BOOL -> this == SINT;
            case ADDR -> this == STR || this == SINT;
            case METH -> this == STR || this == BIN;
            default -> false;
        };
    }

    /** The match an ACL on a fetch of this type uses without {@code -m} (HAProxy's {@code pat_match_*} default). */
    public MatchMethod defaultMatch() {
        return switch (this) {
            case BOOL -> MatchMethod.BOOL;
            case SINT -> MatchMethod.INT;
            case ADDR -> MatchMethod.IP;
            case BIN -> MatchMethod.BIN;
            case STR, METH -> MatchMethod.STR;
        };
    }
}
