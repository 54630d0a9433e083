#!/usr/bin/env python3
"""Time from starting bin/bascule to its first accepted connection, over a few runs.

Usage (from the project root, after `mvn -B -DskipTests package`):  python3 bench/startup.py [RUNS]
Loopback only; each run is bounded to 30 s; the processes it starts are stopped by PID.
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
BASCULE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dist", "target", "bascule", "bin", "bascule")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as cfg:
        cfg.write(f"""defaults
    mode tcp
    timeout connect 1s
    timeout client 10s
    timeout server 10s
listen startup
    bind 127.0.0.1:{port}
    server s1 127.0.0.1:{free_port()}
""")
    times = []
    try:
        for _ in range(RUNS):
            start = time.monotonic()
            proc = subprocess.Popen([BASCULE, "-db", "-f", cfg.name], stderr=subprocess.DEVNULL)
            try:
                while True:
                    if time.monotonic() - start > 30:
                        raise SystemExit("bascule did not accept a connection within 30 s")
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=0.05).close()
                        break
                    except OSError:
                        time.sleep(0.005)
                times.append((time.monotonic() - start) * 1000)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    finally:
        os.unlink(cfg.name)
    print("first accepted connection after start (ms):", [round(t) for t in times],
          "median", round(statistics.median(times)))


if __name__ == "__main__":
    main()
