package dev.bascule.dist;

import dev.bascule.config.Condition;
import dev.bascule.config.ConfigParser;
import dev.bascule.config.ParseResult;
import dev.bascule.config.model.Config;
import dev.bascule.core.ReloadPlan;
import dev.bascule.core.Runtime;
import dev.bascule.core.StartupException;
import dev.bascule.core.Transport;
import dev.bascule.core.handoff.InheritedSockets;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The {@code bascule} command: HAProxy's command line, so existing scripts and units work unchanged. */
@Command(name = "bascule", sortOptions = false, usageHelpAutoWidth = true,
        description = "A TCP/HTTP load balancer that runs HAProxy configurations.%n"
                + "Usage as HAProxy's: bascule -f <cfgfile|cfgdir> [-f ...] [-c] [-D] [-p <pidfile>] [-sf <pid>...]%n"
                + "Preview a reload: bascule -c -f <cfgfile> --diff [<socket>]",
        subcommands = {Demo.class})
public final class Main implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(names = "-f", paramLabel = "<cfgfile|cfgdir>",
            description = "Configuration file, or directory whose *.cfg files are read in lexical order. Repeatable.")
    List<Path> configs = new ArrayList<>();

    @Option(names = "-c", description = "Check the configuration and exit: 0 when valid, 1 on errors.")
    boolean check;

    @Option(names = "--dump-config", paramLabel = "json",
            description = "With -c: print the parsed configuration as JSON (see docs/config-model.md) instead of "
                    + "the verdict.")
    String dumpFormat;

    @Option(names = "--diff", arity = "0..1", fallbackValue = "", paramLabel = "<socket>",
            description = "With -c: ask the running process what a reload with these files would change, through "
                    + "<socket> (a Unix socket path or ipv4@host:port) or else the first 'stats socket' at level admin "
                    + "of the files; print the reload's line, apply nothing. Exit 0 if it would apply, 1 if refused "
                    + "(errors printed as -c prints them), 2 if part of it needs a restart.")
    String diffSocket;

    @Option(names = "-cc", paramLabel = "<condition>",
            description = "Evaluate a .if condition, e.g. 'version_atleast(2.4)': exit 0 if true, 1 if false, "
                    + "2 on error.")
    String condition;

    @Option(names = "-p", paramLabel = "<pidfile>",
            description = "Write the process id there (foreground and daemon alike); removed on exit.")
    Path pidFile;

    @Option(names = "-D", description = "Daemon mode: detach from the terminal once listening.")
    boolean daemon;

    @Option(names = "-db", description = "Stay in the foreground even if the configuration says 'daemon'.")
    boolean foreground;

    @Option(names = "-d", description = "Debug mode: foreground, with debug messages.")
    boolean debug;

    @Option(names = "-V", description = "Verbose mode: also show notices when quiet.")
    boolean verbose;

    @Option(names = "-q", description = "Quiet mode: only warnings and alerts.")
    boolean quiet;

    // No pid at all is allowed, as HAProxy allows it: "-sf $(cat pidfile)" before the first start.
    @Option(names = "-sf", arity = "0..*", paramLabel = "<pid>",
            description = "Old processes to take the listening sockets from and soft-stop (SIGUSR1) once serving.")
    List<Long> softStopPids = new ArrayList<>();

    @Option(names = "-st", arity = "0..*", paramLabel = "<pid>",
            description = "Old processes to take the listening sockets from and stop (SIGTERM) once serving.")
    List<Long> hardStopPids = new ArrayList<>();

    @Option(names = "-x", paramLabel = "<socket>",
            description = "The old process's stats socket (with 'expose-fd listeners') to take the listening "
                    + "sockets from.")
    Path socketsFrom;

    @Option(names = "-v", description = "Show the version.")
    boolean version;

    @Option(names = "-vv", description = "Show the version, build features and polling systems.")
    boolean buildOptions;

    /** Names the polling system: io_uring, epoll, nio or auto (the default: the best that works). */
    static final String TRANSPORT_PROPERTY = "bascule.transport";

    @Option(names = "-de", description = "Disable epoll: use Java NIO.")
    boolean noEpoll;

    @Option(names = "-L", paramLabel = "<name>", description = "Local peer name (accepted; peers come later).")
    String localPeer;

    @Option(names = "-dM", description = "Memory poisoning (accepted; the JVM zeroes memory already).")
    boolean memoryPoisoning;

    @Option(names = "-W", description = "Master-worker mode: a master process starts the worker that serves and "
            + "replaces it on each reload (SIGUSR2, SIGHUP).")
    boolean masterWorker;

    @Option(names = "-Ws", description = "Master-worker mode with systemd's notifications (Type=notify).")
    boolean masterWorkerSystemd;

    @Option(names = "-S", paramLabel = "<bind>[,mode,<octal>]",
            description = "The master CLI: show proc, reload, @<n> or @!<pid> <command> for a worker.")
    String masterSocket;

    @Option(names = "--worker-of", hidden = true, paramLabel = "<master pid>")
    Long workerOf;

    @Option(names = "--worker-ready", hidden = true, paramLabel = "<readyfile>")
    Path workerReadyFile;

    @Option(names = "--worker-cli", hidden = true, paramLabel = "<socket>")
    Path workerCli;

    /** bin/bascule's question when it runs as root: under which identity to start the JVM (see ProcessIdentity). */
    @Option(names = "--setpriv-args", hidden = true)
    boolean setprivArguments;

    @Option(names = "--daemon-child", hidden = true, paramLabel = "<readyfile>")
    Path daemonReadyFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Parameters(paramLabel = "<cfgfile>", description = "Configuration files given after '--', as HAProxy accepts.")
    List<Path> trailingConfigs = new ArrayList<>();

    /** The command line as given, for the daemon to start itself again. */
    private static String[] ARGS = new String[0];

    public static void main(String[] args) {
        ARGS = args.clone();
        CommandLine cli = new CommandLine(new Main());
        cli.setTrimQuotes(false);
        cli.setSeparator(" ");
        System.exit(cli.execute(normalize(args)));
    }

    /** HAProxy glues values to a few flags ({@code -dM0x55}); reduce them to the flag picocli knows. */
    private static String[] normalize(String[] args) {
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].startsWith("-dM")) {
                out[i] = "-dM";
            }
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        setLogLevel();
        if (setprivArguments) {
            return printSetprivArguments();
        }
        if (version || buildOptions) {
            System.out.print(VersionInfo.text(buildOptions, defaultTransport()));
            return 0;
        }
        if (condition != null) {
            return evaluateCondition();
        }
        if (dumpFormat != null && (!dumpFormat.equals("json") || !check)) {
            log.error("--dump-config takes 'json' and goes with -c: bascule -c --dump-config json -f <cfg>");
            return 1;
        }
        List<Path> files = new ArrayList<>(configs);
        files.addAll(trailingConfigs);
        if (files.isEmpty()) {
            log.error("No configuration file specified: use '-f <cfgfile|cfgdir>' (see 'bascule --help').");
            return 1;
        }
        if (diffSocket != null) {
            if (!check) {
                log.error("--diff goes with -c: bascule -c -f <cfg> --diff [<socket>]");
                return 1;
            }
            return ReloadPreview.run(files, diffSocket, this::parse);
        }
        Config config = load(files);
        if (config == null) {
            return 1;
        }
        if (check) {
            if (dumpFormat != null) {
                System.out.print(ConfigDump.json(config));
            } else {
                System.out.println("Configuration file is valid");
            }
            return 0;
        }
        boolean detach = (daemon || config.global().daemon()) && !foreground && !debug && daemonReadyFile == null;
        // A worker's master writes the pid file, with its own pid, as HAProxy's does.
        Path pid = workerOf != null ? null : pidFile != null ? pidFile
                : config.global().pidfile() == null ? null : Path.of(config.global().pidfile());
        if (detach) {
            return Daemon.spawn(ARGS);
        }
        if ((masterWorker || masterWorkerSystemd || config.global().masterWorker()) && workerOf == null) {
            return runMaster(pid, files);
        }
        return serve(config, pid, files);
    }

    /** Nothing for a run that serves nothing or a config with errors: the run itself reports those. */
    private int printSetprivArguments() {
        List<Path> files = new ArrayList<>(configs);
        files.addAll(trailingConfigs);
        if (version || buildOptions || check || condition != null || files.isEmpty()) {
            return 0;
        }
        ParseResult parsed = parse(files);
        if (parsed.config() != null) {
            System.out.println(String.join(" ", ProcessIdentity.setprivArguments(parsed.config().global().identity())));
        }
        return 0;
    }

    private void setLogLevel() {
        if (debug) {
            Configurator.setRootLevel(Level.DEBUG);
        } else if (quiet && !verbose) {
            Configurator.setRootLevel(Level.WARN);
        }
    }

    private int evaluateCondition() {
        try {
            boolean value = new Condition(System::getenv, VersionInfo.features(defaultTransport()))
                    .evaluate(condition);
            return value ? 0 : 1;
        } catch (IllegalArgumentException e) {
            log.error("Failed to evaluate condition: {}", e.getMessage());
            return 2;
        }
    }

    /** Parses with this process's environment and build features, as startup, reloads and their plans do. */
    private ParseResult parse(List<Path> files) {
        return new ConfigParser(System::getenv, VersionInfo.features(defaultTransport())).parse(files);
    }

    private Config load(List<Path> files) {
        ParseResult result = parse(files);
        ConfigReport.report(result, files);
        return result.config();
    }

    /**
     * Re-reads the files the process started with and applies them in place (SIGHUP, SIGUSR2, the runtime API's
     * {@code reload}). A config with errors, or one that cannot be applied, changes nothing: the errors are
     * logged and the running configuration stays.
     *
     * @return the line logged
     */
    private synchronized String reload(Runtime runtime, List<Path> files) {
        Config next = load(files);
        if (next == null) {
            log.error(ReloadPlan.ERRORS);
            return ReloadPlan.ERRORS;
        }
        try {
            String line = runtime.reload(next);
            log.info(line);
            return line;
        } catch (StartupException e) {
            String line = "Reload refused: " + e.getMessage() + "; the running configuration stays.";
            log.error(line);
            return line;
        }
    }

    /**
     * The polling system: {@code -de} or {@code noepoll} ask for NIO, {@code -Dbascule.transport} names one, else
     * the best that works here and for this configuration; one line says which, and why not the one wanted.
     */
    private Transport transport(Config config, InheritedSockets inherited) throws StartupException {
        String named = System.getProperty(TRANSPORT_PROPERTY);
        Transport.Poller wanted = null;
        if (noEpoll || config.global().noepoll()) {
            wanted = Transport.Poller.NIO;
        } else if (named != null && !named.isEmpty() && !named.equals("auto")) {
            wanted = Transport.Poller.named(named);
            if (wanted == null) {
                throw new StartupException("-D" + TRANSPORT_PROPERTY + "=" + named + ": unknown polling system; "
                        + "use io_uring, epoll, nio or auto");
            }
        }
        Transport.Choice choice = Transport.select(wanted, Transport.uringCannot(config, inherited.size() > 0));
        if (choice.fallback() == null) {
            log.info("Using {} polling system.", choice.transport().name());
        } else {
            log.info("Using {} polling system ({}).", choice.transport().name(), choice.fallback());
        }
        return choice.transport();
    }

    /** The polling system a configuration that nothing stops from using it gets (for -vv and feature()). */
    private Transport defaultTransport() {
        Transport.Poller wanted = noEpoll ? Transport.Poller.NIO
                : Transport.Poller.named(System.getProperty(TRANSPORT_PROPERTY, ""));
        return Transport.select(wanted, null).transport();
    }

    private int serve(Config config, Path pid, List<Path> files) throws InterruptedException {
        Signals signals = Signals.install();
        List<Long> oldPids = new ArrayList<>(softStopPids);
        oldPids.addAll(hardStopPids);
        InheritedSockets inherited = Handoff.receive(socketsFrom, oldPids);
        Transport transport;
        try {
            transport = transport(config, inherited);
        } catch (StartupException e) {
            inherited.close();
            log.error(e.getMessage());
            return 1;
        }
        RunningProxy proxy;
        try {
            proxy = RunningProxy.start(config, transport, inherited, true, workerCli);
        } catch (StartupException e) {
            log.error(e.getMessage());
            return 1;
        }
        // HAProxy sets its identity once its listeners are bound; bin/bascule gave it to the JVM before it started.
        String identity = ProcessIdentity.problem(config.global().identity());
        if (identity != null) {
            log.error("[main()] {}", identity);
            proxy.close();
            return 1;
        }
        String fdLimit = OpenFilesLimit.shortfall(config.global().ulimitN());
        if (fdLimit != null) {
            log.warn(fdLimit);
        }
        Runtime runtime = proxy.runtime();
        runtime.reloader(() -> reload(runtime, files));
        runtime.configReader(this::parse);
        Signals.onReload(runtime::requestReload);
        PidFile pidfile = pid == null ? null : PidFile.write(pid);
        if (daemonReadyFile != null) {
            Daemon.ready(daemonReadyFile);
        }
        Handoff.stopOld(softStopPids, hardStopPids);
        if (workerReadyFile != null) {
            Daemon.signalReady(workerReadyFile);
        }
        awaitEnd(signals, proxy, config.global().hardStopAfter(), workerOf);
        proxy.close();
        if (pidfile != null) {
            pidfile.remove();
        }
        return 0;
    }

    /**
     * Serves until SIGTERM or SIGINT, or until a soft stop (SIGUSR1) has seen the last connection close or
     * {@code hard-stop-after} pass. SIGTTOU and SIGTTIN pause and resume the listeners meanwhile. A worker also
     * stops when its master is gone, as HAProxy's do.
     */
    private static void awaitEnd(Signals signals, RunningProxy proxy, long hardStopAfterMs, Long master)
            throws InterruptedException {
        Runtime runtime = proxy.runtime();
        Long hardStopAt = null;
        while (true) {
            Signals.Received r = signals.next(runtime.stopping() ? 50 : 1000);
            if (master != null && ProcessHandle.of(master).map(p -> !p.isAlive()).orElse(true)) {
                log.warn("The master process {} is gone: exiting.", master);
                return;
            }
            if (r == null) {
                if (runtime.stopping() && runtime.connections() == 0) {
                    log.info("Soft stop complete: no connection left, exiting.");
                    return;
                }
                if (hardStopAt != null && System.nanoTime() - hardStopAt > 0) {
                    runtime.hardStop();
                    return;
                }
                continue;
            }
            switch (r.event()) {
                case STOP -> {
                    log.info("Received {}: closing listeners and exiting.", r.signal());
                    return;
                }
                case SOFT_STOP -> {
                    log.info("Received {}: soft stop, {} connection(s) to finish{}.", r.signal(),
                            runtime.connections(), hardStopAfterMs > 0 ? " within " + hardStopAfterMs + " ms" : "");
                    proxy.softStop();
                    if (hardStopAfterMs > 0) {
                        hardStopAt = System.nanoTime() + hardStopAfterMs * 1_000_000;
                    }
                }
                case PAUSE -> runtime.accepting(false);
                case RESUME -> runtime.accepting(true);
                case RELOAD -> throw new IllegalStateException("reloads run on their own thread here");
            }
        }
    }

    /**
     * Master-worker mode: the master writes its pid (as HAProxy's does), serves the master CLI, and runs workers
     * on the same files with the same flags.
     */
    private int runMaster(Path pid, List<Path> files) throws InterruptedException {
        Signals signals = Signals.install().queueReloads();
        List<String> workerArgs = new ArrayList<>(List.of("-db"));
        files.forEach(f -> workerArgs.addAll(List.of("-f", f.toAbsolutePath().toString())));
        for (var flag : List.of(Map.entry(noEpoll, "-de"), Map.entry(quiet, "-q"), Map.entry(verbose, "-V"),
                Map.entry(debug, "-d"))) {
            if (flag.getKey()) {
                workerArgs.add(flag.getValue());
            }
        }
        Master master = new Master(workerArgs, () -> load(files) != null,
                SystemdNotify.fromEnvironment(masterWorkerSystemd), signals);
        MasterCli cli;
        try {
            cli = masterSocket == null ? null : MasterCli.start(masterSocket, master);
        } catch (IOException | StartupException | RuntimeException e) {
            log.error("Cannot start the master CLI on '{}': {}", masterSocket, e.getMessage());
            return 1;
        }
        List<String> handoff = new ArrayList<>();
        for (var pids : List.of(Map.entry("-sf", softStopPids), Map.entry("-st", hardStopPids))) {
            if (!pids.getValue().isEmpty()) {
                handoff.add(pids.getKey());
                pids.getValue().forEach(p -> handoff.add(String.valueOf(p)));
            }
        }
        PidFile[] pidfile = new PidFile[1];
        int status = master.run(handoff, () -> {
            pidfile[0] = pid == null ? null : PidFile.write(pid);
            if (daemonReadyFile != null) {
                Daemon.ready(daemonReadyFile);
            }
        });
        if (cli != null) {
            cli.close();
        }
        if (pidfile[0] != null) {
            pidfile[0].remove();
        }
        return status;
    }
}
