#!/usr/bin/env python3
"""How long an in-place reload takes on a 1,000-server config, and what it does to the latency of traffic.

Usage (from the project root, after `mvn -B -pl dist -am package -DskipTests`):
    python3 bench/reload-1000.py [--reloads N] [--dur SECONDS] [--conns C] [--backends B] [--servers S]
Defaults: 20 reloads, wrk for 10 s per phase, 50 connections, 10 backends x 100 servers.

On loopback only. One nginx (one worker, four ports) stands for the servers: server i of a backend points at
port i % 4, so servers share ports. Bascule runs 10 frontends, one per backend, each server `check inter 2s`,
and a stats socket at level admin. Then, every phase bounded in time:
  1. warm-up: wrk for 5 s and 5 reloads (the JIT), not reported;
  2. baseline: wrk --latency for DUR seconds, no reload;
  3. reloads: the same wrk run while N reloads are sent, spread over it; each edits a few servers (one added
     to a backend, one removed from another, one weight changed in the backend under load), writes the config
     and sends `reload` on the stats socket, then reads `Last_reload_us` from `show info`: the apply time the
     process measures itself (building the new generation beside the old one, binding, swapping; the parse of
     the files is before it), and `Last_reload_cpu_us`, the CPU time of that span (the wall time also counts
     waiting for a core on a busy machine). The round trip of `reload` (parse, apply, answer) is reported beside it.
Prints the reload times (median, p90, max; each one in WORKDIR/reloads.tsv) and wrk's p99 and req/s with and
without reloads. Everything it
starts is stopped by PID; its files stay in a temp dir, printed at the end.
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BASCULE = os.path.join(HERE, "..", "dist", "target", "bascule", "bin", "bascule")
NGINX_PORTS = 4
LOAD_BACKEND = "b0"


def loopback_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port, proc, seconds=60):
    """Waits until something accepts on port, failing early if proc has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port} after {seconds} s")


def api(sock, command):
    """One runtime API command on a one-shot connection."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(30)
        s.connect(sock)
        s.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


class Servers:
    """The servers of each backend by name, with their weight; edited a little per reload."""

    def __init__(self, backends, per_backend, ports):
        self.ports = ports
        self.backends = {f"b{b}": {f"s{i}": 1 for i in range(per_backend)} for b in range(backends)}
        self.added = 0

    def edit(self, n):
        names = list(self.backends)
        grow = self.backends[names[(n + 1) % len(names)]]
        shrink = self.backends[names[(n + 2) % len(names)]]
        self.added += 1
        # At the ends: servers are numbered by position (their id), so one taken from the middle renumbers the rest.
        grow[f"x{self.added}"] = 1
        shrink.popitem()
        loaded = self.backends[LOAD_BACKEND]
        name = list(loaded)[n % len(loaded)]
        loaded[name] = 3 - loaded[name]

    def config(self, sock, fronts):
        out = [f"global\n    stats socket {sock} mode 600 level admin\n",
               "defaults\n    mode http\n    timeout connect 2s\n    timeout client 10s\n    timeout server 10s\n"]
        for (name, servers), port in zip(self.backends.items(), fronts):
            out.append(f"frontend f{name}\n    bind 127.0.0.1:{port}\n    default_backend {name}\n")
            out.append(f"backend {name}\n")
            for i, (server, weight) in enumerate(servers.items()):
                out.append(f"    server {server} 127.0.0.1:{self.ports[i % len(self.ports)]} weight {weight} "
                           f"check inter 2s\n")
        return "".join(out)


def nginx_conf(work, ports):
    listens = "".join(f"server {{ listen 127.0.0.1:{p} backlog=4096; location / {{ return 200 \"ok\\n\"; }} }}\n"
                      for p in ports)
    return (f"daemon off; master_process off; worker_processes 1; pid {work}/nginx.pid;\n"
            f"error_log {work}/nginx-error.log warn; events {{ worker_connections 4096; }}\n"
            f"http {{ access_log off; keepalive_requests 100000; client_body_temp_path {work}/b; "
            f"proxy_temp_path {work}/p; fastcgi_temp_path {work}/f; uwsgi_temp_path {work}/u; "
            f"scgi_temp_path {work}/s;\n{listens}}}\n")


def wrk(port, seconds, conns, out):
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s", "--latency",
           f"http://127.0.0.1:{port}/"]
    return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)


def wrk_figures(text):
    def ms(value, unit):
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"p99_ms": ms(*p99.groups()) if p99 else float("nan"), "rps": float(rate.group(1)) if rate else 0,
            "errors": (errors.group(1) if errors else "none") + (f", non-2xx {non2xx.group(1)}" if non2xx else "")}


def run_wrk(port, seconds, conns, path):
    with open(path, "w") as out:
        p = wrk(port, seconds, conns, out)
        try:
            p.wait(timeout=seconds + 30)
        finally:
            stop(p)
    with open(path) as f:
        return wrk_figures(f.read())


def stop(p):
    if p is not None and p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


def reload_once(servers, n, cfg, sock, fronts):
    servers.edit(n)
    with open(cfg, "w") as f:
        f.write(servers.config(sock, fronts))
    start = time.monotonic()
    line = api(sock, "reload").strip()
    round_trip_ms = (time.monotonic() - start) * 1000
    if not line.startswith("Reload: "):
        raise SystemExit(f"reload {n} not applied: {line}")
    info = api(sock, "show info")

    def ms(field):
        return int(re.search(rf"^{field}: (\d+)$", info, re.M).group(1)) / 1000

    return ms("Last_reload_us"), ms("Last_reload_cpu_us"), round_trip_ms


def spread(values):
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    return f"median {statistics.median(values):.1f} ms, p90 {p90:.1f} ms, max {values[-1]:.1f} ms"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reloads", type=int, default=20)
    p.add_argument("--dur", type=int, default=10, help="seconds of wrk per phase")
    p.add_argument("--conns", type=int, default=50)
    p.add_argument("--backends", type=int, default=10)
    p.add_argument("--servers", type=int, default=100, help="per backend")
    a = p.parse_args()
    if not (1 <= a.reloads <= 1000 and 1 <= a.dur <= 300):
        p.error("--reloads in 1..1000 and --dur in 1..300 keep the run bounded")
    work = tempfile.mkdtemp(prefix="bascule-reload-")
    sock, cfg = os.path.join(work, "admin.sock"), os.path.join(work, "haproxy.cfg")
    ports = [loopback_port() for _ in range(NGINX_PORTS)]
    fronts = [loopback_port() for _ in range(a.backends)]
    servers = Servers(a.backends, a.servers, ports)
    with open(os.path.join(work, "nginx.conf"), "w") as f:
        f.write(nginx_conf(work, ports))
    with open(cfg, "w") as f:
        f.write(servers.config(sock, fronts))
    nginx = subprocess.Popen(["nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proxy = None
    try:
        for port in ports:
            listening(port, nginx)
        with open(os.path.join(work, "bascule.log"), "w") as log:
            proxy = subprocess.Popen([BASCULE, "-db", "-f", cfg], stdout=subprocess.DEVNULL, stderr=log)
        listening(fronts[0], proxy)
        total = sum(len(s) for s in servers.backends.values())
        print(f"{total} servers in {a.backends} backends, check inter 2s; wrk -t1 -c{a.conns} on backend "
              f"{LOAD_BACKEND}; work dir {work}")

        run_wrk(fronts[0], 5, a.conns, os.path.join(work, "wrk-warmup.txt"))
        for n in range(5):
            reload_once(servers, n, cfg, sock, fronts)

        base = run_wrk(fronts[0], a.dur, a.conns, os.path.join(work, "wrk-baseline.txt"))

        applied, cpu, trips = [], [], []
        with open(os.path.join(work, "wrk-reloads.txt"), "w") as out:
            load = wrk(fronts[0], a.dur, a.conns, out)
            try:
                gap = (a.dur - 2) / a.reloads
                time.sleep(1)
                for n in range(5, 5 + a.reloads):
                    apply_ms, cpu_ms, trip_ms = reload_once(servers, n, cfg, sock, fronts)
                    applied.append(apply_ms)
                    cpu.append(cpu_ms)
                    trips.append(trip_ms)
                    time.sleep(max(0.0, gap - trip_ms / 1000))
                load.wait(timeout=a.dur + 30)
            finally:
                stop(load)
        with open(os.path.join(work, "wrk-reloads.txt")) as f:
            during = wrk_figures(f.read())
        with open(os.path.join(work, "reloads.tsv"), "w") as f:
            f.write("apply_ms\tapply_cpu_ms\tround_trip_ms\n"
                    + "".join(f"{x:.2f}\t{c:.2f}\t{y:.2f}\n" for x, c, y in zip(applied, cpu, trips)))

        total = sum(len(s) for s in servers.backends.values())
        print(f"{a.reloads} reloads ({total} servers at the end), each +1 server, -1 server, 1 weight changed:")
        print(f"  apply (Last_reload_us, in the process): {spread(applied)}")
        print(f"  its CPU time (Last_reload_cpu_us): {spread(cpu)}")
        print(f"  reload command round trip (parse + apply + answer): {spread(trips)}")
        print(f"  wrk without reloads: p99 {base['p99_ms']:.2f} ms, {base['rps']:.0f} req/s, errors {base['errors']}")
        print(f"  wrk with reloads:    p99 {during['p99_ms']:.2f} ms, {during['rps']:.0f} req/s, "
              f"errors {during['errors']}")
    finally:
        stop(proxy)
        stop(nginx)


if __name__ == "__main__":
    main()
