package dev.bascule.config;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
        return md.toString();
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
