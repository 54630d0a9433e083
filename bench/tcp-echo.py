#!/usr/bin/env python3
"""TCP throughput: a 100 MB echo straight to an echo server, then through bin/bascule, side by side.

Usage (from the project root, after `mvn -B -DskipTests package`):
    python3 bench/tcp-echo.py [RUNS] [-- extra bascule flags, e.g. -de for NIO]
Loopback only; every transfer is bounded (100 MB, 60 s timeout); the processes it starts are stopped by PID.
The echo server is this script run as `tcp-echo.py serve PORT` in its own process.
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SIZE = 100 * 1024 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))
BASCULE = os.path.join(HERE, "..", "dist", "target", "bascule", "bin", "bascule")


def serve(port):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)

    def echo(conn):
        with conn:
            while True:
                data = conn.recv(1 << 20)
                if not data:
                    return
                conn.sendall(data)

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=echo, args=(conn,), daemon=True).start()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"process exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"nothing listens on {port} after 30 s")


def one_transfer(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(60)
    start = time.monotonic()

    def write():
        chunk = b"x" * 65536
        for _ in range(SIZE // len(chunk)):
            sock.sendall(chunk)
        sock.shutdown(socket.SHUT_WR)

    writer = threading.Thread(target=write)
    writer.start()
    received = 0
    while True:
        data = sock.recv(1 << 20)
        if not data:
            break
        received += len(data)
    writer.join()
    sock.close()
    if received != SIZE:
        raise SystemExit(f"received {received} bytes of {SIZE}")
    return SIZE / 1048576 / (time.monotonic() - start)


def measure(label, port, runs):
    rates = sorted(one_transfer(port) for _ in range(runs))
    print(f"{label:>14}: 100 MB echo, MB/s each way over {runs} runs: "
          f"min {rates[0]:.0f}  median {statistics.median(rates):.0f}  max {rates[-1]:.0f}")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
        return
    args = sys.argv[1:]
    extra = args[args.index("--") + 1:] if "--" in args else []
    runs = int(args[0]) if args and args[0] != "--" else 5
    echo_port, proxy_port = free_port(), free_port()
    echo = subprocess.Popen([sys.executable, os.path.abspath(__file__), "serve", str(echo_port)])
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as cfg:
        cfg.write(f"""defaults
    mode tcp
    timeout connect 1s
    timeout client 60s
    timeout server 60s
listen echo
    bind 127.0.0.1:{proxy_port}
    server e1 127.0.0.1:{echo_port}
""")
    proxy = subprocess.Popen([BASCULE, "-db", "-f", cfg.name, *extra], stderr=subprocess.DEVNULL)
    try:
        wait_listening(echo_port, echo)
        wait_listening(proxy_port, proxy)
        one_transfer(proxy_port)  # warm the JIT
        measure("direct", echo_port, runs)
        measure("through proxy", proxy_port, runs)
    finally:
        proxy.terminate()
        echo.terminate()
        proxy.wait(timeout=30)
        echo.wait(timeout=30)
        os.unlink(cfg.name)


if __name__ == "__main__":
    main()
