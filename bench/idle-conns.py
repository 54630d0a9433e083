#!/usr/bin/env python3
"""Memory per idle proxied connection, Bascule beside HAProxy, measured as ../shared/bench/idle-conns.py does;
with --slow-read, memory per slow reader instead.

Starts one nginx backend (it holds the connections it never gets a request on), then, one after the other,
a reference HAProxy and Bascule in mode tcp in front of it, opens N idle connections through each, and prints
RSS per connection: VmRSS 2 s after the last connect minus VmRSS before the first. For Bascule it then adds the
live heap per connection (full GCs read with jcmd before the connections and after the RSS reading, so they
cannot move it). Each proxy holds N client sockets plus N server sockets.

--slow-read: both proxies in mode http; each client asks for a 4 MiB file with a 4 KiB receive buffer and never
reads, as a slow-read attack does: what each proxy then holds per connection is what it buffers for a client
that does not read (HAProxy: its buffers of tune.bufsize).

--http-keepalive: both proxies in mode http (keep-alive, http-reuse safe: the defaults); N clients each make one
request (100 at a time), read the response and stay connected, idle, as browsers keep their connections. Printed
per proxy, 2 s after the last response and again at the end of the hold: RSS per client, and how many server
connections the proxy keeps open meanwhile (`ss -tn` towards the backend's port): those it keeps idle for reuse.
HAProxy keeps only what its estimate of the connections needed allows and purges the rest every
pool-purge-delay (5 s), half the excess at a time; hold 30 s or more to see the purge.

Usage (from the project root, after `mvn -B -DskipTests package`):
    python3 bench/idle-conns.py [--slow-read | --http-keepalive] [N=9900] [HOLD_SECONDS=8] [-- JVM options]
    python3 bench/idle-conns.py --http-keepalive 9900 30 -- -Dbascule.transport=epoll
    BASCULE_BIN=/path/to/other/dist/target/bascule/bin/bascule python3 bench/idle-conns.py ...
Loopback only; every wait is bounded; the processes it starts are stopped by PID.
N needs 2N+100 file descriptors in the proxy: 9,900 fits the 20,000 hard limit of these machines (HAProxy counts
two a connection: its maxconn of N+50 needs 20,117 descriptors at N=10,000, past that limit).
"""
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# BASCULE_BIN: another build's launcher (a build before a change, say) instead of this tree's.
BASCULE = os.environ.get("BASCULE_BIN") or os.path.join(ROOT, "dist", "target", "bascule", "bin", "bascule")
args = sys.argv[1:]
jvm = args[args.index("--") + 1:] if "--" in args else []
args = args[:args.index("--")] if "--" in args else args
SLOW_READ = "--slow-read" in args
KEEPALIVE = "--http-keepalive" in args
args = [a for a in args if a not in ("--slow-read", "--http-keepalive")]
# Clients whose requests are in flight at once (--http-keepalive): a browser-like arrival, not one at a time.
BATCH = 100
REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
N = int(args[0]) if args else 9900
HOLD = float(args[1]) if len(args) > 1 else 8


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port} after {seconds}s")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def heap_used_kb(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=30)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=30).stdout
    # The heap's generations (one line for G1, young and old for Serial/Parallel), not Metaspace.
    used = [int(m.group(1)) for line in out.splitlines() if not line.strip().startswith(("Metaspace", "class space"))
            for m in [re.search(r"used (\d+)K", line)] if m]
    return sum(used) if used else -1


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def still_open(socks):
    """How many of a sample of the connections have no EOF or error pending: the proxy kept them."""
    alive = 0
    for s in socks[::max(1, len(socks) // 200)]:
        s.setblocking(False)
        try:
            alive += 0 if s.recv(1) == b"" else 1
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    return alive


def server_connections(backend):
    """Established connections towards the backend's port: the proxy's server side (nginx's ends have it as source)."""
    out = subprocess.run(["ss", "-Htn", "state", "established", "dport", "=", f":{backend}"],
                         capture_output=True, text=True, timeout=30).stdout
    return sum(1 for line in out.splitlines() if line.strip())


def response_read(s):
    """Reads one whole response (the backend's is Content-Length framed); False if it did not come."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        return False
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    length = int(m.group(1)) if m else 0
    while len(body) < length:
        chunk = s.recv(4096)
        if not chunk:
            return False
        body += chunk
    return True


def keepalive_clients(port, socks, deadline):
    """N clients, BATCH at a time: connect, one request, its response read; they stay open and idle."""
    answered = 0
    while len(socks) < N and time.time() < deadline:
        batch = []
        for _ in range(min(BATCH, N - len(socks))):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(("127.0.0.1", port))
            s.sendall(REQUEST)
            batch.append(s)
        socks.extend(batch)
        answered += sum(1 for s in batch if response_read(s))
    return answered


def measure(name, cmd, port, work, java, backend):
    log = open(os.path.join(work, name + ".log"), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    socks = []
    try:
        wait_listening(port, proc)
        time.sleep(1)
        heap_before = heap_used_kb(proc.pid) if java else None
        before = rss_kb(proc.pid)
        deadline = time.time() + 120
        answered = keepalive_clients(port, socks, deadline) if KEEPALIVE else 0
        for _ in range(0 if KEEPALIVE else N):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(5)
            if SLOW_READ:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", port))
            if SLOW_READ:
                s.sendall(b"GET /big HTTP/1.1\r\nHost: bench\r\n\r\n")
            socks.append(s)
            if time.time() > deadline:
                break
        time.sleep(min(2.0, HOLD))  # the proxy accepts and connects to the backend meanwhile
        during = rss_kb(proc.pid)
        servers_during = server_connections(backend)
        heap_during = heap_used_kb(proc.pid) if java else None
        time.sleep(max(0.0, HOLD - 2.0))
        alive = still_open(socks)
        per_conn = (during - before) / max(1, len(socks))
        if KEEPALIVE:
            after = rss_kb(proc.pid)
            line = (f"{name:8s} {len(socks)} clients, {answered} answered, alive-sample {alive}  RSS before {before} KB"
                    f"  at 2 s {during} KB ({per_conn:.2f} KB per client, {servers_during} server connections)"
                    f"  at {HOLD:.0f} s {after} KB ({(after - before) / max(1, len(socks)):.2f} KB per client, "
                    f"{server_connections(backend)} server connections)")
        else:
            line = (f"{name:8s} opened {len(socks)} alive-sample {alive}  RSS before {before} KB"
                    f"  during {during} KB  ->  {per_conn:.2f} KB per connection")
        if java and heap_before > 0 and heap_during > 0:
            line += f"  (live heap {(heap_during - heap_before) / max(1, len(socks)):.2f} KB per connection)"
        print(line, flush=True)
    finally:
        for s in socks:
            s.close()
        stop(proc)
        log.close()


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < N + 100:
        raise SystemExit(f"{N} connections need {N + 100} file descriptors; the hard limit here is {hard}")
    for tool in ("nginx", "haproxy", "jcmd", "ss"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (apt-get install nginx haproxy; jcmd comes with the JDK)")
    work = tempfile.mkdtemp(prefix="bascule-idle-")
    backend, ref, cand = free_port(), free_port(), free_port()
    os.makedirs(os.path.join(work, "logs"))
    with open(os.path.join(work, "nginx.conf"), "w") as f:
        f.write(f"""daemon off; master_process off; worker_processes 1; worker_rlimit_nofile 20000;
pid {work}/nginx.pid; error_log {work}/logs/error.log warn;
events {{ worker_connections 12000; }}
http {{ access_log off; client_header_timeout 300s; client_body_temp_path {work}/tmp;
  server {{ listen 127.0.0.1:{backend} backlog=16384; root {work}/www; location / {{ return 200 "ok\\n"; }}
    location = /big {{ }} }} }}
""")
    os.makedirs(os.path.join(work, "www"))
    with open(os.path.join(work, "www", "big"), "wb") as f:
        f.write(os.urandom(4 << 20))
    # maxconn a little above N: HAProxy wants 2 descriptors per connection and stays under the hard limit.
    proxy_cfg = """global
    maxconn {maxconn}
{global_extra}defaults
    mode {mode}
    timeout connect 5s
    timeout client 300s
    timeout server 300s
    timeout http-keep-alive 300s
    maxconn {maxconn}
listen idle
    bind 127.0.0.1:{port}
    server b 127.0.0.1:{backend}
"""
    for name, port in (("haproxy", ref), ("bascule", cand)):
        # HAProxy reserves two descriptors a connection: past the hard limit it would refuse to start (strict-limits)
        # although the idle keep-alive clients hold one each.
        extra = "    no strict-limits\n" if name == "haproxy" and KEEPALIVE else ""
        with open(os.path.join(work, name + ".cfg"), "w") as f:
            f.write(proxy_cfg.format(port=port, backend=backend, maxconn=N + 50, global_extra=extra,
                                     mode="http" if SLOW_READ or KEEPALIVE else "tcp"))
    nginx = subprocess.Popen(["nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work],
                             stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_listening(backend, nginx)
        what = ("slow readers of a 4 MiB file (mode http)" if SLOW_READ else
                "idle keep-alive HTTP clients after one request each (mode http)" if KEEPALIVE else
                "idle connections (mode tcp)")
        print(f"{N} {what} held {HOLD:.0f}s through each proxy; work dir {work}", flush=True)
        measure("haproxy", ["haproxy", "-db", "-f", os.path.join(work, "haproxy.cfg")], ref, work, False, backend)
        env_cmd = ["env", "JAVA_OPTS=" + " ".join(jvm), BASCULE, "-db", "-f", os.path.join(work, "bascule.cfg")]
        measure("bascule", env_cmd, cand, work, True, backend)
    finally:
        stop(nginx)


if __name__ == "__main__":
    main()
