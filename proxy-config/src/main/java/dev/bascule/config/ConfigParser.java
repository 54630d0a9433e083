package dev.bascule.config;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Config;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.LoadServerState;
import dev.bascule.config.model.Resolvers;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.SwitchingRule;
import dev.bascule.config.model.Userlist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads HAProxy configuration files into an immutable {@link Config}. Files are read in the order given, a
 * directory contributes its {@code *.cfg} files in lexical order, and every problem is collected so that
 * one run reports all of them.
 */
public final class ConfigParser {
    private static final Set<String> PROXY_SECTIONS = Set.of("defaults", "frontend", "backend", "listen");

    private final Tokenizer tokenizer;
    private final Condition condition;
    private final HostResolver resolver;
    private final Diagnostics diag = new Diagnostics();
    private final AddressEnvironment addressEnv;
    private final GlobalSection global;
    private final Map<String, ProxySection> namedDefaults = new HashMap<>();
    private final List<ProxySection> proxies = new ArrayList<>();
    private final List<NamedSection> otherSections = new ArrayList<>();
    private final List<ResolversSection> resolvers = new ArrayList<>();
    /** What {@code parse-resolv-conf} reads. */
    private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");
    private ProxySection lastDefaults;
    private Section current;
    /**
     * How many proxies were declared before the global section's first {@code stats} line, or -1 without one:
     * there HAProxy creates its GLOBAL proxy (the stats socket's), whose id 0 takes a turn in the numbering.
     */
    private int statsProxyAt = -1;

    /** One open {@code .if} block: whether its enclosing text is active, and whether a branch was taken. */
    private record Block(Source source, boolean parentActive, boolean taken, boolean active) {
    }

    private final Deque<Block> blocks = new ArrayDeque<>();

    /**
     * @param env      environment lookup for {@code ${VAR}} and {@code defined()}
     * @param features build features for {@code feature()}
     */
    public ConfigParser(Function<String, String> env, Set<String> features) {
        this(env, features, HostResolver.SYSTEM);
    }

    /** @param resolver tells whether a server's host name resolves (tests give their own, the system's otherwise) */
    public ConfigParser(Function<String, String> env, Set<String> features, HostResolver resolver) {
        this.tokenizer = new Tokenizer(env);
        this.addressEnv = new AddressEnvironment(env);
        this.global = new GlobalSection(diag, addressEnv);
        this.condition = new Condition(env, features);
        this.resolver = resolver;
    }

    /** Parses files and directories, in order. */
    public ParseResult parse(List<Path> paths) {
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".cfg") && Files.isRegularFile(f))
                            .sorted()
                            .forEach(this::readFile);
                } catch (IOException e) {
                    diag.alert(null, "Could not open configuration directory " + path + " : " + e.getMessage());
                }
            } else {
                readFile(path);
            }
        }
        return finish();
    }

    /** Parses text as if it were a file of that name (for tests and tools). */
    public ParseResult parse(String fileName, String text) {
        read(fileName, text);
        return finish();
    }

    private void readFile(Path path) {
        ConfigText text;
        try {
            text = ConfigText.decode(Files.readAllBytes(path));
        } catch (IOException e) {
            diag.alert(null, "Could not open configuration file " + path + " : " + e.getMessage());
            return;
        }
        read(path.toString(), text);
        String truncated = text.truncationWarning();
        if (truncated != null) {
            diag.warning(new Source(path.toString(), text.lines().size()), truncated);
        }
    }

    private void read(String file, String text) {
        read(file, ConfigText.decode(text.getBytes(StandardCharsets.UTF_8)));
    }

    private void read(String file, ConfigText text) {
        current = null;
        List<String> lines = text.lines();
        for (int i = 0; i < lines.size(); i++) {
            Source source = new Source(file, i + 1);
            Tokenizer.Result r = tokenizer.split(lines.get(i));
            if (r.error() != null) {
                diag.alert(source, r.error());
                continue;
            }
            if (r.words().isEmpty()) {
                continue;
            }
            Line line = new Line(source, r.words());
            if (text.isLatin1(i) && line.words().stream().anyMatch(ConfigParser::hasNonAscii)) {
                diag.warning(source, "this line is not UTF-8 and was read as ISO-8859-1: save the file as UTF-8 "
                        + "if its arguments are meant to carry other characters");
            }
            if (line.keyword().startsWith(".")) {
                directive(line);
                continue;
            }
            if (!active()) {
                continue;
            }
            dispatch(line);
            Set<String> readByAddresses = addressEnv.takeRead();
            r.unquotedVariables().stream().filter(v -> !readByAddresses.contains(v)).distinct().forEach(v ->
                    diag.warning(source, "environment variable '" + v + "' is outside double quotes: HAProxy would "
                            + "not expand it here (only an address does); quote it: \"${" + v + "}\""));
        }
        endSection();
        for (Block b : blocks) {
            diag.alert(b.source(), "unterminated '.if' block: add '.endif' before the end of the file");
        }
        blocks.clear();
    }

    private static boolean hasNonAscii(String word) {
        return word.chars().anyMatch(c -> c >= 0x80);
    }

    private boolean active() {
        return blocks.isEmpty() || blocks.peek().active();
    }

    private void directive(Line line) {
        String kw = line.keyword();
        String rest = String.join(" ", line.words().subList(1, line.size()));
        switch (kw) {
            case ".if" -> {
                boolean parent = active();
                boolean value = parent && evaluate(line, rest);
                blocks.push(new Block(line.source(), parent, value, value));
            }
            case ".elif" -> {
                Block b = requireBlock(line);
                if (b != null) {
                    boolean value = b.parentActive() && !b.taken() && evaluate(line, rest);
                    blocks.push(new Block(b.source(), b.parentActive(), b.taken() || value, value));
                }
            }
            case ".else" -> {
                Block b = requireBlock(line);
                if (b != null) {
                    boolean value = b.parentActive() && !b.taken();
                    blocks.push(new Block(b.source(), b.parentActive(), true, value));
                }
            }
            case ".endif" -> requireBlock(line);
            case ".diag", ".notice" -> {
            }
            case ".warning" -> {
                if (active()) {
                    diag.warning(line.source(), rest);
                }
            }
            case ".alert" -> {
                if (active()) {
                    diag.alert(line.source(), rest);
                }
            }
            default -> diag.alert(line.source(), "unknown directive '" + kw + "'; known: .if, .elif, .else, "
                    + ".endif, .diag, .notice, .warning, .alert");
        }
    }

    private Block requireBlock(Line line) {
        if (blocks.isEmpty()) {
            diag.alert(line.source(), "'" + line.keyword() + "' without a matching '.if'");
            return null;
        }
        return blocks.pop();
    }

    private boolean evaluate(Line line, String expression) {
        try {
            return condition.evaluate(expression);
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), e.getMessage());
            return false;
        }
    }

    private void dispatch(Line line) {
        String kw = line.keyword();
        if (kw.equals("global")) {
            endSection();
            current = global;
        } else if (PROXY_SECTIONS.contains(kw)) {
            endSection();
            current = openProxy(line);
        } else if (kw.equals("resolvers")) {
            endSection();
            ResolversSection section = new ResolversSection(diag, line, RESOLV_CONF);
            resolvers.add(section);
            current = section;
        } else if (NamedSection.TABLES.containsKey(kw)) {
            endSection();
            NamedSection section = new NamedSection(diag, line);
            otherSections.add(section);
            current = section;
        } else if (current == null) {
            diag.alert(line.source(), "unknown keyword '" + kw + "' out of section; a config starts with a "
                    + "section such as 'global', 'defaults', 'frontend', 'backend' or 'listen'");
        } else {
            if (current == global && kw.equals("stats") && statsProxyAt < 0) {
                statsProxyAt = proxies.size();
            }
            current.keyword(line);
        }
    }

    private void endSection() {
        if (current != null) {
            current.end();
        }
        current = null;
    }

    private Section openProxy(Line line) {
        ProxySection.Kind kind = ProxySection.Kind.valueOf(line.keyword().toUpperCase(java.util.Locale.ROOT));
        List<String> args = new ArrayList<>(line.words().subList(1, line.size()));
        // A proxy inherits the last defaults section; a new defaults section starts afresh unless it says 'from'.
        ProxySection defaults = kind == ProxySection.Kind.DEFAULTS ? null : lastDefaults;
        int from = args.indexOf("from");
        if (from >= 0) {
            String name = from + 1 < args.size() ? args.get(from + 1) : null;
            defaults = name == null ? null : namedDefaults.get(name);
            if (defaults == null) {
                diag.alert(line.source(), "'from' : defaults section '" + name + "' not found; name a 'defaults "
                        + "NAME' section declared above");
            }
            args.subList(from, Math.min(from + 2, args.size())).clear();
        }
        String name = args.isEmpty() ? null : args.get(0);
        if (name == null && kind != ProxySection.Kind.DEFAULTS) {
            diag.alert(line.source(), "'" + line.keyword() + "' expects <name> as an argument");
            name = "";
        }
        ProxySection section = new ProxySection(diag, addressEnv, kind, name, line.source(), defaults, global.ssl,
                global::experimental);
        if (kind == ProxySection.Kind.DEFAULTS) {
            lastDefaults = section;
            if (name != null) {
                namedDefaults.put(name, section);
            }
        } else {
            proxies.add(section);
        }
        if (args.size() > 1) {
            if (kind == ProxySection.Kind.LISTEN || kind == ProxySection.Kind.FRONTEND) {
                diag.warning(line.source(), "the '" + line.keyword() + " NAME ADDR' form is deprecated; "
                        + "write 'bind " + args.get(1) + "' inside the section instead");
                section.addBinds(line, args.get(1));
            } else {
                diag.alert(line.source(), "'" + line.keyword() + " " + name + "' : unexpected argument '"
                        + args.get(1) + "'");
            }
        }
        return section;
    }

    private ParseResult finish() {
        Map<String, Frontend> frontends = new LinkedHashMap<>();
        Map<String, Backend> backends = new LinkedHashMap<>();
        Map<String, ProxySection> sections = new HashMap<>();
        Global g = global.build();
        Map<String, Map<Integer, dev.bascule.config.model.ErrorPage>> httpErrors = new HashMap<>();
        for (NamedSection s : otherSections) {
            if (s.kind().equals("http-errors") && s.name() != null) {
                httpErrors.put(s.name(), s.errorPages());
            }
        }
        proxies.forEach(p -> p.http.resolveErrors(p.name, httpErrors::get));
        Map<String, Userlist> userlists = userlists();
        for (ProxySection p : proxies) {
            for (AclConfig.UserlistReference r : p.acls.userlistReferences()) {
                if (r.userlist() == null || !userlists.containsKey(r.userlist())) {
                    diag.alert(r.source(), "unable to find userlist '" + r.userlist() + "' referenced in arg 1 of ACL "
                            + "keyword '" + r.keyword() + "' in proxy '" + p.name + "'.");
                }
            }
        }
        proxies.forEach(p -> p.resolveReplies(httpErrors::get));
        Map<String, Resolvers> dns = resolversSections();
        List<Integer> ids = proxyIds();
        for (int i = 0; i < proxies.size(); i++) {
            ProxySection p = proxies.get(i);
            Frontend f = p.kind.frontend() ? p.frontend(ids.get(i)) : null;
            Backend b = p.kind.backend() ? p.backend(ids.get(i)) : null;
            if (f != null) {
                unique(p, frontends.containsKey(p.name), "frontend", sections.get("f:" + p.name));
                frontends.put(p.name, f);
                sections.put("f:" + p.name, p);
            }
            if (b != null) {
                unique(p, backends.containsKey(p.name), "backend", sections.get("b:" + p.name));
                backends.put(p.name, b);
                sections.put("b:" + p.name, p);
                p.checkBackend(b);
                p.checkResolvers(b, dns.keySet());
                checkServerState(p, b, g);
            }
            missingTimeouts(p, f, b);
        }
        for (Frontend f : frontends.values()) {
            checkFrontend(f, backends, sections.get("f:" + f.name()));
        }
        StartupChecks startup = new StartupChecks(diag, resolver);
        backends.values().forEach(startup::servers);
        startup.epollAddresses(g, frontends.values(), backends.values());
        if (diag.hasAlerts()) {
            return new ParseResult(null, diag.all());
        }
        Config config = new Config(g, List.copyOf(frontends.values()), List.copyOf(backends.values()),
                otherSections.stream().map(NamedSection::build).toList(), List.copyOf(dns.values()),
                startup.hosts(), List.copyOf(userlists.values()));
        return new ParseResult(config, diag.all());
    }

    /** The userlist sections by name, in declaration order; a name used twice is an alert at the second. */
    private Map<String, Userlist> userlists() {
        Map<String, Userlist> out = new LinkedHashMap<>();
        for (NamedSection s : otherSections) {
            if (s.kind().equals("userlist") && s.name() != null) {
                Userlist u = s.userlist();
                Userlist first = out.putIfAbsent(u.name(), u);
                if (first != null) {
                    diag.alert(u.source(), "userlist '" + u.name() + "' has the same name as another userlist "
                            + "(declared at " + first.source() + "); give each its own name");
                }
            }
        }
        return out;
    }

    /** The resolvers sections by name, in declaration order; a name used twice is an alert at the second. */
    private Map<String, Resolvers> resolversSections() {
        Map<String, Resolvers> out = new LinkedHashMap<>();
        for (ResolversSection r : resolvers) {
            if (r.name == null) {
                continue;
            }
            Resolvers first = out.get(r.name);
            if (first != null) {
                diag.alert(r.source, "resolvers '" + r.name + "' has same name as another resolvers (declared at "
                        + first.source() + "); give each section its own name");
            } else {
                out.put(r.name, r.build());
            }
        }
        return out;
    }

    /** Each proxy's id, in declaration order; a forced one used twice is an alert at its second {@code id} line. */
    private List<Integer> proxyIds() {
        Map<Integer, ProxySection> forced = new HashMap<>();
        List<Integer> given = new ArrayList<>();
        for (ProxySection p : proxies) {
            ProxySection first = p.forcedId == 0 ? null : forced.putIfAbsent(p.forcedId, p);
            if (first != null) {
                diag.alert(p.idSource, p.kind.word() + " '" + p.name + "' reuses the id " + p.forcedId + " of "
                        + first.kind.word() + " '" + first.name + "' (declared at " + first.idSource + "); give each "
                        + "proxy its own id");
            }
            given.add(p.forcedId == 0 ? null : p.forcedId);
        }
        if (statsProxyAt < 0) {
            return AutomaticIds.assign(given);
        }
        given.add(statsProxyAt, 0);
        List<Integer> ids = new ArrayList<>(AutomaticIds.assign(given));
        ids.remove(statsProxyAt);
        return ids;
    }

    /** HAProxy's warning for a backend told to read a global state file that the global section does not name. */
    private void checkServerState(ProxySection p, Backend b, Global g) {
        if (b.loadServerStateFromFile() == LoadServerState.GLOBAL && g.serverStateFile() == null) {
            diag.warning(p.loadServerStateSource(), "backend '" + b.name() + "' : 'load-server-state-from-file "
                    + "global' reads the global 'server-state-file', which is not set; add 'server-state-file "
                    + "<file>' to the global section");
        }
    }

    private void unique(ProxySection p, boolean duplicate, String capability, ProxySection first) {
        if (duplicate) {
            diag.alert(p.source, p.kind.word() + " '" + p.name + "' has the same name as " + first.kind.word()
                    + " '" + first.name + "' declared at " + first.source + "; two proxies with " + capability
                    + " capability need different names");
        }
    }

    private void checkFrontend(Frontend f, Map<String, Backend> backends, ProxySection section) {
        if (f.binds().isEmpty()) {
            diag.warning(f.source(), "Proxy '" + f.name() + "' has no 'bind' directive. Please declare it as a "
                    + "backend if this was intended.");
        }
        if (f.defaultBackend() != null) {
            Source where = section.defaultBackendSource() != null ? section.defaultBackendSource() : f.source();
            checkTarget(f, backends, f.defaultBackend(), "default_backend", where);
        }
        for (SwitchingRule use : f.switching()) {
            // A name built at run time ("%[...]") can only be checked then.
            if (use.dynamic() == null) {
                checkTarget(f, backends, use.backend(), "use_backend", use.source());
            }
        }
    }

    private void checkTarget(Frontend f, Map<String, Backend> backends, String target, String keyword, Source where) {
        Backend b = backends.get(target);
        if (b == null) {
            String near = KeywordTable.nearest(target, backends.keySet());
            diag.alert(where, "Proxy '" + f.name() + "': unable to find required " + keyword + ": '" + target + "'"
                    + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
        } else if (b.mode() != f.mode()) {
            diag.alert(where, "Proxy '" + f.name() + "': unable to use backend '" + b.name() + "' with wrong mode, "
                    + "required: " + f.mode().keyword() + ", has: " + b.mode().keyword());
        }
    }

    /** HAProxy's warning, once per proxy, for the timeouts its sides need (either side may be null). */
    private void missingTimeouts(ProxySection p, Frontend f, Backend b) {
        boolean missing = f != null && f.timeouts().clientMs() == 0
                || b != null && (b.timeouts().connectMs() == 0 || b.timeouts().serverMs() == 0);
        if (missing) {
            diag.warning(p.source, "missing timeouts for " + p.kind.word() + " '" + p.name + "'. While not properly "
                    + "invalid, you will certainly encounter various problems with such a configuration. To fix "
                    + "this, please ensure that all following timeouts are set to a non-zero value: 'client', "
                    + "'connect', 'server'.");
        }
    }
}
