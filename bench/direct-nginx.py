#!/usr/bin/env python3
"""The "direct" column of docs/performance.md: wrk straight at one nginx, as bench/compare.py (and ../shared/bench/compare.sh) run it.

Same nginx settings, files and pinning as compare.sh (PIN=1: nginx on CPU 0, wrk -t1 on CPU 1), no proxy in
between: the ceiling both proxies are measured against. Scenarios ka50 ka500 close50 16k50 (the tcp ones go to
the same nginx, so their direct figure is ka50's / ka500's).

Usage: python3 bench/direct-nginx.py [DURATION=5s] [REPS=3]
Loopback only; every run is bounded by wrk's duration; the nginx it starts is stopped by PID.
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

DUR = sys.argv[1] if len(sys.argv) > 1 else "5s"
REPS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SCENARIOS = {"ka50": (50, "/small.txt", []), "ka500": (500, "/small.txt", []),
             "close50": (50, "/small.txt", ["-H", "Connection: close"]), "16k50": (50, "/16k.bin", [])}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(port, conns, path, extra):
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-c{conns}", f"-d{DUR}", "--latency", *extra,
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=120).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return rps, float(p99.group(1)) * scale


def main():
    for tool in ("nginx", "wrk", "taskset"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (apt-get install nginx wrk util-linux)")
    work = tempfile.mkdtemp(prefix="bascule-direct-")
    os.makedirs(f"{work}/www")
    with open(f"{work}/www/small.txt", "w") as f:
        f.write("x" * 99 + "\n")
    with open(f"{work}/www/16k.bin", "w") as f:
        f.write("y" * 16383 + "\n")
    port = free_port()
    with open(f"{work}/nginx.conf", "w") as f:
        f.write(f"""daemon off; worker_processes 1; worker_rlimit_nofile 20000;
pid {work}/nginx.pid; error_log {work}/error.log warn;
events {{ worker_connections 9000; use epoll; }}
http {{
  access_log off; default_type text/plain; types {{ }}
  sendfile on; tcp_nopush on; tcp_nodelay on; server_tokens off; etag off;
  keepalive_timeout 120s; keepalive_requests 100000000; client_body_temp_path {work}/cb;
  server {{ listen 127.0.0.1:{port} backlog=4096; root {work}/www; location / {{ }} }}
}}
""")
    nginx = subprocess.Popen(["taskset", "-c", "0", "nginx", "-c", f"{work}/nginx.conf", "-p", work],
                             stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        wrk(port, 50, "/small.txt", [])  # warm-up
        print(f"direct nginx, wrk -t1 on CPU 1, nginx on CPU 0, {REPS} x {DUR}, medians")
        print("scenario    req/s      p99")
        for name, (conns, path, extra) in SCENARIOS.items():
            runs = [wrk(port, conns, path, extra) for _ in range(REPS)]
            print(f"{name:8s} {statistics.median(r[0] for r in runs):9.0f} {statistics.median(r[1] for r in runs):8.2f}ms",
                  flush=True)
    finally:
        nginx.terminate()
        nginx.wait(20)


if __name__ == "__main__":
    main()
