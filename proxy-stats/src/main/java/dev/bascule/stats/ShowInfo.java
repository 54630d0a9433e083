package dev.bascule.stats;

import dev.bascule.config.Version;
import dev.bascule.config.model.Mode;
import dev.bascule.core.FrontendState;
import dev.bascule.core.RateCounter;
import dev.bascule.core.Runtime;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code show info}: HAProxy 2.6's fields in its order (stats.c info_fields), then Bascule's own. The exporter's
 * {@code haproxy_process_*} metrics read these same fields, as HAProxy's do. Fields about what Bascule does not
 * have (SSL, compression, pipes, peers, DNS, log forwarding) hold HAProxy's value for "none": 0.
 */
final class ShowInfo {
    /** Where nothing of the kind exists in Bascule: HAProxy's value when the feature is unused. */
    private static final String NONE = "0";

    private ShowInfo() {
    }

    static Map<String, String> fields(Runtime runtime) {
        long upMillis = runtime.uptimeMillis();
        long up = upMillis / 1000;
        int conns = runtime.connections();
        long cum = 0;
        long requests = 0;
        long bytesOut = 0;
        for (FrontendState f : runtime.frontends()) {
            cum += f.sessionsTotal();
            bytesOut += f.bytesOut();
            // HAProxy's CumReq counts streams: one per HTTP request, one per TCP session.
            requests += f.config().mode() == Mode.HTTP ? f.http().requests() : f.sessionsTotal();
        }
        RateCounter connections = runtime.connectionRate();
        long fds = maxFds();
        long maxconn = runtime.maxconn() > 0 ? runtime.maxconn() : fds / 2;
        long pool = poolBytes();
        // HAProxy counts its CLI's listeners too: one per 'stats socket'.
        int listeners = runtime.listenerCount() + runtime.global().statsSockets().size();
        Map<String, String> i = new LinkedHashMap<>();
        i.put("Name", "Bascule");
        i.put("Version", Version.BASCULE);
        i.put("Release_date", Version.BUILD_DATE);
        i.put("Nbthread", String.valueOf(runtime.threads()));
        i.put("Nbproc", "1");
        i.put("Process_num", "1");
        i.put("Pid", String.valueOf(ProcessHandle.current().pid()));
        i.put("Uptime", (up / 86400) + "d " + (up / 3600 % 24) + "h" + String.format("%02dm%02ds", up / 60 % 60,
                up % 60));
        i.put("Uptime_sec", String.valueOf(up));
        // No -m: no memory limit, which HAProxy reports as 0.
        i.put("Memmax_MB", "0");
        i.put("PoolAlloc_MB", String.valueOf(pool >> 20));
        i.put("PoolUsed_MB", String.valueOf(pool >> 20));
        i.put("PoolFailed", NONE);
        i.put("Ulimit-n", String.valueOf(fds));
        i.put("Maxsock", String.valueOf(fds));
        i.put("Maxconn", String.valueOf(maxconn));
        i.put("Hard_maxconn", String.valueOf(maxconn));
        i.put("CurrConns", String.valueOf(conns));
        i.put("CumConns", String.valueOf(cum));
        i.put("CumReq", String.valueOf(requests));
        for (String ssl : new String[] {"MaxSslConns", "CurrSslConns", "CumSslConns"}) {
            i.put(ssl, NONE);
        }
        for (String pipe : new String[] {"Maxpipes", "PipesUsed", "PipesFree"}) {
            i.put(pipe, NONE);
        }
        // Each accepted connection is a session; no maxconnrate nor maxsessrate limits them yet (0).
        i.put("ConnRate", String.valueOf(connections.rate()));
        i.put("ConnRateLimit", "0");
        i.put("MaxConnRate", String.valueOf(connections.max()));
        i.put("SessRate", String.valueOf(connections.rate()));
        i.put("SessRateLimit", "0");
        i.put("MaxSessRate", String.valueOf(connections.max()));
        for (String ssl : new String[] {"SslRate", "SslRateLimit", "MaxSslRate", "SslFrontendKeyRate",
                "SslFrontendMaxKeyRate", "SslFrontendSessionReuse_pct", "SslBackendKeyRate", "SslBackendMaxKeyRate",
                "SslCacheLookups", "SslCacheMisses"}) {
            i.put(ssl, NONE);
        }
        // No compression. ZlibMemUsage and MaxZlibMemUsage are left out, as by HAProxy built without zlib (Debian's
        // 2.6 uses libslz): the exporter then serves NaN for them, as that HAProxy does.
        for (String comp : new String[] {"CompressBpsIn", "CompressBpsOut", "CompressBpsRateLim"}) {
            i.put(comp, NONE);
        }
        // A connection is a task of HAProxy's scheduler, and so is a listener; nothing waits in a run queue to be
        // reported between two turns of Netty's loops.
        i.put("Tasks", String.valueOf(conns + listeners));
        i.put("Run_queue", NONE);
        i.put("Idle_pct", "100");
        i.put("node", StatsPage.node(runtime.global()));
        // HAProxy leaves an empty field out of show info: no line for an unset description.
        if (runtime.global().description() != null) {
            i.put("description", runtime.global().description());
        }
        i.put("Stopping", runtime.stopping() ? "1" : "0");
        i.put("Jobs", String.valueOf(conns + listeners));
        i.put("Unstoppable Jobs", NONE);
        i.put("Listeners", String.valueOf(listeners));
        i.put("ActivePeers", NONE);
        i.put("ConnectedPeers", NONE);
        i.put("DroppedLogs", String.valueOf(runtime.droppedLogs()));
        i.put("BusyPolling", NONE);
        i.put("FailedResolutions", NONE);
        i.put("TotalBytesOut", String.valueOf(bytesOut));
        i.put("TotalSplicdedBytesOut", NONE);
        i.put("BytesOutRate", NONE);
        i.put("DebugCommandsIssued", NONE);
        i.put("CumRecvLogs", NONE);
        i.put("Build info", Version.BASCULE);
        // HAProxy 2.6.12 appends these after the others (they were added to the stable branch in that order).
        i.put("Memmax_bytes", "0");
        i.put("PoolAlloc_bytes", String.valueOf(pool));
        i.put("PoolUsed_bytes", String.valueOf(pool));
        i.put("Start_time_sec", String.valueOf((System.currentTimeMillis() - upMillis) / 1000));
        i.put("Tainted", "0");
        // Not in HAProxy, whose reload is a new process: how long the last in-place reload took to apply.
        i.put("Last_reload_us", String.valueOf(runtime.lastReloadMicros()));
        i.put("Last_reload_cpu_us", String.valueOf(runtime.lastReloadCpuMicros()));
        return i;
    }

    /** The text of {@code show info}: {@code Name: value} lines. */
    static String text(Runtime runtime) {
        StringBuilder b = new StringBuilder();
        fields(runtime).forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        return b.toString();
    }

    /** The process's hard limit on file descriptors (HAProxy's Ulimit-n); 0 where the JVM cannot tell. */
    static long maxFds() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getMaxFileDescriptorCount() : 0;
    }

    /** Memory Netty's allocator holds for buffers: the JVM's counterpart of HAProxy's pools. */
    private static long poolBytes() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
                ? p.metric().usedDirectMemory() + p.metric().usedHeapMemory() : 0;
    }
}
