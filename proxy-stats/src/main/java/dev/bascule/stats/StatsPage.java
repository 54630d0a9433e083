package dev.bascule.stats;

import dev.bascule.config.Version;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.StatsSettings;
import dev.bascule.core.Runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The HTML stats page in the layout HAProxy users know: one table per proxy with its FRONTEND row, its servers
 * and its BACKEND row, column groups Queue, Session rate, Sessions, Bytes, Denied, Errors, Warnings, Server,
 * rows coloured by state. The values are {@link StatsCsv}'s, so the page and the CSV never disagree.
 */
final class StatsPage {
    private static final String CSS = """
            body{font-family:arial,helvetica,sans-serif;font-size:12px;color:black;background:white}
            table.tbl{border-collapse:collapse;border:1px solid #999;margin-bottom:1em}
            table.tbl td,table.tbl th{border:1px solid #999;padding:1px 4px;text-align:right;white-space:nowrap}
            table.tbl th.pxname{background:#b00040;color:#ffff40;font-weight:bold;text-align:left;font-size:13px}
            tr.titre{background:#20d0d0;color:#000}table.tbl tr.titre th{text-align:center}
            .frontend{background:#e8e8d0}.backend{background:#e8e8d0}
            .active_up{background:#c0ffc0}.active_down{background:#ff9090}.active_going_down{background:#ffffa0}
            .active_going_up{background:#ffd020}.active_draining{background:#20a0ff}.active_maint{background:#c0c0ff}
            .active_no_check{background:#e0e0e0}.backup_up{background:#b0d0ff}.backup_down{background:#ff9090}
            .backup_going_down{background:#ffffa0}.backup_going_up{background:#ffd020}.backup_maint{background:#c0c0ff}
            td.ac{text-align:left}table.lgd td{border:1px solid black;padding:2px 6px}
            u{text-decoration:underline dotted}div.tips{display:none;position:absolute;background:#ffffa0;color:#000;
            border:1px solid #999;padding:2px 4px;font-weight:normal;text-align:left}u:hover div.tips{display:block}
            """;
    private static final String[][] GROUPS = {
        {"Queue", "Cur", "qcur", "Max", "qmax", "Limit", "qlimit"},
        {"Session rate", "Cur", "rate", "Max", "rate_max", "Limit", "rate_lim"},
        {"Sessions", "Cur", "scur", "Max", "smax", "Limit", "slim", "Total", "stot", "LbTot", "lbtot", "Last", "lastsess"},
        {"Bytes", "In", "bin", "Out", "bout"},
        {"Denied", "Req", "dreq", "Resp", "dresp"},
        {"Errors", "Req", "ereq", "Conn", "econ", "Resp", "eresp"},
        {"Warnings", "Retr", "wretr", "Redis", "wredis"},
        {"Server", "Status", "status", "LastChk", "check_status", "Wght", "weight", "Act", "act", "Bck", "bck",
            "Chk", "chkfail", "Dwn", "chkdown", "Dwntme", "downtime", "Thrtle", "throttle"}};

    private StatsPage() {
    }

    /** The actions of admin mode, as HAProxy names them in its form. */
    static final String[][] ACTIONS = {{"ready", "Set state to READY"}, {"drain", "Set state to DRAIN"},
        {"maint", "Set state to MAINT"}, {"dhlth", "Health: disable checks"}, {"ehlth", "Health: enable checks"},
        {"shutdown", "Kill Sessions"}};

    /**
     * @param admin  adds a checkbox per server and an action form per backend
     * @param status the outcome of the last admin action ({@code ;st=DONE}), or null
     */
    static String html(Runtime runtime, StatsSettings settings, List<Map<String, String>> rows, boolean refresh,
                       boolean onlyUp, boolean admin, String status) {
        String node = settings.showNode() == null ? "" : " on " + (settings.showNode().isEmpty()
                ? node(runtime.global()) : settings.showNode());
        String desc = settings.showDesc() == null ? "" : ": " + (settings.showDesc().isEmpty()
                ? Objects.toString(runtime.global().description(), "") : settings.showDesc());
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">");
        h.append("<title>Statistics Report for Bascule").append(esc(node)).append("</title>");
        if (refresh && settings.refreshMs() > 0) {
            h.append("<meta http-equiv=\"refresh\" content=\"").append(Math.max(1, settings.refreshMs() / 1000))
                    .append("\">");
        }
        h.append("<style>").append(CSS).append("</style></head><body>\n");
        h.append("<h1>Bascule").append(settings.hideVersion() ? "" : " version " + esc(Version.BASCULE))
                .append("</h1>\n<h2>Statistics Report for pid ").append(ProcessHandle.current().pid())
                .append(esc(node)).append(esc(desc)).append("</h2>\n");
        long up = runtime.uptimeMillis() / 1000;
        h.append("<p>uptime = ").append(up / 86400).append("d ").append(up / 3600 % 24).append("h")
                .append(up / 60 % 60).append("m").append(up % 60).append("s; maxconn = ")
                .append(runtime.maxconn()).append("; threads = ").append(runtime.threads()).append("</p>\n");
        legend(h);
        if (status != null) {
            h.append("<p id=\"status\">").append(switch (status) {
                case "DONE" -> "Action processed successfully.";
                case "DENY" -> "Action denied.";
                case "NONE" -> "Nothing has changed.";
                default -> "Action not processed: " + esc(status);
            }).append("</p>\n");
        }
        String current = null;
        boolean servers = false;
        for (Map<String, String> row : rows) {
            String px = row.get("pxname");
            if (!px.equals(current)) {
                if (current != null) {
                    end(h, current, admin, servers);
                }
                current = px;
                servers = false;
                if (admin) {
                    h.append("<form method=\"post\" action=\"").append(esc(settings.uri())).append("\">");
                }
                header(h, px, settings.showLegends() ? proxyTips(rows, row) : null);
            }
            servers |= "2".equals(row.get("type"));
            if (onlyUp && "2".equals(row.get("type")) && stopped(row.get("status"))) {
                continue;
            }
            row(h, row, admin, settings.showLegends());
        }
        if (current != null) {
            end(h, current, admin, servers);
        }
        return h.append("</body></html>\n").toString();
    }

    /**
     * What {@code ;up} hides, as HAProxy does: servers in maintenance or stopped (DOWN, "DOWN 1/2"); unchecked,
     * draining and going-down ("UP 2/3") ones still run.
     */
    private static boolean stopped(String status) {
        return status.startsWith("MAINT") || status.startsWith("DOWN");
    }

    /** Closes a proxy's table and, in admin mode, its form, with the action selector when it has servers. */
    private static void end(StringBuilder h, String px, boolean admin, boolean servers) {
        h.append("</table>\n");
        if (!admin) {
            return;
        }
        if (servers) {
            h.append("<p>Choose the action to perform on the checked servers : <select name=\"action\">");
            for (String[] a : ACTIONS) {
                h.append("<option value=\"").append(a[0]).append("\">").append(a[1]).append("</option>");
            }
            h.append("</select><input type=\"hidden\" name=\"b\" value=\"").append(esc(px))
                    .append("\"><input type=\"submit\" value=\"Apply\"></p>");
        }
        h.append("</form>\n");
    }

    private static void legend(StringBuilder h) {
        h.append("<table class=\"lgd\"><tr>");
        for (String[] l : new String[][] {{"active_up", "active UP"}, {"backup_up", "backup UP"},
            {"active_going_down", "active UP, going down"}, {"active_going_up", "active DOWN, going up"},
            {"active_down", "active or backup DOWN"}, {"active_no_check", "not checked"},
            {"active_maint", "active or backup DOWN for maintenance (MAINT)"},
            {"active_draining", "active or backup SOFT STOPPED for maintenance"}}) {
            h.append("<td class=\"").append(l[0]).append("\">&nbsp;</td><td>").append(l[1]).append("</td>");
        }
        h.append("</tr></table>\n");
    }

    /** @param tips what {@code stats show-legends} tells about the proxy, or null */
    private static void header(StringBuilder h, String px, String tips) {
        h.append("<table class=\"tbl\" id=\"").append(esc(px)).append("\"><tr><th class=\"pxname\" colspan=\"31\">")
                .append(withTips(esc(px), tips)).append("</th></tr>\n<tr class=\"titre\"><th rowspan=\"2\"></th>");
        for (String[] g : GROUPS) {
            h.append("<th colspan=\"").append((g.length - 1) / 2).append("\">").append(g[0]).append("</th>");
        }
        h.append("</tr>\n<tr class=\"titre\">");
        for (String[] g : GROUPS) {
            for (int i = 1; i < g.length; i += 2) {
                h.append("<th>").append(g[i]).append("</th>");
            }
        }
        h.append("</tr>\n");
    }

    private static void row(StringBuilder h, Map<String, String> r, boolean admin, boolean legends) {
        String type = r.get("type");
        String css = switch (type) {
            case "0" -> "frontend";
            case "1" -> "backend";
            default -> serverClass(r);
        };
        h.append("<tr class=\"").append(css).append("\"><td class=\"ac\">");
        if (admin && "2".equals(type)) {
            h.append("<input type=\"checkbox\" name=\"s\" value=\"").append(esc(r.get("svname"))).append("\"> ");
        }
        h.append(withTips(esc(r.get("svname")), legends ? rowTips(r) : null)).append("</td>");
        for (String[] g : GROUPS) {
            for (int i = 2; i < g.length; i += 2) {
                String v = r.getOrDefault(g[i], "");
                if (g[i].equals("check_status") && !v.isEmpty()) {
                    v = v + (r.getOrDefault("check_code", "").isEmpty() ? "" : "/" + r.get("check_code"))
                            + " in " + r.getOrDefault("check_duration", "0") + "ms";
                }
                if (g[i].equals("rate_lim") && v.equals("0")) {
                    v = "-";
                }
                if (g[i].equals("status") && "2".equals(type) && !r.getOrDefault("lastchg", "").isEmpty()) {
                    v = duration(Long.parseLong(r.get("lastchg"))) + " " + v;
                }
                h.append("<td>").append(esc(v)).append("</td>");
            }
        }
        h.append("</tr>\n");
    }

    /** A name with its legend underneath, shown when the pointer is on it, as HAProxy's page does. */
    private static String withTips(String name, String tips) {
        return tips == null || tips.isEmpty() ? name : "<u>" + name + "<div class=\"tips\">" + esc(tips) + "</div></u>";
    }

    /** The proxy's capabilities (frontend, backend, or both: listen), mode and id. */
    private static String proxyTips(List<Map<String, String>> rows, Map<String, String> first) {
        String px = first.get("pxname");
        boolean fe = rows.stream().anyMatch(r -> r.get("pxname").equals(px) && "0".equals(r.get("type")));
        boolean be = rows.stream().anyMatch(r -> r.get("pxname").equals(px) && "1".equals(r.get("type")));
        return "cap: " + (fe && be ? "listen" : fe ? "frontend" : "backend") + ", mode: " + first.get("mode")
                + ", id: " + first.get("iid");
    }

    /** A server's address and id, a backend's balancing algorithm; nothing for a frontend. */
    private static String rowTips(Map<String, String> r) {
        return switch (r.get("type")) {
            case "2" -> {
                String addr = r.getOrDefault("addr", "");
                yield (addr.isEmpty() ? "" : (addr.startsWith("[") ? "IPv6: " : "IPv4: ") + addr + ", ")
                        + "id: " + r.get("sid");
            }
            case "1" -> "balancing: " + r.get("algo");
            default -> null;
        };
    }

    /** The global {@code node}, else the host name, as HAProxy names the process. */
    static String node(Global global) {
        return global.node() != null ? global.node() : HostName.NAME;
    }

    /** Read once, when first needed. */
    private static final class HostName {
        static final String NAME = read();

        private static String read() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (IOException e) {
                try {
                    return InetAddress.getLocalHost().getHostName();
                } catch (UnknownHostException unknown) {
                    return "";
                }
            }
        }
    }

    private static String serverClass(Map<String, String> r) {
        String prefix = "1".equals(r.get("bck")) ? "backup_" : "active_";
        String status = r.getOrDefault("status", "");
        if (status.startsWith("MAINT")) {
            return prefix + "maint";
        }
        if (status.equals("DRAIN")) {
            return "active_draining";
        }
        if (status.equals("no check")) {
            return "active_no_check";
        }
        if (status.startsWith("UP ")) {
            return prefix + "going_down";
        }
        if (status.startsWith("DOWN ")) {
            return prefix + "going_up";
        }
        return prefix + (status.startsWith("UP") ? "up" : "down");
    }

    private static String duration(long s) {
        return s >= 86400 ? s / 86400 + "d" + s / 3600 % 24 + "h" : s >= 3600 ? s / 3600 + "h" + s / 60 % 60 + "m"
                : s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
