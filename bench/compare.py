#!/usr/bin/env python3
"""Side-by-side benchmark: a reference HAProxy and a candidate proxy (Bascule by default), same machine, same run.

The project's own harness behind the ratios of docs/performance.md. It follows the protocol of the
compare.sh script the figures were first measured with (same servers, ports, scenarios, wrk options and
table), so the two give the same numbers; Python 3 standard library only.

What it does, on loopback only, every wait bounded in time:
  1. checks that wrk, nginx, haproxy, curl and taskset exist (it installs nothing; exit 2 names the packages);
  2. starts two nginx backends (worker_processes 1, access_log off, each with its own prefix, pid and config
     under the work dir) serving /small.txt (100 B), /16k.bin (16 KiB) and /1m.bin (1 MiB);
  3. starts the REFERENCE haproxy (nbthread 1; --cores 2: nbthread 2): http and tcp frontends, roundrobin over
     both backends;
  4. starts the CANDIDATE with --proxy-cmd under `bash -c`, in its own session (process group); it must stay
     in the foreground, listen on the candidate's http and tcp ports and balance over both backends;
  5. checks both proxies answer correctly (200 with the full body of each file, its size checked, through both
     listeners), warms both up
     (the JIT), then per scenario runs wrk against ref and candidate alternately (ref,cand | cand,ref | ...,
     REPS repetitions) and prints medians of req/s and p99 and the ratio candidate/ref (median of the
     per-repetition ratios, with min..max);
  6. stops exactly the processes it started (by process group, also on Ctrl-C, SIGTERM or an error) and
     keeps configs, logs and the raw wrk output in the work dir.
Both proxies run at the same time on different ports: the candidate starts once (its JIT stays warm) and
alternating is a URL switch.

Ports, from --port-base B (default 18080, the ports compare.sh uses):
  candidate  http B        tcp B+10       (env BENCH_HTTP_PORT, BENCH_TCP_PORT)
             http with option httplog B+20, logging to a UDP syslog sink on B+21
                                          (env BENCH_LOG_PORT, BENCH_SYSLOG_PORT)
  backends   B+1, B+2                     (env BENCH_BACKEND1, BENCH_BACKEND2: ports on 127.0.0.1;
                                           also BENCH_BACKENDS=127.0.0.1:B+1,127.0.0.1:B+2 as compare.sh)
             the rules50 rule set B+30    (env BENCH_RULES_PORT)
  reference  http B+100    tcp B+110      stats B+108 (/stats)   httplog B+104, its syslog sink B+105
             rules B+106
bench/compare.cfg reads the BENCH_* variables, so the default candidate follows --port-base.

Usage (from anywhere; paths are relative to the project root):
  python3 bench/compare.py                                       # Bascule with bench/compare.cfg
  python3 bench/compare.py --port-base 10000 --dur 2s --reps 1 --scenarios "ka50 tcp50"
  python3 bench/compare.py --proxy-cmd 'exec haproxy -db -f ref-on-candidate-ports.cfg'   # self-test, ~1.0
  python3 bench/compare.py --cores 2 --scenarios "ka50 ka500 tcp50 close50 1m50 tcp1m50"  # two threads each

Knobs (option, or env var; option wins; default in brackets):
  --scenarios SCENARIOS ["ka50 ka500 tcp50 tcp500 close50 16k50"], any of
      ka50 ka500 tcp50 tcp500 close50 close500 16k50 16k500 tcp16k50 ka50log ka500log close50log
      tlska50 tlsclose50 tlska50rsa tlsclose50rsa rules50 1m50 tcp1m50
      ka = HTTP keep-alive, 100 B; tcp = through the tcp listener; close = 'Connection: close' (a new TCP
      connection per request); 16k = 16 KiB responses; 1m = 1 MiB responses (large objects: the copy between
      the sockets, not the per-request work, is what is measured); *log = the same through a frontend with option httplog
      and a log line per request to a local UDP syslog (socat, dropping what it reads); tls* = HTTPS terminated by
      the proxy with a self-signed ECDSA P-256 certificate (rsa: RSA 2048) this script makes, tlsclose* being a
      TLS handshake per request (bench/compare-tls.cfg is then added to the candidate's -f); rules = keep-alive
      through a frontend with a realistic rule set (RULES below: ACLs, header rewrites, use_backend, a response
      header), wrk's requests cycling over paths and hosts each rule routes (bench/rules50.lua); the number is
      wrk's -c.
  --dur DUR [5s]  --reps REPS [3]  --warmup WARMUP [5s]  --gap GAP [0.5] (seconds between runs)
  --scenario-warmup SCENARIO_WARMUP [12s]  an unmeasured run of each scenario on both targets before it is measured
                 (the JIT compiles the scenario's code paths during it; with PIN=1 its compiler threads share CPU 0
                 with the event loop and nginx: 2 s, and on a slow day 6 s, left rules50's first repetition at half the others)
  --order ORDER [alt]  alt: odd repetitions ref then cand, even ones cand then ref; abab: always ref first
  --pin PIN [1]  1: wrk -t1 on CPU 1, backends and both proxies on CPU 0 (a JVM then sees one CPU);
                 0: nothing pinned, wrk -t2
  --cores CORES [1]  2: HAProxy runs nbthread 2 and Bascule two event loops (bench/compare-cores.cfg, a global
                 section with nbthread 2, is added to the default candidate's -f); PIN is then not used: with six
                 CPUs or more the proxies get CPUs 0,1 to themselves, the backends 2 and 3, wrk the rest, so the
                 proxy is the limit; with four or five both backends share CPU 2 and wrk takes what is left; with
                 fewer (this project's 2-core machines) nothing is pinned: wrk, nginx and the proxy share the two
                 cores, so the proxy is not the only limit. Both proxies meet the same limits, so the ratio still
                 compares them, and the cpu% columns (200 = two cores) say how much of the machine each had; what
                 such a machine cannot show is how far two loops scale over one. The run's second line says which
                 arrangement it used.
  --threads THREADS  wrk -t [1 if PIN=1 else 2; --cores 2: one per wrk CPU when pinned]
  --startup-timeout STARTUP_TIMEOUT [60]  seconds for the candidate to open its ports
  --workdir WORKDIR [${TMPDIR:-/tmp}/bascule-bench-py]
  --backends BACKENDS [start]  start: launch the nginx pair; reuse: use what already serves both files there
  --proxy-pidfile PROXY_PIDFILE  for a candidate that daemonizes anyway: its pid file, to stop it
  --port-base PORT_BASE [18080]
Budget: 6 scenarios x (3 reps x 2 targets x (5 s + 0.5 s gap) + 24 s warm-up) + 17 s warm-up + start-up:
about 6.5 minutes.
Output: table on stdout; WORKDIR/logs/{table,runs,wrk}-<runid>.* and the proxies' and servers' logs.
"""
import argparse
import errno
import os
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = {"wrk": "wrk", "nginx": "nginx", "haproxy": "haproxy", "curl": "curl", "taskset": "util-linux",
         "socat": "socat", "openssl": "openssl"}
# scenario -> (path, connections, 'Connection: close'?, listener)
SCENARIOS = {
    "ka50": ("/small.txt", 50, False, "http"),
    "ka500": ("/small.txt", 500, False, "http"),
    "tcp50": ("/small.txt", 50, False, "tcp"),
    "tcp500": ("/small.txt", 500, False, "tcp"),
    "close50": ("/small.txt", 50, True, "http"),
    "close500": ("/small.txt", 500, True, "http"),
    "16k50": ("/16k.bin", 50, False, "http"),
    "16k500": ("/16k.bin", 500, False, "http"),
    "tcp16k50": ("/16k.bin", 50, False, "tcp"),
    "ka50log": ("/small.txt", 50, False, "log"),
    "ka500log": ("/small.txt", 500, False, "log"),
    "close50log": ("/small.txt", 50, True, "log"),
    # TLS termination (certificates made by this script): keep-alive requests, and a handshake per request.
    "tlska50": ("/small.txt", 50, False, "tls"),
    "tlsclose50": ("/small.txt", 50, True, "tls"),
    "tlska50rsa": ("/small.txt", 50, False, "tlsrsa"),
    "tlsclose50rsa": ("/small.txt", 50, True, "tlsrsa"),
    "rules50": ("/small.txt", 50, False, "rules"),
    # Large objects: 1 MiB responses over keep-alive connections, through each listener.
    "1m50": ("/1m.bin", 50, False, "http"),
    "tcp1m50": ("/1m.bin", 50, False, "tcp"),
}
# What the backends serve, by path: its size in bytes (the correctness check wants each whole).
FILES = {"/small.txt": 100, "/16k.bin": 16384, "/1m.bin": 1 << 20}
TLS_LISTENERS = ("tls", "tlsrsa")
# Scenarios whose requests a wrk script writes (bench/<script>): their path above is only the URL's.
SCRIPTS = {"rules50": "rules50.lua"}
# The rule set of the rules50 scenario, the same text in both proxies' fe_rules (bench/compare.cfg holds it too; the
# run refuses to start when the two differ): 10 ACLs on path, host and headers, 2 header rewrites, 3 use_backend, and
# a response header, which the run checks both proxies set (a candidate without http-response rules fails loudly).
RULES = """    acl is_static path_beg /static
    acl is_api path_beg /api
    acl is_img path_end .png .jpg .gif
    acl host_api hdr(host) -i api.example.com
    acl host_www hdr(host) -i -m beg www.
    acl is_admin path_beg /admin
    acl is_post method POST
    acl has_auth req.hdr(authorization) -m found
    acl old_api path_beg /v1/
    acl is_health path /healthz
    http-request deny if is_admin !has_auth
    http-request set-header X-Forwarded-Proto http if host_www || host_api
    http-request set-header X-Route %[path,field(2,/)] unless is_health is_post
    http-response set-header X-Bench rules50
    use_backend be_static if is_static || is_img
    use_backend be_api if is_api || host_api
    use_backend be_v1 if old_api
    default_backend be_http
"""
RULES_PATHS = ("/static/small.txt", "/api/small.txt", "/v1/small.txt")
DEFAULT_SCENARIOS = "ka50 ka500 tcp50 tcp500 close50 16k50"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Failure(Exception):
    """A step failed; the message says which and where to look."""


class Interrupted(BaseException):
    """A signal (SIGINT/SIGTERM/SIGHUP) arrived; unwinds through every finally."""


# ------------------------------------------------------------------------------------------- options ----
def options(argv):
    env = os.environ

    def opt(name, default):
        return env.get(name) or default

    p = argparse.ArgumentParser(prog="python3 bench/compare.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--proxy-cmd", default=env.get("PROXY_CMD") or
                   f"exec {ROOT}/dist/target/bascule/bin/bascule -db -f {ROOT}/bench/compare.cfg")
    p.add_argument("--port-base", type=int, default=int(opt("PORT_BASE", "18080")))
    p.add_argument("--scenarios", default=opt("SCENARIOS", DEFAULT_SCENARIOS))
    p.add_argument("--dur", default=opt("DUR", "5s"))
    p.add_argument("--reps", type=int, default=int(opt("REPS", "3")))
    p.add_argument("--warmup", default=opt("WARMUP", "5s"))
    p.add_argument("--scenario-warmup", default=opt("SCENARIO_WARMUP", "12s"))
    p.add_argument("--gap", type=float, default=float(opt("GAP", "0.5")))
    p.add_argument("--order", choices=("alt", "abab"), default=opt("ORDER", "alt"))
    p.add_argument("--pin", choices=("0", "1"), default=opt("PIN", "1"))
    p.add_argument("--cores", type=int, choices=(1, 2), default=int(opt("CORES", "1")))
    p.add_argument("--threads", type=int, default=int(env["THREADS"]) if env.get("THREADS") else None)
    p.add_argument("--startup-timeout", type=float, default=float(opt("STARTUP_TIMEOUT", "60")))
    p.add_argument("--workdir", default=opt("WORKDIR", os.path.join(env.get("TMPDIR") or "/tmp",
                                                                    "bascule-bench-py")))
    p.add_argument("--backends", choices=("start", "reuse"), default=opt("BACKENDS", "start"))
    p.add_argument("--proxy-pidfile", default=env.get("PROXY_PIDFILE") or None)
    a = p.parse_args(argv)
    a.pin = a.pin == "1"
    a.layout = layout(a.cores, a.pin, sorted(os.sched_getaffinity(0)))
    if a.threads is None:
        a.threads = len(a.layout["wrk"].split(",")) if a.layout["wrk"] else 2
    a.scenarios = a.scenarios.split()
    unknown = [s for s in a.scenarios if s not in SCENARIOS]
    if unknown or not a.scenarios:
        p.error(f"unknown scenario(s) {' '.join(unknown) or '(none given)'}; known: {' '.join(SCENARIOS)}")
    for name in ("dur", "warmup", "scenario_warmup"):
        seconds(getattr(a, name), p.error)
    if a.reps < 1 or a.threads < 1:
        p.error("--reps and --threads must be at least 1")
    if not 1024 <= a.port_base <= 65535 - 110:
        p.error(f"--port-base must be in 1024..{65535 - 110} (it uses base .. base+110)")
    b = a.port_base
    a.ports = {"cand_http": b, "cand_tcp": b + 10, "cand_log": b + 20, "be1": b + 1, "be2": b + 2,
               "ref_http": b + 100, "ref_tcp": b + 110, "ref_stats": b + 108, "ref_log": b + 104,
               "syslog_cand": b + 21, "syslog_ref": b + 105,
               "cand_tls": b + 30, "cand_tlsrsa": b + 40, "ref_tls": b + 106, "ref_tlsrsa": b + 107,
               "cand_rules": b + 50, "ref_rules": b + 109}
    a.tls = any(SCENARIOS[s][3] in TLS_LISTENERS for s in a.scenarios)
    default_candidate = "PROXY_CMD" not in env and a.proxy_cmd.endswith("/bench/compare.cfg")
    if a.tls and default_candidate:
        # The TLS frontends need the certificates this script makes: a file of their own, loaded only then.
        a.proxy_cmd += f" -f {ROOT}/bench/compare-tls.cfg"
    if a.cores == 2 and default_candidate:
        # Two event loops, as a user asks for two threads: nbthread in a global section of its own.
        a.proxy_cmd += f" -f {ROOT}/bench/compare-cores.cfg"
    a.workdir = os.path.abspath(a.workdir)
    return a


def layout(cores, pin, cpus):
    """Which CPUs each role runs on ("0,1"; None: not pinned) and what the arrangement can show.

    Roles: proxy (both proxies: only one is under load at a time), backend-a, backend-b (the nginx pair), wrk,
    other (the syslog sinks). --cores 2 wants the proxy to be the limit: two CPUs of its own, the backends and wrk
    on others; that takes six CPUs (four: both backends share one CPU and wrk gets what is left). With fewer
    nothing is pinned: on a two-core machine wrk, nginx and the proxy share both cores, so the proxy cannot be
    the only limit; both proxies meet the same limits, the ratio still compares them, and the cpu% columns
    (200 = two cores) show what each proxy had."""
    roles = ("proxy", "backend-a", "backend-b", "wrk", "other")
    if cores == 1:
        if not pin:
            return dict.fromkeys(roles) | {"note": "nothing pinned"}
        return {"proxy": "0", "backend-a": "0", "backend-b": "0", "other": "0", "wrk": "1",
                "note": "proxies and backends on CPU 0, wrk on CPU 1"}
    c = [str(n) for n in cpus]
    if len(c) >= 6:
        return {"proxy": ",".join(c[:2]), "backend-a": c[2], "backend-b": c[3], "other": c[2],
                "wrk": ",".join(c[4:]), "note": f"proxy on CPUs {c[0]},{c[1]}, backends on {c[2]} and {c[3]}, "
                                                f"wrk on {','.join(c[4:])}: the proxy is the limit"}
    if len(c) >= 4:
        return {"proxy": ",".join(c[:2]), "backend-a": c[2], "backend-b": c[2], "other": c[2],
                "wrk": ",".join(c[3:]), "note": f"proxy on CPUs {c[0]},{c[1]}, both backends on {c[2]}, wrk on "
                                                f"{','.join(c[3:])}: one CPU of backends may limit before the proxy"}
    return dict.fromkeys(roles) | {"note": f"{len(c)} CPUs: nothing pinned; wrk, nginx and the proxy share them, "
                                           "so the proxy is not the only limit (compare the ratio and cpu%)"}


def seconds(duration, error=None):
    """wrk's duration syntax (2s, 1m, 1h, or bare seconds) in seconds."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smh]?)", duration.strip())
    if not m:
        if error:
            error(f"bad duration {duration!r} (want e.g. 5s, 1m)")
        raise ValueError(duration)
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


# ----------------------------------------------------------------------------------- process control ----
class Processes:
    """Everything this run started, each in its own session: stopped by process group, bounded in time."""

    def __init__(self, cpus):
        self.cpus = cpus  # role -> CPU list or None, from layout()
        self.started = []  # (name, Popen); the Popen's pid is also its process group id
        self.pidfile = None

    def spawn(self, name, role, argv, log, env=None):
        if self.cpus[role]:
            argv = ["taskset", "-c", self.cpus[role], *argv]
        with open(log, "w") as out:
            out.write(f"### {time.strftime('%F %T')}: {shlex.join(argv)}\n")
        with open(log, "ab") as out, signals_deferred():  # no interruption between the fork and the record
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True, env=env)
            self.started.append((name, proc))
        return proc

    @staticmethod
    def group_alive(pgid):
        try:
            os.killpg(pgid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True

    def _signal_all(self, sig):
        for _, proc in self.started:
            proc.poll()  # reap a dead leader; while unreaped, its pid (our pgid) cannot be reused
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
        if self.pidfile:
            try:
                with open(self.pidfile) as f:
                    os.kill(int(f.read().split()[0]), sig)
            except (OSError, ValueError, IndexError):
                pass

    def stop(self):
        if not self.started:
            return
        self._signal_all(signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for _, proc in self.started:
                proc.poll()
            if not any(self.group_alive(proc.pid) for _, proc in self.started):
                break
            time.sleep(0.1)
        else:
            self._signal_all(signal.SIGKILL)
        for _, proc in self.started:
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        left = [f"{n}:{p.pid}" for n, p in self.started if self.group_alive(p.pid)]
        print(f"stopped process groups {' '.join(f'{n}:{p.pid}' for n, p in self.started)}"
              + (f"; STILL ALIVE: {' '.join(left)}" if left else ""), file=sys.stderr)


_deferring = False
_pending = []


def on_signal(signum, _frame):
    name = signal.Signals(signum).name
    if _deferring:
        _pending.append(name)
    else:
        raise Interrupted(name)


class signals_deferred:
    """Holds SIGINT/SIGTERM/SIGHUP back (not by blocking them: a blocked mask would be inherited) until exit."""

    def __enter__(self):
        global _deferring
        _deferring = True

    def __exit__(self, *exc):
        global _deferring
        _deferring = False
        if _pending and exc[0] is None:
            raise Interrupted(_pending[0])


# ------------------------------------------------------------------------------------------- network ----
def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def wait_listening(port, timeout, proc=None, allow_exit=False):
    """True once 127.0.0.1:port accepts; False after timeout or when proc exits first (unless allow_exit)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if listening(port):
            return True
        if proc is not None and proc.poll() is not None and not allow_exit:
            return False
        time.sleep(0.1)
    return False


def curl_check(url, size, header=None):
    """200 with the whole body; with header ('Name: value'), that response header too."""
    try:
        r = subprocess.run(["curl", "-s", "-k", "-m", "5", "-o", "/dev/null", "-D", "-", "-w",
                            "%{http_code} %{size_download}", url], capture_output=True, text=True, timeout=10).stdout
    except subprocess.TimeoutExpired:
        r = "(curl timed out)"
    head, _, got = r.rpartition("\n")
    if got != f"200 {size}":
        print(f"CHECK FAILED {url} -> {got!r} (want '200 {size}')", file=sys.stderr)
        return False
    if header and header.lower() not in head.lower():
        print(f"CHECK FAILED {url}: no '{header}' in the response headers (does the proxy run http-response "
              f"rules?):\n{head}", file=sys.stderr)
        return False
    return True


def rules_check(a, ports):
    """The rules50 scenario's guard: both proxies route each path and set the response header."""
    if "rules50" not in a.scenarios:
        return True
    if a.proxy_cmd.endswith(f"{ROOT}/bench/compare.cfg"):
        with open(f"{ROOT}/bench/compare.cfg") as f:
            if RULES not in f.read():
                raise Failure("bench/compare.cfg's fe_rules no longer holds compare.py's RULES verbatim: the two "
                              "proxies would not run the same rules")
    ok = True
    for t in ("ref", "cand"):
        for path in RULES_PATHS + ("/small.txt",):
            ok &= curl_check(f"http://127.0.0.1:{ports[t + '_rules']}{path}", 100, "X-Bench: rules50")
    return ok


def tail(path, lines=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"({e})"


# ------------------------------------------------------------------------------------------- configs ----
def nginx_conf(work, name, port):
    d = f"{work}/nginx-{name}"
    return f"""daemon off; worker_processes 1; worker_rlimit_nofile 20000;
pid {d}/nginx.pid; error_log {d}/logs/error.log warn;
events {{ worker_connections 9000; use epoll; }}
http {{
  access_log off; default_type text/plain; types {{ }}
  sendfile on; tcp_nopush on; tcp_nodelay on; server_tokens off; etag off;
  keepalive_timeout 120s; keepalive_requests 100000000;
  client_body_temp_path {d}/cb; proxy_temp_path {d}/px;
  fastcgi_temp_path {d}/fc; uwsgi_temp_path {d}/uw; scgi_temp_path {d}/sc;
  server {{ listen 127.0.0.1:{port} backlog=4096; root {work}/www; location / {{ }} }}
}}
"""


def make_certificates(work):
    """Self-signed ECDSA (P-256) and RSA (2048) certificates, key and certificate in one PEM (HAProxy's layout)."""
    d = f"{work}/tls"
    os.makedirs(d, exist_ok=True)
    for name, key in (("ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
                      ("rsa", ["-newkey", "rsa:2048"])):
        subprocess.run(["openssl", "req", "-x509", *key, "-nodes", "-days", "7", "-subj", f"/CN=bench-{name}",
                        "-keyout", f"{d}/{name}.key", "-out", f"{d}/{name}.crt"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(f"{d}/{name}.pem", "w") as out:
            for part in ("crt", "key"):
                with open(f"{d}/{name}.{part}") as f:
                    out.write(f.read())
    return {"ec": f"{d}/ec.pem", "rsa": f"{d}/rsa.pem"}


def haproxy_ref_conf(ports, pems, threads):
    servers = f"""    server n1 127.0.0.1:{ports['be1']}
    server n2 127.0.0.1:{ports['be2']}
"""
    return f"""# reference HAProxy of bench/compare.py (written on every run)
global
    nbthread {threads}
    maxconn 9000
defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    timeout http-keep-alive 120s
    maxconn 9000
    option http-keep-alive
frontend fe_http
    bind 127.0.0.1:{ports['ref_http']} backlog 4096
    default_backend be_http
backend be_http
    balance roundrobin
{servers}frontend fe_tcp
    mode tcp
    bind 127.0.0.1:{ports['ref_tcp']} backlog 4096
    default_backend be_tcp
backend be_tcp
    mode tcp
    balance roundrobin
{servers}frontend fe_log
    bind 127.0.0.1:{ports['ref_log']} backlog 4096
    log 127.0.0.1:{ports['syslog_ref']} local0
    option httplog
    default_backend be_http
frontend fe_rules
    bind 127.0.0.1:{ports['ref_rules']} backlog 4096
{RULES}backend be_static
    server n1 127.0.0.1:{ports['be1']}
backend be_api
    server n2 127.0.0.1:{ports['be2']}
backend be_v1
    server n1 127.0.0.1:{ports['be1']}
frontend fe_tls
    bind 127.0.0.1:{ports['ref_tls']} backlog 4096 ssl crt {pems['ec']}
    default_backend be_http
frontend fe_tlsrsa
    bind 127.0.0.1:{ports['ref_tlsrsa']} backlog 4096 ssl crt {pems['rsa']}
    default_backend be_http
listen stats
    bind 127.0.0.1:{ports['ref_stats']}
    stats enable
    stats uri /stats
"""


# ----------------------------------------------------------------------------------------------- wrk ----
def to_ms(value, unit):
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 3)


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15 of proc(5))
        except (OSError, IndexError, ValueError):
            pass
    return total


def group_members(pgid):
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[2]) == pgid:
                        pids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return pids


class Wrk:
    def __init__(self, a, raw_path):
        self.a = a
        self.raw_path = raw_path

    def run(self, url, conns, duration, close=False, cpu_pids=(), script=None, backend_pids=()):
        """One wrk run -> (req/s, p50 ms, p99 ms, errors, proxy CPU %, backends' CPU %, of one core); raw output
        appended."""
        cmd = ["wrk", f"-t{self.a.threads}", f"-c{conns}", f"-d{duration}", "--latency", "--timeout", "5s"]
        if close:
            cmd += ["-H", "Connection: close"]
        if script:
            cmd += ["-s", os.path.join(ROOT, "bench", script)]
        cmd.append(url)
        if self.a.layout["wrk"]:
            cmd = ["taskset", "-c", self.a.layout["wrk"], *cmd]
        c0, b0, t0 = cpu_ticks(cpu_pids), cpu_ticks(backend_pids), time.monotonic()
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, timeout=seconds(duration) + 20)
            out = p.stdout
        except subprocess.TimeoutExpired as e:
            out = (e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")) \
                + "\n(wrk killed: timed out)\n"
        t1, c1, b1 = time.monotonic(), cpu_ticks(cpu_pids), cpu_ticks(backend_pids)
        with open(self.raw_path, "a") as f:
            f.write(f"### {' '.join(cmd)}\n{out.rstrip(chr(10))}\n")
        m = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
        rps = float(f"{float(m.group(1)):.0f}") if m else 0.0
        lat = {q: to_ms(v, u) for q, v, u in re.findall(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)}
        errors = 0
        m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        if m:
            errors += sum(int(x) for x in m.groups())
        m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        if m:
            errors += int(m.group(1))
        def share(ticks):
            return round(ticks * 100 / CLK_TCK / (t1 - t0)) if t1 > t0 else 0
        return rps, lat.get("50", 0.0), lat.get("99", 0.0), errors, share(c1 - c0), share(b1 - b0)


# ----------------------------------------------------------------------------------------------- main ----
def check_tools():
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        pkgs = " ".join(dict.fromkeys(TOOLS[t] for t in missing))
        print(f"missing: {' '.join(missing)}; install them with: sudo apt-get install {pkgs}", file=sys.stderr)
        sys.exit(2)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def table(a, runs):
    """runs: list of (scenario, rep, target, rps, p50, p99, errors, cpu, backend cpu) -> table text."""
    head = (f"{'scenario':<9} {'ref_rps':>10} {'cand_rps':>10} {'ratio':>7} {'[min..max]':>15} {'ref_p99':>9} "
            f"{'cand_p99':>9} {'p99_x':>7} {'ref_cpu%':>8} {'cand_cpu%':>8} {'be_cpu%':>8} {'errors':>7}")
    lines = [head]
    for s in a.scenarios:
        by = {(r[1], r[2]): r for r in runs if r[0] == s}
        reps = sorted({rep for rep, _ in by})
        reps = [rep for rep in reps if (rep, "ref") in by and (rep, "cand") in by]
        if not reps:
            continue
        ref = [by[rep, "ref"] for rep in reps]
        cand = [by[rep, "cand"] for rep in reps]
        ratios = [c[3] / r[3] if r[3] > 0 else 0.0 for r, c in zip(ref, cand)]
        rp99 = statistics.median(r[5] for r in ref)
        cp99 = statistics.median(c[5] for c in cand)
        lines.append(
            f"{s:<9} {statistics.median(r[3] for r in ref):10.0f} {statistics.median(c[3] for c in cand):10.0f} "
            f"{statistics.median(ratios):7.3f} [{min(ratios):.3f}..{max(ratios):.3f}] {rp99:8.2f}ms "
            f"{cp99:8.2f}ms {(cp99 / rp99 if rp99 > 0 else 0):7.2f} "
            f"{statistics.median(r[7] for r in ref):8.0f} {statistics.median(c[7] for c in cand):8.0f} "
            f"{statistics.median(r[8] for r in ref):4.0f}/{statistics.median(c[8] for c in cand):<3.0f} "
            f"{sum(r[6] for r in ref):3d}/{sum(c[6] for c in cand):<3d}")
    return "\n".join(lines) + "\n"


def main(argv):
    a = options(argv)
    check_tools()
    if a.cores == 1 and a.pin and not {0, 1} <= os.sched_getaffinity(0):
        print("PIN=1 needs CPUs 0 and 1; use --pin 0", file=sys.stderr)
        return 2
    if "PROXY_CMD" not in os.environ and a.proxy_cmd.startswith(f"exec {ROOT}/dist/") \
            and not os.access(f"{ROOT}/dist/target/bascule/bin/bascule", os.X_OK):
        print(f"build first: cd {ROOT} && mvn -B -DskipTests package (or give --proxy-cmd)", file=sys.stderr)
        return 2
    ports, work = a.ports, a.workdir
    for d in ("www", "logs", "nginx-a/logs", "nginx-b/logs"):
        os.makedirs(f"{work}/{d}", exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by everything started below
    except (ValueError, OSError):
        pass
    run_id = time.strftime("%Y%m%d-%H%M%S")
    raw, runs_path, table_path = (f"{work}/logs/{k}-{run_id}.{e}"
                                  for k, e in (("wrk", "raw"), ("runs", "txt"), ("table", "txt")))
    write(raw, "")
    write(runs_path, "")

    procs = Processes(a.layout)
    procs.pidfile = a.proxy_pidfile
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        # ---- backends
        nginxes = []  # the ones started here: their CPU is measured beside the proxies'
        if a.backends == "start":
            busy = [p for p in (ports["be1"], ports["be2"]) if listening(p)]
            if busy:
                raise Failure(f"port(s) {busy} busy (--backends reuse to use what serves there)")
            for path, size in FILES.items():
                write(f"{work}/www{path}", "x" * (size - 1) + "\n")
            for path in RULES_PATHS:                               # what the rules50 rule set routes
                os.makedirs(os.path.dirname(f"{work}/www{path}"), exist_ok=True)
                write(f"{work}/www{path}", "x" * 99 + "\n")
            for name, port in (("a", ports["be1"]), ("b", ports["be2"])):
                conf = f"{work}/nginx-{name}/nginx.conf"
                write(conf, nginx_conf(work, name, port))
                nginxes.append(procs.spawn(f"nginx-{name}", f"backend-{name}",
                                           ["nginx", "-e", f"{work}/nginx-{name}/logs/error.log", "-c", conf,
                                            "-p", f"{work}/nginx-{name}/"], f"{work}/logs/nginx-{name}.log"))
            for proc, port in zip(nginxes, (ports["be1"], ports["be2"])):
                if not wait_listening(port, 10, proc):
                    raise Failure(f"nginx did not open :{port}; see {work}/logs and {work}/nginx-*/logs")

        # ---- a syslog sink for each proxy's traffic log (the *log scenarios): socat reads and drops
        for side in ("ref", "cand"):
            procs.spawn(f"syslog-{side}", "other", ["socat", "-u", f"UDP-RECV:{ports['syslog_' + side]},bind=127.0.0.1",
                                           "OPEN:/dev/null"], f"{work}/logs/syslog-{side}.log")

        # ---- reference haproxy
        busy = [p for k, p in ports.items() if not k.startswith("be") and listening(p)]
        if busy:
            raise Failure(f"port(s) {busy} already in use (another run? choose another --port-base)")
        pems = make_certificates(work)
        write(f"{work}/haproxy-ref.cfg", haproxy_ref_conf(ports, pems, a.cores))
        ref = procs.spawn("ref-haproxy", "proxy", ["haproxy", "-db", "-f", f"{work}/haproxy-ref.cfg"],
                          f"{work}/logs/haproxy-ref.log")
        if not all(wait_listening(ports[k], 10, ref) for k in ("ref_http", "ref_tcp", "ref_log", "ref_rules")):
            raise Failure(f"reference haproxy did not start:\n{tail(f'{work}/logs/haproxy-ref.log')}")

        # ---- candidate
        env = dict(os.environ, BENCH_HTTP_PORT=str(ports["cand_http"]), BENCH_TCP_PORT=str(ports["cand_tcp"]),
                   BENCH_LOG_PORT=str(ports["cand_log"]), BENCH_SYSLOG_PORT=str(ports["syslog_cand"]),
                   BENCH_RULES_PORT=str(ports["cand_rules"]),
                   BENCH_BACKEND1=str(ports["be1"]), BENCH_BACKEND2=str(ports["be2"]),
                   BENCH_BACKENDS=f"127.0.0.1:{ports['be1']},127.0.0.1:{ports['be2']}",
                   BENCH_TLS_PORT=str(ports["cand_tls"]), BENCH_TLSRSA_PORT=str(ports["cand_tlsrsa"]),
                   BENCH_TLS_EC_PEM=pems["ec"], BENCH_TLS_RSA_PEM=pems["rsa"])
        cand_log = f"{work}/logs/candidate.log"
        cand = procs.spawn("candidate", "proxy", ["bash", "-c", a.proxy_cmd], cand_log, env=env)
        daemon_ok = a.proxy_pidfile is not None
        if not wait_listening(ports["cand_http"], a.startup_timeout, cand, daemon_ok) \
                or not wait_listening(ports["cand_tcp"], 10, cand, daemon_ok) \
                or not wait_listening(ports["cand_log"], 10, cand, daemon_ok) \
                or "rules50" in a.scenarios and not wait_listening(ports["cand_rules"], 10, cand, daemon_ok) \
                or a.tls and not all(wait_listening(ports[f"cand_{l}"], 10, cand, daemon_ok) for l in TLS_LISTENERS):
            state = "exited" if cand.poll() is not None else "still running"
            raise Failure(f"candidate ({state}) did not open :{ports['cand_http']} and :{ports['cand_tcp']} "
                          f"within {a.startup_timeout:g}s; {cand_log}:\n{tail(cand_log)}")
        time.sleep(0.5)

        # ---- correctness
        ok = True
        for port in (ports[f"{t}_{l}"] for t in ("ref", "cand") for l in ("http", "tcp", "log")):
            for _ in range(2):  # twice: roundrobin reaches both backends
                for path, size in FILES.items():
                    ok &= curl_check(f"http://127.0.0.1:{port}{path}", size)
        for port in (ports[f"{t}_{l}"] for t in ("ref", "cand") for l in TLS_LISTENERS if a.tls):
            ok &= curl_check(f"https://127.0.0.1:{port}/small.txt", 100)
        if not ok:
            raise Failure("a proxy answered wrongly (see above)")
        if not rules_check(a, ports):
            raise Failure("a proxy does not run the rules50 rule set (see above): its figures would measure less")

        pin = f"PIN={int(a.pin)}" if a.cores == 1 else "PIN not used"
        print(f"compare.py run {run_id}  CORES={a.cores} {pin} ORDER={a.order} wrk -t{a.threads}  "
              f"DUR={a.dur} REPS={a.reps}  scenarios: {' '.join(a.scenarios)}")
        print(f"CPUs: {a.layout['note']}")
        print(f"ref haproxy pid {ref.pid} (:{ports['ref_http']}/:{ports['ref_tcp']})   candidate pgid {cand.pid} "
              f"(:{ports['cand_http']}/:{ports['cand_tcp']}, backends :{ports['be1']}/:{ports['be2']}): "
              f"{a.proxy_cmd}", flush=True)

        wrk = Wrk(a, raw)
        base = "http://127.0.0.1:"
        print(f"warm-up {a.warmup} per target/listener ...", flush=True)
        for port in (ports["cand_http"], ports["cand_tcp"], ports["ref_http"]):
            wrk.run(f"{base}{port}/small.txt", 50, a.warmup)
        wrk.run(f"{base}{ports['cand_http']}/16k.bin", 50, "2s")
        if a.tls:
            # The JIT and the TLS engine's first handshakes: without this the first TLS run measured start-up.
            for t in ("cand", "ref"):
                for l in TLS_LISTENERS:
                    wrk.run(f"https://127.0.0.1:{ports[f'{t}_{l}']}/small.txt", 50, a.warmup)
                    wrk.run(f"https://127.0.0.1:{ports[f'{t}_{l}']}/small.txt", 50, a.warmup, close=True)

        # ---- measurement
        runs = []
        backend_pids = [pid for proc in nginxes for pid in group_members(proc.pid)]
        for s in a.scenarios:
            path, conns, close, listener = SCENARIOS[s]
            base = "https://127.0.0.1:" if listener in TLS_LISTENERS else "http://127.0.0.1:"
            # A scenario's first use of a code path (new connections, 500 connections, the TCP relay) still
            # compiles in the JIT; unwarmed, the first repetition measured that instead of the proxy.
            script = SCRIPTS.get(s)
            for t in ("cand", "ref"):
                wrk.run(f"{base}{ports[f'{t}_{listener}']}{path}", conns, a.scenario_warmup, close, script=script)
            for rep in range(1, a.reps + 1):
                targets = ("cand", "ref") if a.order == "alt" and rep % 2 == 0 else ("ref", "cand")
                for t in targets:
                    port = ports[f"{t}_{listener}"]
                    pids = [ref.pid] if t == "ref" else group_members(cand.pid)
                    r = (s, rep, t, *wrk.run(f"{base}{port}{path}", conns, a.dur, close, pids, script,
                                             backend_pids))
                    runs.append(r)
                    line = f"{s} {rep} {t:<4} {r[3]:.0f} {r[4]:.3f} {r[5]:.3f} {r[6]} {r[7]} {r[8]}"
                    with open(runs_path, "a") as f:
                        f.write(line + "\n")
                    print("  " + line, flush=True)
                    time.sleep(a.gap)

        text = table(a, runs)
        write(table_path, text)
        print(f"\ncandidate/haproxy, medians over {a.reps} alternated runs of {a.dur} "
              f"(ratio = median of per-rep ratios [min..max])")
        print(text, end="")
        print("(p99_x = cand p99 / ref p99; cpu% = proxy process CPU, 100 = one core; "
              "be_cpu% = both nginx backends' CPU, ref/cand; "
              "errors = socket errors+non-2xx ref/cand)")
        print(f"raw wrk output: {raw}   per-run lines: {runs_path}   logs: {work}/logs", flush=True)
        return 0
    except Failure as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 1
    except Interrupted as e:
        print(f"\ncompare.py: interrupted by {e}", file=sys.stderr)
        return 130
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        procs.stop()
        print(f"(files kept in {work})", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
