#!/usr/bin/env python3
"""What 1,000 servers checked every second cost Bascule: CPU time and memory of the proxy process.

Usage (from the project root, after `mvn -B -DskipTests package`):
    python3 bench/checks-cost.py [SERVERS] [SECONDS] [tcp|http]
Starts one nginx on loopback (its own prefix in a temp dir) that all servers point at, and bascule with one
backend of SERVERS servers, `check inter 1s`. After a 5 s warm-up it samples the proxy's CPU time
(/proc/PID/stat) and RSS over SECONDS. Everything it starts is stopped by PID; bounded in time.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BASCULE = os.path.join(HERE, "..", "dist", "target", "bascule", "bin", "bascule")
CLK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"process exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def main():
    servers = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    kind = sys.argv[3] if len(sys.argv) > 3 else "tcp"
    work = tempfile.mkdtemp(prefix="bascule-checks-")
    web, front = free_port(), free_port()
    os.makedirs(os.path.join(work, "logs"))
    with open(os.path.join(work, "nginx.conf"), "w") as f:
        f.write(f"""daemon off; master_process off; worker_processes 1; pid {work}/nginx.pid;
error_log {work}/logs/error.log warn; events {{ worker_connections 4096; }}
http {{ access_log off; client_body_temp_path {work}/b; proxy_temp_path {work}/p; fastcgi_temp_path {work}/f;
uwsgi_temp_path {work}/u; scgi_temp_path {work}/s;
server {{ listen 127.0.0.1:{web} backlog=4096; location / {{ return 200 "ok\\n"; }} }} }}
""")
    with open(os.path.join(work, "haproxy.cfg"), "w") as f:
        f.write("defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 10s\n    timeout server 10s\n")
        f.write(f"listen front\n    bind 127.0.0.1:{front}\n")
        if kind == "http":
            f.write("    option httpchk GET /\n")
        for i in range(servers):
            f.write(f"    server s{i} 127.0.0.1:{web} check inter 1s\n")
    nginx = subprocess.Popen(["nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proxy = None
    try:
        wait_port(web, nginx)
        proxy = subprocess.Popen([BASCULE, "-db", "-f", os.path.join(work, "haproxy.cfg")],
                                 stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "bascule.log"), "w"))
        wait_port(front, proxy)
        time.sleep(5)
        c0, t0 = cpu_seconds(proxy.pid), time.monotonic()
        time.sleep(seconds)
        c1, t1 = cpu_seconds(proxy.pid), time.monotonic()
        down = sum(1 for line in open(os.path.join(work, "bascule.log")) if " is DOWN" in line)
        print(f"{servers} servers, {kind} checks every 1 s, {seconds} s: proxy CPU {100 * (c1 - c0) / (t1 - t0):.1f}% "
              f"of one core, RSS {rss_mb(proxy.pid):.0f} MB, servers marked DOWN: {down}")
    finally:
        for p in (proxy, nginx):
            if p is not None:
                p.terminate()
                p.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
