package dev.bascule.core.state;

import java.util.List;

/**
 * HAProxy 2.6's server state file, format version 1 (doc/management.txt, {@code show servers state}): its columns
 * and the numbers it writes states with. The stats' {@code show servers state} writes it, {@link ServerStateFiles}
 * reads it back at startup, so that a file saved from either HAProxy or Bascule loads in the other.
 */
public final class ServerStateFormat {
    public static final int VERSION = 1;
    public static final List<String> COLUMNS = List.of("be_id", "be_name", "srv_id", "srv_name", "srv_addr",
            "srv_op_state", "srv_admin_state", "srv_uweight", "srv_iweight", "srv_time_since_last_change",
            "srv_check_status", "srv_check_result", "srv_check_health", "srv_check_state", "srv_agent_state",
            "bk_f_forced_id", "srv_f_forced_id", "srv_fqdn", "srv_port", "srvrecord", "srv_use_ssl",
            "srv_check_port", "srv_check_addr", "srv_agent_addr", "srv_agent_port");
    /** A line has at least the columns up to srvrecord; the last five came later and may be missing. */
    static final int MIN_FIELDS = 20;

    // srv_op_state (SRV_ST_*).
    public static final int STOPPED = 0;
    public static final int STARTING = 1;
    public static final int RUNNING = 2;
    public static final int STOPPING = 3;
    // srv_admin_state bits (SRV_ADMF_*): forced and configured maintenance, forced drain, then those inherited
    // from a tracked server, from a failed resolution and from an FQDN set at run time, recomputed at startup.
    public static final int FMAINT = 0x01;
    static final int IMAINT = 0x02;
    public static final int CMAINT = 0x04;
    public static final int FDRAIN = 0x08;
    static final int IDRAIN = 0x10;
    public static final int RMAINT = 0x20;
    public static final int HMAINT = 0x40;
    // srv_check_result (CHK_RES_*).
    public static final int RES_UNKNOWN = 0;
    public static final int RES_FAILED = 2;
    public static final int RES_PASSED = 3;
    public static final int RES_CONDPASS = 4;
    // srv_check_state and srv_agent_state bits (CHK_ST_*).
    static final int INPROGRESS = 0x01;
    public static final int CONFIGURED = 0x02;
    public static final int ENABLED = 0x04;
    public static final int PAUSED = 0x08;
    public static final int AGENT = 0x10;
    /** HAProxy's user weight range. */
    static final int MAX_WEIGHT = 256;

    private ServerStateFormat() {
    }
}
