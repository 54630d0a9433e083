#!/bin/sh
# keepalived's check of Bascule: asks the proxy itself (its monitor-uri) rather than the process table.
#
#   check_bascule.sh [URL [TIMEOUT]]
#       One probe, for a vrrp_script. Exit 0 when Bascule answers 200 within TIMEOUT seconds (fractions allowed).
#   check_bascule.sh --watch FILE [--every SECONDS] [--fall N] [--rise N] [URL [TIMEOUT]]
#       Probes every SECONDS (default 0.2) for ever and keeps FILE at 1 after FALL (default 2) failed probes in a
#       row (at once when the connection is refused or reset), at 0 after RISE (default 2) good ones: a keepalived
#       track_file, for checks more often than the one second a vrrp_script's interval allows (keepalived 2.2).
#       Started by bascule-watch.service.
#
# URL is the monitor-uri of the frontend that serves the virtual IP, reached on a local bind of that frontend
# (default http://127.0.0.1/bascule-alive); TIMEOUT defaults to 0.5. A probe fails (curl's exit status):
#   7   nothing listens: the process is gone (56, a reset: it is going)
#   28  no answer within TIMEOUT: the process is hung (stopped, swapping, a full heap)
#   22  503: a 'monitor fail' condition holds, e.g. 'monitor fail if { nbsrv(web) lt 1 }': no usable server
# See docs/high-availability.md.
probe() {
    curl --silent --fail --output /dev/null --noproxy '*' --max-time "$timeout" "$url"
}

if [ "$1" != --watch ]; then
    url=${1:-http://127.0.0.1/bascule-alive}
    timeout=${2:-0.5}
    probe
    exit
fi

file=$2
shift 2
every=0.2 fall=2 rise=2
while [ $# -gt 0 ]; do
    case $1 in
        --every) every=$2; shift 2 ;;
        --fall) fall=$2; shift 2 ;;
        --rise) rise=$2; shift 2 ;;
        *) break ;;
    esac
done
url=${1:-http://127.0.0.1/bascule-alive}
timeout=${2:-0.5}
good=0 bad=0 want=
while :; do
    probe
    status=$?
    if [ $status -eq 0 ]; then
        good=$((good + 1)) bad=0
        [ "$good" -ge "$rise" ] && want=0
    else
        # A connection refused (7) or reset (56, a process being torn down) on this host is no hiccup: it fails at
        # once. A timeout (a GC pause?) or a 503 (a server check flapping?) needs FALL in a row.
        bad=$((bad + 1)) good=0
        if [ "$bad" -ge "$fall" ] || [ $status -eq 7 ] || [ $status -eq 56 ]; then
            want=1
        fi
    fi
    # Written when it differs, not only on a change of mind: keepalived's init_file may have overwritten it.
    if [ -n "$want" ] && [ "$(cat "$file" 2>/dev/null)" != "$want" ]; then
        echo "$want" > "$file.tmp" && mv -f "$file.tmp" "$file"
    fi
    sleep "$every"
done
