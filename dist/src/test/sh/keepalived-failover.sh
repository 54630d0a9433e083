#!/usr/bin/env bash
# A Bascule pair behind a keepalived virtual IP, failed over for real and measured.
#
#   keepalived-failover.sh [--variant NAME]... [--scenarios abcd] [--work DIR] [--all] [--split-brain]
#
# Builds, in network namespaces of its own (named bq<pid>*, nothing in the root namespace): a switch namespace holding
# two bridges (front 10.250.1.0/24, back 10.250.2.0/24), two load-balancer nodes (lb1, lb2) on both, a client on the
# front and two web servers (python3) on the back. Each node runs the distribution's bin/bascule on
# keepalived/bascule-vip.cfg and Debian's keepalived on the distribution's keepalived/<variant>/ files, addresses
# rewritten to 10.250.x.y. A client sends one request every 100 ms to the virtual IP 10.250.1.100 while, in turn:
#   a  the MASTER's Bascule is killed (SIGKILL)           b  the MASTER's front link goes down
#   c  the MASTER loses its servers (back link down)      d  the MASTER's Bascule hangs (SIGSTOP)
# After each, the fault is repaired and the pair waits until lb1 holds the address again (or, with nopreempt, stays).
# For each it prints one line:
#   SCENARIO <variant> <letter> <name> ok=N failed=N gap_ms=N resumed=yes|no failover_ms=N moved=yes|no load=L
# failed counts the requests started from one client timeout before the fault on; gap_ms is the longest time
# between two answered requests (or from the fault to the first answer) after the fault; failover_ms the time from
# the fault to the other node's MASTER notification; resumed: 8 of the last 10 requests answered; load: the 1-minute
# load average.
# Exit 0 when every scenario moved the address and resumed service, 1 otherwise, 77 when this machine cannot run it
# (not root, no ip netns, keepalived, curl or python3 missing): the reason is printed.
#
# --variant: vrrp3 (default), vrrp3-unicast, vrrp2, vrrp2-unicast, nopreempt (scenario a only, then checks that the
# address stays where it went). --all: every variant, every scenario. --split-brain: then (alone: only) eight classic
# mistakes (VRRP blocked both ways, multicast filtered one way, auth, virtual_router_id, version and advert_int
# (VRRPv3, VRRPv2) mismatches, a BACKUP with the higher priority), each printed as
# "SPLITBRAIN <case> vip_on=<nodes>" with the log lines that tell.
# Environment: BASCULE_HOME (default dist/target/bascule), SCENARIO_SECONDS (client time per scenario; default 6 for
# VRRPv3, 10 for VRRPv2), WATCH_EVERY (the watcher's probe interval, default 0.2 as bascule-watch.service),
# CLIENT_TIMEOUT (seconds a request may take, default 1).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "${BASCULE_HOME:-$here/../../../target/bascule}" 2>/dev/null && pwd || true)
variants=()
scenarios=abcd
work=
while [ $# -gt 0 ]; do
    case $1 in
        --variant) variants+=("$2"); shift 2 ;;
        --scenarios) scenarios=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --all) variants=(vrrp3 vrrp3-unicast vrrp2 vrrp2-unicast nopreempt); shift ;;
        --split-brain) split=yes; shift ;;
        *) echo "usage: $0 [--variant vrrp3|vrrp3-unicast|vrrp2|vrrp2-unicast|nopreempt]... [--scenarios abcd]" \
               "[--work DIR] [--all] [--split-brain]" >&2
           exit 2 ;;
    esac
done
[ ${#variants[@]} -gt 0 ] || [ -n "${split:-}" ] || variants=(vrrp3)

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, keepalived)"
PATH=$PATH:/usr/sbin:/sbin
for tool in ip keepalived curl python3 flock; do
    command -v "$tool" >/dev/null 2>&1 \
        || skip "$tool is not installed (apt-get install keepalived iproute2 curl python3)"
done
[ -n "$home" ] && [ -x "$home/bin/bascule" ] && [ -d "$home/keepalived" ] \
    || skip "no distribution at ${BASCULE_HOME:-dist/target/bascule} (mvn -B -o -q package -DskipTests)"

P=bq$$
ip netns add "${P}probe" 2>/dev/null \
    || skip "ip netns does not work here (no CAP_SYS_ADMIN, or /run/netns not writable)"
ip netns del "${P}probe"

# One run at a time: concurrent runs would not collide (their namespaces are their own) but would disturb the timings.
exec 9>/tmp/bascule-keepalived-failover.lock
flock -w 300 9 || { echo "another keepalived-failover run holds /tmp/bascule-keepalived-failover.lock"; exit 1; }

work=${work:-$(mktemp -d /tmp/bascule-failover.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
NAMESPACES=("${P}sw" "${P}lb1" "${P}lb2" "${P}cl" "${P}be")
SW=${P}sw CL=${P}cl BE=${P}be
VIP=10.250.1.100
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-1}

log() { echo "[$(date -u +%H:%M:%S.%3N)] $*"; }
now_ms() { date +%s%3N; }

stop_pidfile() {
    local f=$1 pid
    [ -s "$f" ] || return 0
    pid=$(cat "$f")
    kill -CONT "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
}

teardown() {
    local status=$?
    set +e
    for f in "$work"/*/*.pid "$work"/*.pid; do stop_pidfile "$f"; done
    # What is left in our namespaces was started by this run (nothing else can enter them): by PID, then the namespaces.
    for ns in "${NAMESPACES[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    done
    for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
    if [ $status -ne 0 ] && [ $status -ne 77 ]; then
        for f in "$work"/*/keepalived.log "$work"/*/bascule.log; do
            [ -f "$f" ] && { echo "----- $f (last 40 lines)"; tail -n 40 "$f"; }
        done
    fi
    exit $status
}
trap teardown EXIT
trap 'exit 130' INT TERM

# --- the network ---
log "namespaces ${P}*, work directory $work"
for ns in "${NAMESPACES[@]}"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$SW" link add front type bridge
ip -n "$SW" link add back type bridge
ip -n "$SW" link set front up
ip -n "$SW" link set back up
# plug NS IFNAME BRIDGE ADDRESS...: a veth from the namespace to a bridge port in the switch namespace.
plug() {
    local ns=$1 ifname=$2 bridge=$3 port=$4
    shift 4
    ip link add "$ifname" netns "$ns" type veth peer name "$port" netns "$SW"
    ip -n "$SW" link set "$port" master "$bridge" up
    for a in "$@"; do ip -n "$ns" addr add "$a" dev "$ifname"; done
    ip -n "$ns" link set "$ifname" up
}
plug "$CL" eth0 front cl 10.250.1.10/24
plug "$BE" eth0 back be 10.250.2.21/24 10.250.2.22/24
for n in 1 2; do
    plug "${P}lb$n" eth0 front "lb${n}f" "10.250.1.1$n/24"
    plug "${P}lb$n" eth1 back "lb${n}b" "10.250.2.1$n/24"
    # Bascule binds the virtual IP on both nodes, before this one holds it.
    ip netns exec "${P}lb$n" sysctl -q -w net.ipv4.ip_nonlocal_bind=1
done

# --- the web servers: each answers with its name and the address the request came from (which node sent it) ---
cat > "$work/web.py" <<'EOF'
import http.server, sys
name, address = sys.argv[1], sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = ("%s %s\n" % (name, self.client_address[0])).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer((address, 8080), Handler).serve_forever()
EOF
for n in 1 2; do
    ip netns exec "$BE" python3 "$work/web.py" "web$n" "10.250.2.2$n" > "$work/web$n.log" 2>&1 &
    echo $! > "$work/web$n.pid"
done

# --- the client: one request every 100 ms, each on a new connection with CLIENT_TIMEOUT seconds to answer (1 s:
# a loaded machine answers slowly, and slow is not down); one line per request ---
cat > "$work/client.py" <<'EOF'
import socket, sys, threading, time
url_host, seconds, out, limit = sys.argv[1], float(sys.argv[2]), sys.argv[3], float(sys.argv[4])
lines, lock = [], threading.Lock()
def one(start):
    result = "fail"
    try:
        with socket.create_connection((url_host, 80), timeout=limit) as s:
            s.settimeout(max(0.01, limit - (time.time() - start)))
            s.sendall(b"GET / HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            status = head.split(b" ")[1].decode() if head.startswith(b"HTTP/") else "bad"
            result = ("ok " + body.decode().strip()) if status == "200" else "http" + status
    except Exception as e:
        result = "fail " + type(e).__name__
    with lock:
        lines.append("%d %d %s" % (start * 1000, (time.time() - start) * 1000, result))
threads = []
t0 = time.time()
open(out + ".started", "w").close()
for i in range(int(seconds * 10)):
    time.sleep(max(0, t0 + i * 0.1 - time.time()))
    t = threading.Thread(target=one, args=(time.time(),))
    t.start()
    threads.append(t)
for t in threads:
    t.join()
with open(out, "w") as f:
    f.write("\n".join(sorted(lines)) + "\n")
EOF

# summary FILE FAULT_MS: ok, failed, the longest gap between answered requests, and who answered last.
summary() {
    python3 - "$1" "$2" "$CLIENT_TIMEOUT" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
fault, limit = int(sys.argv[2]), int(float(sys.argv[3]) * 1000)
ok = [r for r in rows if r[2] == "ok"]
# The fault's cost: failures of the requests started from one timeout before it (in flight when it struck) on, and
# gaps that end after it; what a loaded machine fails before it is not the failover's.
failed = sum(1 for r in rows if r[2] != "ok" and int(r[0]) >= fault - limit)
answered = [int(r[0]) + int(r[1]) for r in ok]
answered.sort()
gaps = [b - a for a, b in zip(answered, answered[1:]) if b > fault]
# From the fault itself too: a client that started late must not hide the outage.
gaps += [min(t for t in answered if t > fault) - fault] if any(t > fault for t in answered) else []
last = rows[-10:]
after = [r[4] for r in ok if int(r[0]) > fault]
# Resumed: 8 of the last 10 answered (on a loaded machine a request may miss its time for reasons of its own).
print("ok=%d failed=%d gap_ms=%d resumed=%s via_after=%s" % (len(ok), failed, max(gaps) if gaps else -1,
      "yes" if sum(r[2] == "ok" for r in last) >= 8 else "no", after[-1] if after else "none"))
EOF
}

# --- the two nodes ---
node_conf() { # NODE VARIANT: the distribution's files for this node, addresses and paths rewritten for the test
    local n=$1 variant=$2 dir=$work/lb$1 role
    mkdir -p "$dir"
    case $variant in
        nopreempt) [ "$n" = 1 ] && role=node-a || role=node-b ;;
        *) [ "$n" = 1 ] && role=master || role=backup ;;
    esac
    sed -e "s|192\.0\.2\.|10.250.1.|g" -e "s|/opt/bascule|$home|g" \
        -e "s|/var/lib/bascule/vrrp-state|$dir/vrrp-state|" -e "s|/run/bascule/vrrp-health|$dir/vrrp-health|" \
        "$home/keepalived/$variant/$role.conf" > "$dir/keepalived.conf"
    # With VRRPv3's sub-second settings the servers are checked every 200 ms too; VRRPv2 keeps the shipped 1 s.
    local inter=1s
    [ "${variant#vrrp2}" = "$variant" ] && inter=200ms
    sed -e "s|192\.0\.2\.|10.250.1.|g" -e "s|198\.51\.100\.|10.250.2.|g" -e "s|/run/bascule.sock|$dir/bascule.sock|" \
        -e "s|check inter 1s|check inter $inter|" "$home/keepalived/bascule-vip.cfg" > "$dir/bascule.cfg"
}

start_bascule() {
    local n=$1 dir=$work/lb$1
    ip netns exec "${P}lb$n" env JAVA_OPTS="-Xmx96m -XX:TieredStopAtLevel=1" "$home/bin/bascule" -f "$dir/bascule.cfg" \
        >> "$dir/bascule.log" 2>&1 &
    echo $! > "$dir/bascule.pid"
    disown $!   # its SIGKILL is the scenario, not news for the shell
}

# alive NODE: the status the monitor-uri gives on that node (000 when nothing answers).
alive() {
    ip netns exec "${P}lb$1" curl -s -o /dev/null -w '%{http_code}' --max-time 0.5 http://127.0.0.1/bascule-alive \
        || true
}

await() { # SECONDS DESCRIPTION COMMAND...: polls every 100 ms
    local seconds=$1 what=$2
    shift 2
    local end=$(( $(now_ms) + seconds * 1000 ))
    until "$@"; do
        [ "$(now_ms)" -lt "$end" ] || { log "timed out after ${seconds}s waiting for $what"; return 1; }
        sleep 0.1
    done
}
holds_vip() { ip -n "${P}lb$1" -4 addr show dev eth0 | grep -q "inet $VIP/"; }
state_of() { tail -n 1 "$work/lb$1/vrrp-state" 2>/dev/null | awk '{print $4}'; }
is_state() { [ "$(state_of "$1")" = "$2" ]; }
healthy() { [ "$(alive 1)" = 200 ] && [ "$(alive 2)" = 200 ]; }
lb1_master() { holds_vip 1 && ! holds_vip 2 && is_state 1 MASTER && is_state 2 BACKUP; }

start_keepalived() {
    local n=$1 dir=$work/lb$1
    if grep -q vrrp-health "$dir/keepalived.conf"; then
        # What bascule-watch.service runs (Nice=-10 there too): the sub-second check feeding keepalived's track_file.
        ip netns exec "${P}lb$n" nice -n -10 "$home/keepalived/check_bascule.sh" --watch "$dir/vrrp-health" \
            --every "${WATCH_EVERY:-0.2}" --fall 2 --rise 2 http://127.0.0.1/bascule-alive 0.5 > "$dir/watch.log" 2>&1 &
        echo $! > "$dir/watch.pid"
    fi
    ip netns exec "${P}lb$n" keepalived -n -l -D -G -P -f "$dir/keepalived.conf" -p "$dir/keepalived.pid" \
        -r "$dir/vrrp.pid" -c "$dir/checkers.pid" >> "$dir/keepalived.log" 2>&1 &
    echo $! > "$dir/keepalived-main.pid"
}

# master_since NODE FAULT_MS: ms from the fault to that node's MASTER line in its notify file, -1 when none.
master_since() {
    python3 - "$work/lb$1/vrrp-state" "$2" <<'EOF'
import sys, datetime
fault = int(sys.argv[2])
best = -1
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) >= 4 and parts[3] == "MASTER":
        t = datetime.datetime.strptime(parts[0], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        ms = int(t.timestamp() * 1000) - fault
        if ms >= 0 and best < 0:
            best = ms
print(best)
EOF
}

fault() { # NODE LETTER: inject
    case $2 in
        a) kill -9 "$(cat "$work/lb$1/bascule.pid")" ;;
        b) ip -n "${P}lb$1" link set eth0 down ;;
        c) ip -n "${P}lb$1" link set eth1 down ;;
        d) kill -STOP "$(cat "$work/lb$1/bascule.pid")" ;;
    esac
}
repair() { # NODE LETTER
    case $2 in
        a) start_bascule "$1" ;;
        b) ip -n "${P}lb$1" link set eth0 up ;;
        c) ip -n "${P}lb$1" link set eth1 up ;;
        d) kill -CONT "$(cat "$work/lb$1/bascule.pid")" ;;
    esac
}
name_of() {
    case $1 in a) echo kill-9 ;; b) echo front-link-down ;; c) echo servers-unreachable ;; d) echo hung-sigstop ;; esac
}

failures=0
for variant in "${variants[@]}"; do
    [ -d "$home/keepalived/$variant" ] || { echo "no keepalived/$variant in $home"; exit 2; }
    case $variant in vrrp2*) seconds=${SCENARIO_SECONDS:-10} ;; *) seconds=${SCENARIO_SECONDS:-6} ;; esac
    log "variant $variant"
    for n in 1 2; do
        node_conf "$n" "$variant"
        # keepalived 2.2.7's -t kills itself (SIGTERM) on a script_user other than root: the test checks a copy
        # that says root; the daemon itself runs the file as shipped.
        sed 's|script_user nobody|script_user root|' "$work/lb$n/keepalived.conf" > "$work/lb$n/keepalived-t.conf"
        ip netns exec "${P}lb$n" keepalived -t -f "$work/lb$n/keepalived-t.conf" > "$work/lb$n/keepalived-t.log" 2>&1 \
            || { cat "$work/lb$n/keepalived-t.log"; echo "keepalived -t refuses $variant for lb$n"; exit 1; }
        stop_pidfile "$work/lb$n/bascule.pid"
        start_bascule "$n"
    done
    await 60 "both nodes' Bascule to answer the monitor-uri" healthy
    if [ "$variant" = nopreempt ]; then
        # Both start as BACKUP and neither preempts: the first healthy node takes the address. lb1 first, then lb2.
        start_keepalived 1
        await 20 "lb1 to become MASTER" holds_vip 1
        start_keepalived 2
        await 20 "lb1 to be MASTER and lb2 BACKUP" lb1_master
    else
        for n in 1 2; do start_keepalived "$n"; done
        await 20 "lb1 to be MASTER and lb2 BACKUP" lb1_master
    fi
    log "lb1 holds $VIP"
    letters=$scenarios
    [ "$variant" = nopreempt ] && letters=a
    for (( i = 0; i < ${#letters}; i++ )); do
        letter=${letters:i:1}
        name=$(name_of "$letter")
        out=$work/$variant-$letter.requests
        ip netns exec "$CL" python3 "$work/client.py" "$VIP" "$seconds" "$out" "$CLIENT_TIMEOUT" &
        client=$!
        echo $client > "$work/client.pid"
        # The fault 1.5 s into the client's requests (a loaded machine may take a second to start python).
        await 10 "the client's first request" test -e "$out.started"
        sleep 1.5
        t_fault=$(now_ms)
        log "$variant $letter: $name on lb1"
        fault 1 "$letter"
        wait "$client"
        rm -f "$work/client.pid"
        echo "$t_fault" > "$out.fault"
        s=$(summary "$out" "$t_fault")
        failover=$(master_since 2 "$t_fault")
        moved=no
        holds_vip 2 && [[ $s == *"via_after=10.250.2.12"* ]] && moved=yes
        line="SCENARIO $variant $letter $name ${s% via_after=*} failover_ms=$failover moved=$moved"
        line="$line load=$(cut -d' ' -f1 /proc/loadavg)"
        echo "$line"
        [[ $line == *"moved=yes"* && $line == *"resumed=yes"* ]] || failures=$((failures + 1))
        repair 1 "$letter"
        if [ "$variant" = nopreempt ]; then
            await 60 "lb1's Bascule back" healthy
            sleep 2
            if holds_vip 2 && ! holds_vip 1; then
                echo "NOPREEMPT stays=yes: lb1 recovered and lb2 kept $VIP"
            else
                echo "NOPREEMPT stays=no"
                failures=$((failures + 1))
            fi
        else
            await 60 "lb1's Bascule back" healthy
            await 30 "lb1 to take $VIP back" lb1_master
        fi
    done
    for n in 1 2; do
        stop_pidfile "$work/lb$n/keepalived.pid"
        stop_pidfile "$work/lb$n/keepalived-main.pid"
        stop_pidfile "$work/lb$n/watch.pid"
    done
    for n in 1 2; do rm -f "$work/lb$n/vrrp-state"; done
done
# --- split brain: what each classic mistake does, and what keepalived logs for it ---
# split_case NAME VARIANT1 VARIANT2 SED-FOR-LB2 [SWITCH-PORTS]: lb1 and lb2 on those files, lb2's edited, the switch
# flooding no multicast to those ports (a filtering switch; a firewall dropping VRRP looks the same); after 8 s, who
# holds the address, and the lines of both logs that tell.
split_case() {
    local name=$1 v1=$2 v2=$3 edit=$4 ports=${5:-} port
    node_conf 1 "$v1"
    node_conf 2 "$v2"
    sed -i -e "$edit" "$work/lb2/keepalived.conf"
    for n in 1 2; do
        [ -s "$work/lb$n/bascule.pid" ] || start_bascule "$n"
    done
    await 60 "both nodes' Bascule to answer the monitor-uri" healthy
    for port in $ports; do ip netns exec "$SW" bridge link set dev "$port" mcast_flood off; done
    for n in 1 2; do
        rm -f "$work/lb$n/keepalived.log"
        start_keepalived "$n"
    done
    # Long enough for a VRRPv2 BACKUP with advert_int 2 to give up on the MASTER (3 adverts and a skew).
    sleep 8
    local on=
    for n in 1 2; do holds_vip "$n" && on="$on,lb$n"; done
    on=${on#,}
    echo "SPLITBRAIN $name vip_on=${on:-none}"
    # The logs as they were before the stop: the stop of one node makes the other MASTER.
    for n in 1 2; do head -n "$(wc -l < "$work/lb$n/keepalived.log")" "$work/lb$n/keepalived.log" \
        > "$work/lb$n/keepalived-$name.log"; done
    for n in 1 2; do
        stop_pidfile "$work/lb$n/keepalived.pid"
        stop_pidfile "$work/lb$n/keepalived-main.pid"
        stop_pidfile "$work/lb$n/watch.pid"
        rm -f "$work/lb$n/keepalived.log" "$work/lb$n/vrrp-state"
    done
    for n in 1 2; do
        grep -iE "mismatch|invalid|wrong|ignor|discard|passw|version|Entering MASTER|timeout|forcing|VRID|prio" \
            "$work/lb$n/keepalived-$name.log" | grep -v "NOTICE\|sent 0 priority" | sed 's/^.*2[0-9][0-9][0-9]: //' \
            | sort | uniq -c | sort -rn | head -6 | sed "s/^/  lb$n /" || true
    done
    for port in $ports; do ip netns exec "$SW" bridge link set dev "$port" mcast_flood on; done
}
if [ -n "${split:-}" ]; then
    split_case vrrp-blocked vrrp3 vrrp3 's|^$||' "lb1f lb2f"
    split_case multicast-filtered-to-lb2 vrrp3 vrrp3 's|^$||' lb2f
    split_case auth-mismatch vrrp2 vrrp2 's|auth_pass b4scule1|auth_pass other123|'
    split_case vrid-mismatch vrrp3 vrrp3 's|virtual_router_id 51|virtual_router_id 52|'
    split_case version-mismatch vrrp3 vrrp2 's|^$||'
    split_case advert-int-mismatch-v3 vrrp3 vrrp3 's|advert_int 0.1|advert_int 1|'
    split_case advert-int-mismatch-v2 vrrp2 vrrp2 's|advert_int 1|advert_int 2|'
    split_case backup-priority-higher vrrp3 vrrp3 's|priority 100|priority 200|'
fi
echo "RESULT failures=$failures work=$work"
[ $failures -eq 0 ]
