package dev.bascule.config;

import dev.bascule.config.sample.AclKeyword;
import dev.bascule.config.sample.AclParser;
import dev.bascule.config.sample.ConverterKeyword;
import dev.bascule.config.sample.FetchKeyword;
import dev.bascule.config.sample.MatchMethod;
import dev.bascule.config.sample.PredefinedAcls;
import dev.bascule.config.sample.SampleType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/configuration.md lists every keyword with what Bascule does with it. The tables are generated from
 * the parser's own keyword tables, so they cannot drift: this test fails when they differ, and
 * {@code mvn -pl proxy-config test -Dtest=ConfigurationDocTest -Dbascule.docs.write=true} rewrites them.
 */
class ConfigurationDocTest {
    private static final String BEGIN = "<!-- BEGIN GENERATED KEYWORD TABLES: do not edit, see ConfigurationDocTest -->";
    private static final String END = "<!-- END GENERATED KEYWORD TABLES -->";

    @Test
    void the_keyword_tables_in_the_docs_match_the_parser() throws IOException {
        Path doc = Path.of(System.getProperty("bascule.docs", "../docs"), "configuration.md");
        Assumptions.assumeTrue(Files.exists(doc), "no " + doc);
        String text = Files.readString(doc);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String current = begin < 0 || end < 0 ? "" : text.substring(begin, end + END.length());
        String generated = BEGIN + "\n" + tables() + END;
        if (Boolean.getBoolean("bascule.docs.write")) {
            String updated = begin < 0 || end < 0 ? text + "\n" + generated + "\n"
                    : text.substring(0, begin) + generated + text.substring(end + END.length());
            Files.writeString(doc, updated);
            return;
        }
        assertEquals(generated, current, "docs/configuration.md is out of date with the keyword tables; run mvn -pl "
                + "proxy-config test -Dtest=ConfigurationDocTest -Dbascule.docs.write=true");
    }

    static String tables() {
        StringBuilder md = new StringBuilder();
        md.append("\n## global (doc section 3)\n\n| keyword | status | HAProxy doc |\n|---|---|---|\n");
        for (Keyword<?> k : sorted(GlobalSection.TABLE.keywords())) {
            md.append(row(code(k.name()), k.support().words(), k.doc()));
        }
        md.append("\n## defaults, frontend, listen, backend (doc section 4)\n\n")
                .append("D F L B: the sections that accept the keyword (HAProxy's matrix, section 4.1).\n\n")
                .append("| keyword | D | F | L | B | status | HAProxy doc |\n|---|---|---|---|---|---|---|\n");
        for (Keyword<?> k : sorted(ProxyKeywords.TABLE.keywords())) {
            md.append("| ").append(code(k.name()));
            for (char s : "DFLB".toCharArray()) {
                md.append(" | ").append(k.allows(s) ? "X" : "-");
            }
            md.append(" | ").append(k.support().words()).append(" | ").append(k.doc()).append(" |\n");
        }
        md.append("\n## server and default-server options (doc section 5.2)\n\n| option | argument | status |\n|---|---|---|\n");
        ServerOptions.SERVER.values().forEach(o -> md.append(row(code(o.name()), arg(o.arg()), o.support().words())));
        md.append("\n## bind options (doc section 5.1)\n\n| option | argument | status |\n|---|---|---|\n");
        ServerOptions.BIND.values().forEach(o -> md.append(row(code(o.name()), arg(o.arg()), o.support().words())));
        md.append("\n## resolvers (doc section 5.3.2)\n\nRun-time DNS resolution of servers: see [dns.md](dns.md).\n\n")
                .append("| keyword | status | HAProxy doc |\n|---|---|---|\n");
        for (Keyword<?> k : sorted(ResolversSection.TABLE.keywords())) {
            md.append(row(code(k.name()), k.support().words(), k.doc()));
        }
        md.append("\n## other sections\n\nEach section is parsed and kept, and announced with one warning: ")
                .append("it has no effect yet.\n\n| section | keyword | status | HAProxy doc |\n|---|---|---|---|\n");
        Map<String, KeywordTable<NamedSection>> sections = new TreeMap<>(NamedSection.TABLES);
        sections.forEach((name, table) -> sorted(table.keywords()).forEach(k ->
                md.append(row(code(name), code(k.name()), k.support().words(), k.doc()))));
        sampleLayer(md);
        actions(md);
        return md.toString();
    }

    /** The sample layer's tables (doc section 7): fetches, converters, match methods, ACL keywords, flags, ACLs. */
    private static void sampleLayer(StringBuilder md) {
        md.append("\n## sample fetches (doc sections 7.3.2 to 7.3.6)\n\n")
                .append("A fetch is written `name(arguments)`; an alias is the same fetch.\n\n")
                .append("| fetch | aliases | arguments | type | status |\n|---|---|---|---|---|\n");
        for (FetchKeyword f : FetchKeyword.values()) {
            md.append(row(code(f.keyword()), String.join(" ", f.aliases().stream().map(ConfigurationDocTest::code)
                    .toList()), count(f.minArgs(), f.maxArgs()), type(f.output()),
                    Support.SUPPORTED.words()));
        }
        md.append("\n## converters (doc section 7.3.1)\n\n")
                .append("| converter | arguments | takes | gives | status |\n|---|---|---|---|---|\n");
        for (ConverterKeyword c : ConverterKeyword.values()) {
            md.append(row(code(c.keyword()), count(c.minArgs(), c.maxArgs()), type(c.input()),
                    c.output(null) == null ? "its input's" : type(c.output(null)),
                    Support.SUPPORTED.words()));
        }
        md.append("\n## ACL match methods (doc section 7.1)\n\n")
                .append("Without `-m`, an ACL on a fetch matches by its type: boolean `bool`, integer `int`, ip `ip`, ")
                .append("string and method `str`; a binary sample needs `-m`.\n\n")
                .append("| `-m` | patterns | status |\n|---|---|---|\n");
        for (MatchMethod m : MatchMethod.values()) {
            md.append(row(code(m.word()), patterns(m), Support.SUPPORTED.words()));
        }
        md.append("\n## ACL keywords (doc sections 7.3.2 to 7.3.6)\n\n")
                .append("A fetch with its own match method: `path_beg /api` is `path -m beg /api`.\n\n")
                .append("| keyword | fetch | match | status |\n|---|---|---|---|\n");
        for (String name : AclKeyword.allNames()) {
            AclKeyword k = AclKeyword.named(name);
            md.append(row(code(name), code(k.fetch().keyword()), code("-m " + k.match().word()),
                    Support.SUPPORTED.words()));
        }
        md.append("\n## ACL flags (doc section 7.1)\n\n| flag | what it does in Bascule |\n|---|---|\n");
        AclParser.FLAGS.forEach((flag, what) -> md.append(row(code(flag), what)));
        md.append("\n## predefined ACLs (doc section 7.4)\n\n| ACL | is | status |\n|---|---|---|\n");
        for (String name : PredefinedAcls.names()) {
            md.append(row(code(name), code(String.join(" ", PredefinedAcls.definition(name))),
                    Support.SUPPORTED.words()));
        }
    }

    /**
     * HAProxy 2.6's actions of each rule keyword (doc section 4.2), each with what Bascule does with it: read from the
     * sets of actions the rule parsers run, so an action a parser learns shows up here as supported.
     */
    private static void actions(StringBuilder md) {
        md.append("\n## rule actions (doc section 4.2)\n\n")
                .append("| rule | supported | parsed, not implemented yet |\n|---|---|---|\n");
        for (var rule : HAPROXY_ACTIONS.entrySet()) {
            String keyword = rule.getKey();
            boolean keywordRuns = ProxyKeywords.TABLE.keywords().stream()
                    .anyMatch(k -> k.name().equals(keyword) && k.support() == Support.SUPPORTED);
            List<String> runs = new ArrayList<>();
            List<String> pending = new ArrayList<>();
            for (String action : rule.getValue().split(" ")) {
                (keywordRuns && runs(keyword, action) ? runs : pending).add(code(action));
            }
            md.append(row(code(keyword), String.join(" ", runs), String.join(" ", pending)));
        }
    }

    private static boolean runs(String keyword, String action) {
        if (keyword.startsWith("tcp-request")) {
            return !TcpRuleParser.pending(action);
        }
        if (keyword.equals("http-request")) {
            return HttpRuleParser.REQUEST_ACTIONS.contains(action) || ProxyKeywords.TABLE.keywords().stream()
                    .anyMatch(k -> k.name().equals("http-request " + action) && k.support() == Support.SUPPORTED);
        }
        return HttpRuleParser.actions(keyword).contains(action);
    }

    /** HAProxy 2.6's actions by rule keyword, as its configuration manual lists them. */
    private static final Map<String, String> HAPROXY_ACTIONS = new LinkedHashMap<>();

    static {
        HAPROXY_ACTIONS.put("http-request", "add-acl add-header allow auth cache-use capture del-acl del-header "
                + "del-map deny disable-l7-retry do-resolve early-hint normalize-uri redirect reject replace-header "
                + "replace-path replace-pathq replace-uri replace-value return sc-inc-gpc sc-inc-gpc0 sc-inc-gpc1 "
                + "sc-set-gpt sc-set-gpt0 send-spoe-group set-dst set-dst-port set-header set-log-level set-map "
                + "set-mark set-method set-nice set-path set-pathq set-priority-class set-priority-offset set-query "
                + "set-src set-src-port set-timeout set-tos set-uri set-var set-var-fmt silent-drop strict-mode tarpit "
                + "track-sc0 track-sc1 track-sc2 unset-var use-service wait-for-body wait-for-handshake");
        HAPROXY_ACTIONS.put("http-response", "add-acl add-header allow cache-store capture del-acl del-header "
                + "del-map deny redirect replace-header replace-value return sc-inc-gpc sc-inc-gpc0 sc-inc-gpc1 "
                + "sc-set-gpt sc-set-gpt0 send-spoe-group set-header set-log-level set-map set-mark set-nice "
                + "set-status set-tos set-var set-var-fmt silent-drop strict-mode track-sc0 track-sc1 track-sc2 "
                + "unset-var wait-for-body");
        HAPROXY_ACTIONS.put("http-after-response", "add-header allow capture del-header replace-header "
                + "replace-value set-header set-status set-var set-var-fmt strict-mode unset-var");
        HAPROXY_ACTIONS.put("tcp-request connection", "accept expect-netscaler-cip expect-proxy reject sc-inc-gpc "
                + "sc-inc-gpc0 sc-inc-gpc1 sc-set-gpt sc-set-gpt0 set-dst set-dst-port set-mark set-src set-src-port "
                + "set-tos set-var set-var-fmt silent-drop track-sc0 track-sc1 track-sc2 unset-var");
        HAPROXY_ACTIONS.put("tcp-request session", "accept reject sc-inc-gpc sc-inc-gpc0 sc-inc-gpc1 sc-set-gpt "
                + "sc-set-gpt0 set-dst set-dst-port set-mark set-src set-src-port set-tos set-var set-var-fmt "
                + "silent-drop track-sc0 track-sc1 track-sc2 unset-var");
        HAPROXY_ACTIONS.put("tcp-request content", "accept capture do-resolve reject sc-inc-gpc sc-inc-gpc0 "
                + "sc-inc-gpc1 sc-set-gpt sc-set-gpt0 send-spoe-group set-dst set-dst-port set-log-level set-mark "
                + "set-nice set-priority-class set-priority-offset set-src set-src-port set-tos set-var set-var-fmt "
                + "silent-drop switch-mode track-sc0 track-sc1 track-sc2 unset-var use-service");
    }

    private static String count(int min, int max) {
        return max == 0 ? "none" : min == max ? String.valueOf(min) : min + " to " + max;
    }

    /** A sample type in the manual's words. */
    private static String type(SampleType t) {
        return switch (t) {
            case BOOL -> "boolean";
            case SINT -> "integer";
            case ADDR -> "ip";
            case STR -> "string";
            case BIN -> "binary";
            case METH -> "method";
        };
    }

    private static String patterns(MatchMethod m) {
        return switch (m) {
            case FOUND -> "none: the sample exists";
            case BOOL -> "none: the sample is true or a non-zero integer";
            case INT -> "integers, ranges (`1:5`, `:5`, `5:`), operators (`eq ge gt le lt`) before values";
            case LEN -> "the same, on the sample's length";
            case IP -> "IPv4 and IPv6 addresses and networks (`10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `::1`)";
            case BIN -> "hexadecimal bytes (`1603`)";
            case STR -> "strings, equal";
            case BEG -> "strings the sample begins with";
            case SUB -> "strings the sample contains";
            case DIR -> "strings found between slashes";
            case DOM -> "strings found between dots, slashes or colons";
            case END -> "strings the sample ends with";
            case REG -> "regular expressions";
        };
    }

    private static <S> List<Keyword<S>> sorted(List<Keyword<S>> keywords) {
        return keywords.stream().sorted(Comparator.comparing(Keyword::name)).toList();
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String code(String s) {
        return "`" + s + "`";
    }

    private static String arg(ServerOptions.Arg arg) {
        return switch (arg) {
            case NONE -> "";
            case INT -> "integer";
            case TIME -> "time";
            case WORD -> "value";
        };
    }
}
