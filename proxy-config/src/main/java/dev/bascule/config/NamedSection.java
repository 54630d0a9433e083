package dev.bascule.config;

import dev.bascule.config.model.Directive;
import dev.bascule.config.model.ErrorPage;
import dev.bascule.config.model.OtherSection;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.Userlist;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The sections besides global and the proxies ({@code userlist}, {@code peers}, {@code cache}, ...).
 * Bascule checks their lines against HAProxy's keywords and keeps them; it runs {@code http-errors} and
 * {@code userlist} sections, and for the others one warning at the section line says they are not run yet.
 */
final class NamedSection implements Section {
    /** The crypt(3) hashes Bascule checks: MD5, SHA-256, SHA-512. */
    private static final Pattern CRYPT_SCHEMES = Pattern.compile("\\$[156]\\$");
    static final Map<String, KeywordTable<NamedSection>> TABLES = Map.of(
            "userlist", table("userlist", "3.4",
                    new Keyword<>("group", "", Support.SUPPORTED, "", 1, "<groupname> [users <user>,<user>,(...)]",
                            NamedSection::group),
                    new Keyword<>("user", "", Support.SUPPORTED, "", 1,
                            "<username> [password|insecure-password <password>] [groups <group>,...]",
                            NamedSection::user)),
            "peers", table("peers", "3.5",
                    k("bind", 1, "[<address>]:<port_range> [, ...] [param*]"), k("default-bind", 0, "[param*]"),
                    k("default-server", 0, "[param*]"), k("disabled", 0, ""), k("enabled", 0, ""),
                    k("log", 1, "<target> [len <length>] ..."),
                    k("peer", 2, "<peername> <address>:<port> [param*]"),
                    k("server", 1, "<peername> [<address>:<port>] [param*]"), k("shards", 1, "<shards>"),
                    k("table", 3, "<tablename> type <type> size <size> ...")),
            "mailers", table("mailers", "3.6",
                    k("mailer", 2, "<mailername> <address>:<port>"), k("timeout mail", 1, "<time>")),
            "program", table("program", "3.7",
                    k("command", 1, "<command> [arguments*]"), k("user", 1, "<user name>"),
                    k("group", 1, "<group name>"), k("option start-on-reload", 0, "")),
            "http-errors", table("http-errors", "3.8", new Keyword<>("errorfile", "", Support.SUPPORTED, "", 2,
                    "<code> <file>", NamedSection::errorfile)),
            "ring", table("ring", "3.9",
                    k("description", 1, "<text>"), k("format", 1, "<format>"), k("maxlen", 1, "<length>"),
                    k("size", 1, "<size>"), k("timeout connect", 1, "<timeout>"),
                    k("timeout server", 1, "<timeout>"), k("server", 2, "<name> <address> [param*]")),
            "log-forward", table("log-forward", "3.10",
                    k("backlog", 1, "<conns>"), k("bind", 1, "<addr> [param*]"), k("dgram-bind", 1, "<addr>"),
                    k("log", 1, "<target> ..."), k("maxconn", 1, "<conns>"), k("timeout client", 1, "<timeout>")),
            "cache", table("cache", "6.2.1",
                    k("total-max-size", 1, "<megabytes>"), k("max-object-size", 1, "<bytes>"),
                    k("max-age", 1, "<seconds>"), k("process-vary", 1, "<on/off>"),
                    k("max-secondary-entries", 1, "<number>")),
            "fcgi-app", table("fcgi-app", "10.1.1",
                    k("docroot", 1, "<path>"), k("index", 1, "<script-name>"), k("log-stderr", 1, "global | ..."),
                    k("option get-values", 0, ""), k("option keep-conn", 0, ""), k("option max-reqs", 1, "<reqs>"),
                    k("option mpxs-conns", 0, ""), k("path-info", 1, "<regex>"), k("pass-header", 1, "<name>"),
                    k("set-param", 2, "<name> <fmt>")));

    private final Diagnostics diag;
    private final KeywordTable<NamedSection> table;
    private final String name;
    private final Source source;
    private final List<Directive> lines = new ArrayList<>();
    /** An {@code http-errors} section's pages by status code, for the proxies' {@code errorfiles} lines. */
    private final Map<Integer, ErrorPage> errorPages = new java.util.TreeMap<>();
    /** A {@code userlist} section's users and groups, as declared (groups resolved by {@link #userlist()}). */
    private final Map<String, UserLine> users = new LinkedHashMap<>();
    private final Map<String, GroupLine> groups = new LinkedHashMap<>();

    private record UserLine(Userlist.Password password, List<String> groups, Source source) {
    }

    private record GroupLine(List<String> users, Source source) {
    }

    NamedSection(Diagnostics diag, Line header) {
        this.diag = diag;
        this.table = TABLES.get(header.keyword());
        this.name = header.word(1);
        this.source = header.source();
        if (name == null) {
            diag.alert(header.source(), "'" + header.keyword() + "' expects <name> as an argument");
        }
        if (!header.keyword().equals("http-errors") && !header.keyword().equals("userlist")) {
            diag.warning(header.source(), "'" + header.keyword() + (name == null ? "" : " " + name)
                    + "' section is parsed but not implemented yet; it has no effect");
        }
    }

    @SafeVarargs
    private static KeywordTable<NamedSection> table(String section, String doc, Keyword<NamedSection>... ks) {
        List<Keyword<NamedSection>> documented = new ArrayList<>();
        for (Keyword<NamedSection> k : ks) {
            documented.add(new Keyword<>(k.name(), "", k.support(), doc, k.minArgs(), k.usage(), k.handler()));
        }
        return new KeywordTable<>(section, documented);
    }

    private static Keyword<NamedSection> k(String name, int minArgs, String usage) {
        return new Keyword<>(name, "", Support.NOT_IMPLEMENTED, "", minArgs, usage, (s, l) -> {
        });
    }

    @Override
    public void keyword(Line line) {
        Keyword<NamedSection> k = table.find(line);
        if (k == null) {
            diag.alert(line.source(), table.unknown(line, table.section()));
            return;
        }
        String missing = k.missingArguments(line, k.name());
        if (missing != null) {
            diag.alert(line.source(), missing);
            return;
        }
        k.handler().accept(this, line);
        lines.add(new Directive(k.name(), line.words().subList(k.nameWords(), line.size()), line.source()));
    }

    /** {@code errorfile <code> <file>} of an {@code http-errors} section, checked as a proxy's is. */
    private void errorfile(Line line) {
        if (!HttpConfig.ERRORFILE_CODES.contains(line.word(1))) {
            diag.alert(line.source(), "errorfile : status code '" + line.word(1) + "' not handled; handled codes: "
                    + String.join(" ", HttpConfig.ERRORFILE_CODES.stream().sorted().toList()));
            return;
        }
        ErrorPage.File page = HttpConfig.errorFile(diag, line, "errorfile", line.word(2));
        if (page != null) {
            errorPages.put(Integer.parseInt(line.word(1)), page);
        }
    }

    /** {@code user <name> [password <hash> | insecure-password <text>] [groups <group>,...]}, HAProxy's words. */
    private void user(Line line) {
        Userlist.Password password = null;
        List<String> in = List.of();
        for (int i = 2; i < line.size(); i += 2) {
            String o = line.word(i);
            String v = line.word(i + 1);
            if (v != null && o.equals("password")) {
                password = new Userlist.Password(Userlist.Password.Kind.HASH, v);
                if (!CRYPT_SCHEMES.matcher(v).lookingAt()) {
                    diag.warning(line.source(), "user '" + line.word(1) + "' in userlist '" + name + "': its password "
                            + "hash is not one Bascule checks (SHA-512 '$6$', SHA-256 '$5$', MD5 '$1$'); this user "
                            + "never authenticates. Make one with 'openssl passwd -6'");
                }
            } else if (v != null && o.equals("insecure-password")) {
                password = new Userlist.Password(Userlist.Password.Kind.INSECURE, v);
            } else if (v != null && o.equals("groups")) {
                in = names(v);
            } else {
                diag.alert(line.source(), "'user' only supports 'password', 'insecure-password' and 'groups' options.");
                return;
            }
        }
        if (users.containsKey(line.word(1))) {
            diag.warning(line.source(), "ignoring duplicated user '" + line.word(1) + "' in userlist '" + name + "'.");
            return;
        }
        users.put(line.word(1), new UserLine(password, in, line.source()));
    }

    /** {@code group <name> [users <user>,...]}. */
    private void group(Line line) {
        List<String> members = List.of();
        if (line.size() == 4 && line.word(2).equals("users")) {
            members = names(line.word(3));
        } else if (line.size() > 2) {
            diag.alert(line.source(), "'group' only supports 'users' option.");
            return;
        }
        if (groups.containsKey(line.word(1))) {
            diag.warning(line.source(), "ignoring duplicated group '" + line.word(1) + "' in userlist '" + name + "'.");
            return;
        }
        groups.put(line.word(1), new GroupLine(members, line.source()));
    }

    private static List<String> names(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).filter(n -> !n.isEmpty()).toList();
    }

    /**
     * A {@code userlist} section's model, each user with every group it belongs to; a group a user names or a user
     * a group names that the section lacks is an alert, as HAProxy's {@code userlist_postinit}.
     */
    Userlist userlist() {
        Map<String, Set<String>> of = new LinkedHashMap<>();
        users.keySet().forEach(u -> of.put(u, new LinkedHashSet<>()));
        users.forEach((u, l) -> {
            for (String g : l.groups()) {
                if (!groups.containsKey(g)) {
                    diag.alert(l.source(), "userlist '" + name + "': no such group '" + g + "' specified in user '"
                            + u + "'");
                } else {
                    of.get(u).add(g);
                }
            }
        });
        groups.forEach((g, l) -> {
            for (String u : l.users()) {
                if (!users.containsKey(u)) {
                    diag.alert(l.source(), "userlist '" + name + "': no such user '" + u + "' specified in group '"
                            + g + "'");
                } else {
                    of.get(u).add(g);
                }
            }
        });
        return new Userlist(name, users.entrySet().stream().map(e -> new Userlist.User(e.getKey(),
                e.getValue().password(), List.copyOf(of.get(e.getKey())))).toList(), List.copyOf(groups.keySet()),
                source);
    }

    /** The section's keyword, such as {@code http-errors}. */
    String kind() {
        return table.section();
    }

    String name() {
        return name;
    }

    /** An {@code http-errors} section's pages by status code. */
    Map<Integer, ErrorPage> errorPages() {
        return Map.copyOf(errorPages);
    }

    OtherSection build() {
        return new OtherSection(table.section(), name, source, lines);
    }
}
