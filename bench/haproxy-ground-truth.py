#!/usr/bin/env python3
"""Capture HAProxy load-balancing ground truth as TSV fixtures for Bascule's tests.

Starts the locally installed haproxy (expected: 2.6) in the foreground (-db) in front of tiny in-process
HTTP backends (one thread-backed http.server per server, each answering its own name), sends sequential
requests on new connections (Connection: close) and records which server answered.

Loopback only. Every loop is bounded in count and time; only processes started here are stopped, by PID.

Usage: python3 bench/haproxy-ground-truth.py [output-dir]
Default output dir: proxy-core/src/test/resources/dev/bascule/core/balance (relative to the repo root).
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    ROOT, "proxy-core", "src", "test", "resources", "dev", "bascule", "core", "balance")
DEADLINE = time.monotonic() + 280  # the whole run must stay under 5 minutes
NAMES = "abcdefgh"
URIS = ["/key/%d" % i for i in range(200)]


def check_deadline():
    if time.monotonic() > DEADLINE:
        raise SystemExit("ground truth run exceeded its time budget")


# ---------------------------------------------------------------- backends

class Handler(BaseHTTPRequestHandler):
    server_version = "gt"

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path == "/sleep":
            ms = int(parse_qs(parts.query).get("ms", ["0"])[0])
            time.sleep(min(max(ms, 0), 5000) / 1000.0)
        body = self.server.name.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Backend(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, name):
        super().__init__(("127.0.0.1", 0), Handler)
        self.name = name
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def stop(self):
        self.shutdown()
        self.server_close()


# ---------------------------------------------------------------- haproxy

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def haproxy_version():
    out = subprocess.run(["haproxy", "-v"], capture_output=True, text=True, timeout=10).stdout
    return out.splitlines()[0].strip()


class HAProxy:
    """One haproxy -db process. A separate 'ready' listener answers readiness probes without touching
    any balanced backend, so the recorded sequences start from HAProxy's pristine state."""

    def __init__(self, body):
        self.port = free_port()
        self.ready_port = free_port()
        cfg = "\n".join([
            "global",
            "    nbthread 1",
            "    maxconn 1000",
            "defaults",
            "    mode http",
            "    timeout connect 5s",
            "    timeout client 10s",
            "    timeout server 10s",
            "    timeout queue 10s",
            "frontend ready",
            "    bind 127.0.0.1:%d" % self.ready_port,
            "    http-request return status 200",
            body.replace("@PORT@", str(self.port)),
            "",
        ])
        fd, self.cfg_path = tempfile.mkstemp(prefix="gt-haproxy-", suffix=".cfg")
        with os.fdopen(fd, "w") as f:
            f.write(cfg)
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(["haproxy", "-db", "-f", self.cfg_path],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self):
        for _ in range(100):  # at most ~5 s
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("haproxy exited: " + self.log.read().decode(errors="replace"))
            try:
                status, _ = http_get(self.ready_port, "/", timeout=1)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("haproxy did not become ready")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()  # by PID (SIGTERM to our own child)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()
        os.unlink(self.cfg_path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def http_get(port, path, headers=None, source=None, timeout=10):
    """One request on a fresh connection; returns (status, body)."""
    src = (source, 0) if source else None
    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=src) as s:
        lines = ["GET %s HTTP/1.1" % path, "Host: gt", "Connection: close"]
        lines += ["%s: %s" % kv for kv in (headers or {}).items()]
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body.decode().strip()


def ask(port, path, **kw):
    check_deadline()
    status, body = http_get(port, path, **kw)
    if status != 200:
        raise RuntimeError("%s -> HTTP %d %s" % (path, status, body[:80]))
    return body


def servers(backends, weights, extra=""):
    return "\n".join("    server %s 127.0.0.1:%d weight %d%s" % (NAMES[i], backends[i].port, w, extra)
                     for i, w in enumerate(weights))


def listen(balance, backends, weights, extra_lines=(), server_extra=""):
    return "\n".join(["listen lb", "    bind 127.0.0.1:@PORT@", "    balance " + balance]
                     + ["    " + l for l in extra_lines] + [servers(backends, weights, server_extra)])


def write_tsv(name, header, rows, version):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        f.write("# produced by bench/haproxy-ground-truth.py with %s\n" % version)
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(str(c) for c in r) + "\n")
    print("wrote %s (%d rows)" % (path, len(rows)))


# ---------------------------------------------------------------- scenarios

RR_WEIGHTS = [(1, 1, 1), (3, 2, 1), (5, 1), (1, 2, 3, 4), (2, 0, 1), (10, 3)]


def sequences(backends, balance):
    rows = []
    for weights in RR_WEIGHTS:
        # a fresh haproxy per weight set, and no request to the balanced proxy before recording
        with HAProxy(listen(balance, backends, weights)) as hp:
            seq = [ask(hp.port, "/") for _ in range(2 * sum(weights))]
        rows.append((":".join(map(str, weights)), ",".join(seq)))
    return rows


def first_scenario(backends):
    sleep_ms, n, gap = 1500, 7, 0.1
    results = [None] * n
    with HAProxy(listen("first", backends, (1, 1, 1), server_extra=" maxconn 2")) as hp:
        def one(i):
            t0 = time.monotonic()
            body = ask(hp.port, "/sleep?ms=%d" % sleep_ms, timeout=15)
            results[i] = (body, time.monotonic() - t0)
        threads = []
        for i in range(n):
            t = threading.Thread(target=one, args=(i,), daemon=True)
            t.start()
            threads.append(t)
            time.sleep(gap)  # launch in a known order, all overlapping
        for t in threads:
            t.join(timeout=20)
    rows = []
    for i, r in enumerate(results):
        if r is None:
            raise RuntimeError("first: request %d did not complete" % (i + 1))
        queued = "yes" if r[1] > 1.5 * sleep_ms / 1000.0 else "no"
        rows.append((i + 1, r[0], queued))
    return rows


HASH_FUNCS = ["sdbm", "djb2", "wt6", "crc32"]
HASH_WEIGHTS = [(1, 1, 1, 1), (1, 2, 3, 4)]


def hash_variants():
    for htype in ("map-based", "consistent"):
        for fn in ["default"] + HASH_FUNCS + [f + " avalanche" for f in HASH_FUNCS]:
            for weights in HASH_WEIGHTS:
                yield htype, fn, weights


def hash_scenarios(backends):
    """All hash variants at once: stateless lookups, one haproxy, one backend per variant chosen by a header."""
    variants = list(hash_variants())
    removal = [("rm4", (1, 1, 1, 1)), ("rm3", (1, 1, 1))]
    parts = ["frontend fe", "    bind 127.0.0.1:@PORT@", "    use_backend %[req.hdr(x-be)]"]
    for i, (htype, fn, weights) in enumerate(variants):
        parts += ["backend v%d" % i, "    balance uri",
                  "    hash-type %s%s" % (htype, "" if fn == "default" else " " + fn),
                  servers(backends, weights)]
    for name, weights in removal:
        parts += ["backend " + name, "    balance uri", "    hash-type consistent sdbm", servers(backends, weights)]
    with HAProxy("\n".join(parts)) as hp:
        rows = {"map-based": [], "consistent": []}
        for i, (htype, fn, weights) in enumerate(variants):
            w = ":".join(map(str, weights))
            for uri in URIS:
                rows[htype].append((htype, fn, w, uri, ask(hp.port, uri, headers={"x-be": "v%d" % i})))
        got = {name: [ask(hp.port, uri, headers={"x-be": name}) for uri in URIS] for name, _ in removal}
    removal_rows = [(uri, got["rm4"][k], got["rm3"][k]) for k, uri in enumerate(URIS)]
    return rows["map-based"], rows["consistent"], removal_rows


def source_scenario(backends):
    rows = []
    with HAProxy(listen("source", backends, (1, 1, 1))) as hp:
        for last in range(2, 22):
            ip = "127.0.0.%d" % last
            first = ask(hp.port, "/", source=ip)
            again = ask(hp.port, "/", source=ip)
            if first != again:
                raise RuntimeError("source hash not stable for " + ip)
            rows.append((ip, first))
    return rows


def main():
    version = haproxy_version()
    print(version)
    os.makedirs(OUT, exist_ok=True)
    backends = [Backend(NAMES[i]) for i in range(4)]
    try:
        write_tsv("roundrobin-sequences.tsv", ("weights", "sequence"), sequences(backends, "roundrobin"), version)
        write_tsv("static-rr-sequences.tsv", ("weights", "sequence"), sequences(backends, "static-rr"), version)
        write_tsv("first-sequences.tsv", ("request", "server", "queued"), first_scenario(backends), version)
        mb, ch, rm = hash_scenarios(backends)
        hdr = ("hash_type", "function", "weights", "uri", "server")
        write_tsv("hash-map-based.tsv", hdr, mb, version)
        write_tsv("hash-consistent.tsv", hdr, ch, version)
        write_tsv("hash-consistent-removal.tsv", ("uri", "server_with_4", "server_with_3"), rm, version)
        write_tsv("source-hash.tsv", ("source_ip", "server"), source_scenario(backends), version)
    finally:
        for b in backends:
            b.stop()


if __name__ == "__main__":
    main()
