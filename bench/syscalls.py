#!/usr/bin/env python3
"""System calls per request through the proxy, counted on its event loop (docs/performance.md, issue 22).

  python3 bench/syscalls.py [HOME] [--java-opts=-Dbascule.transport=epoll] [--scenarios "close50 ka50 tcp50"]
  python3 bench/syscalls.py --haproxy --scenarios close50        # HAProxy 2.6 on the same frontends, counted whole

Starts two nginx on 127.0.0.1:BASE+1, BASE+2 and the proxy on bench/compare.cfg (BASE and BASE+10), pinned to
CPU 0 as bench/compare.py's PIN=1 does (one event loop); per scenario: two wrk warm-ups, one untraced run (CPU
time of the event loop per request, meaningful on a quiet machine only), then one run under `strace -f -qq -p`,
whose lines on the event loop's thread are divided by wrk's requests. Scenarios: close50, ka50, tcp50,
tcpclose50, tcp16k. Needs wrk, nginx, strace (and haproxy for --haproxy).
"""
import argparse, os, re, signal, subprocess, sys, time, socket

p = argparse.ArgumentParser()
here = os.path.dirname(os.path.abspath(__file__))
p.add_argument("home", nargs="?", default=os.path.join(here, "..", "dist", "target", "bascule"))
p.add_argument("--java-opts", default="")
p.add_argument("--scenarios", default="close50")
p.add_argument("--base", type=int, default=25000)
p.add_argument("--dur", default="5s")
p.add_argument("--cfg", default=os.path.join(here, "compare.cfg"))
p.add_argument("--haproxy", action="store_true")
a = p.parse_args()

B = a.base
work = f"/tmp/bascule-syscalls-{B}"
os.makedirs(f"{work}/www", exist_ok=True)
open(f"{work}/www/small.txt", "w").write("x" * 99 + "\n")
open(f"{work}/www/16k.bin", "w").write("y" * 16383 + "\n")
procs = []


def nginx(name, port):
    d = f"{work}/nginx-{name}"
    os.makedirs(f"{d}/logs", exist_ok=True)
    conf = f"""daemon off; worker_processes 1; worker_rlimit_nofile 20000;
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
    open(f"{d}/nginx.conf", "w").write(conf)
    procs.append(subprocess.Popen(["nginx", "-p", d, "-c", f"{d}/nginx.conf"], stderr=subprocess.DEVNULL))


def wait(port):
    for _ in range(900):
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"port {port} never opened")


def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def loop_cpu(pid):
    """CPU seconds of the event loops and io_uring's kernel workers, by thread name."""
    total = 0.0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = open(f"/proc/{pid}/task/{t}/comm").read().strip()
            if re.match(r"bascule-|iou-", comm):
                f = open(f"/proc/{pid}/task/{t}/stat").read().rsplit(")", 1)[1].split()
                total += (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def wrk(port, path, close, dur, conns=50):
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{dur}", "--timeout", "5s"]
    if close:
        cmd += ["-H", "Connection: close"]
    out = subprocess.run(cmd + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    m = re.search(r"(\d+) requests in", out)
    errs = re.search(r"Socket errors.*|Non-2xx.*", out)
    return int(m.group(1)), (errs.group(0) if errs else "")


try:
    nginx("a", B + 1)
    nginx("b", B + 2)
    env = dict(os.environ, BENCH_HTTP_PORT=str(B), BENCH_TCP_PORT=str(B + 10), BENCH_BACKEND1=str(B + 1),
               BENCH_BACKEND2=str(B + 2), BENCH_LOG_PORT=str(B + 20), BENCH_SYSLOG_PORT=str(B + 21),
               JAVA_OPTS=a.java_opts)
    if a.haproxy:
        cfg = f"{work}/haproxy.cfg"
        open(cfg, "w").write(f"""global
    maxconn 9000
    nbthread 1
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    maxconn 9000
frontend fe_http
    bind 127.0.0.1:{B} backlog 4096
    default_backend be_http
backend be_http
    balance roundrobin
    server n1 127.0.0.1:{B+1}
    server n2 127.0.0.1:{B+2}
frontend fe_tcp
    mode tcp
    bind 127.0.0.1:{B+10} backlog 4096
    default_backend be_tcp
backend be_tcp
    mode tcp
    balance roundrobin
    server n1 127.0.0.1:{B+1}
    server n2 127.0.0.1:{B+2}
""")
        proxy = subprocess.Popen(["haproxy", "-db", "-f", cfg], env=env, stdout=open(f"{work}/proxy.log", "w"),
                                 stderr=subprocess.STDOUT, preexec_fn=lambda: os.sched_setaffinity(0, {0}))
    else:
        proxy = subprocess.Popen([f"{a.home}/bin/bascule", "-db", "-f", a.cfg], env=env,
                                 stdout=open(f"{work}/proxy.log", "w"), stderr=subprocess.STDOUT, preexec_fn=lambda: os.sched_setaffinity(0, {0}))
    procs.append(proxy)
    wait(B + 1); wait(B + 2); wait(B); wait(B + 10)
    scen = {"close50": (B, "/small.txt", True), "ka50": (B, "/small.txt", False),
            "tcp50": (B + 10, "/small.txt", False), "tcp16k": (B + 10, "/16k.bin", False),
            "tcpclose50": (B + 10, "/small.txt", True)}
    for s in a.scenarios.split():
        port, path, close = scen[s]
        wrk(port, path, close, "4s")  # warm-up
        wrk(port, path, close, "4s")
        c0, l0 = cpu(proxy.pid), loop_cpu(proxy.pid)
        n, e = wrk(port, path, close, a.dur)
        c1, l1 = cpu(proxy.pid), loop_cpu(proxy.pid)
        st = f"{work}/strace-{s}.txt"
        tr = subprocess.Popen(["strace", "-f", "-qq", "-o", st, "-p", str(proxy.pid)],
                              stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        names = {}
        n2, e2 = wrk(port, path, close, a.dur)
        for t in os.listdir(f"/proc/{proxy.pid}/task"):
            try:
                names[t] = open(f"/proc/{proxy.pid}/task/{t}/comm").read().strip()
            except OSError:
                pass
        tr.send_signal(signal.SIGINT)
        tr.wait()
        counts, loops, other = {}, {}, 0
        for line in open(st):
            m = re.match(r"(\d+)\s+([a-z_0-9]+)\(", line)
            if not m:
                continue
            tid, call = m.groups()
            comm = names.get(tid, "?")
            if re.search(r"(?i)loop|bascule|epoll|uring|nio", comm) and not comm.startswith("C"):
                counts[call] = counts.get(call, 0) + 1
                loops[comm] = loops.get(comm, 0) + 1
            else:
                other += 1
        total = sum(counts.values())
        rows = sorted(((c, k) for k, c in counts.items()), reverse=True)
        per = ", ".join(f"{name} {c / n2:.2f}" for c, name in rows if c / n2 >= 0.01)
        print(f"{s}: {total / n2:.2f} syscalls/req on the event loops {sorted(loops)} ({n2} req traced {e2}),"
              f" other threads {other / n2:.2f}/req; CPU {1e6 * (c1 - c0) / n:.1f} us/req, loops {1e6 * (l1 - l0) / n:.1f} us/req"
              f" ({n} req untraced, {n / float(a.dur[:-1]):.0f}/s {e})")
        print(f"   {per}")
finally:
    for pr in reversed(procs):
        pr.send_signal(signal.SIGTERM)
    for pr in procs:
        try:
            pr.wait(10)
        except subprocess.TimeoutExpired:
            pr.kill()
