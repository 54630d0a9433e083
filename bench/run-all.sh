#!/usr/bin/env bash
# Every figure of docs/performance.md in one go, from the project root, after `mvn -B -DskipTests package`:
#   bash bench/run-all.sh            (about 6 minutes; loopback only; every step bounded in time)
# 1. side by side with a reference HAProxy: python3 bench/compare.py (needs wrk, nginx, haproxy, curl and
#    taskset, from Debian's packages wrk nginx haproxy curl util-linux), all scenarios of the performance
#    issue, Bascule with bench/compare.cfg; COMPARE=path/to/compare.sh (or another .py) runs another harness
#    of the same protocol instead, e.g. COMPARE=../shared/bench/compare.sh;
# 2. direct nginx (the ceiling), 3. memory per idle proxied connection beside HAProxy, 4. startup time.
# Numbers go to stdout; copy them into docs/performance.md with the date.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[ -x dist/target/bascule/bin/bascule ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
compare=${COMPARE:-$root/bench/compare.py}
[ -f "$compare" ] || { echo "no harness at $compare (COMPARE)" >&2; exit 2; }
case $compare in *.py) run=python3 ;; *) run=bash ;; esac
SCENARIOS=${SCENARIOS:-"ka50 ka500 tcp50 tcp500 close50 16k50"} PIN=${PIN:-1} \
    PROXY_CMD="exec $root/dist/target/bascule/bin/bascule -db -f $root/bench/compare.cfg" $run "$compare"
python3 bench/direct-nginx.py 5s 3
python3 bench/idle-conns.py 9900 8
python3 bench/startup.py 5
