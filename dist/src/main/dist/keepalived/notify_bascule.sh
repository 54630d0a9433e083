#!/bin/sh
# keepalived's notify script for a Bascule pair: one line per VRRP state change, to syslog and to a state file.
#
#   notify "/opt/bascule/keepalived/notify_bascule.sh /var/lib/bascule/vrrp-state"
#
# keepalived appends its four arguments: INSTANCE|GROUP, the instance's name, MASTER|BACKUP|FAULT|STOP, the priority.
# The state file keeps the history ("2026-12-02T21:03:07.123Z INSTANCE VI_BASCULE MASTER 150"), its last line the
# current state. Bascule itself needs nothing here: with net.ipv4.ip_nonlocal_bind=1 it listens on the virtual IP
# on both nodes, whichever holds it.
file=$1
shift
line="$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ 2>/dev/null || date -u) $*"
if [ -n "$file" ]; then
    echo "$line" >> "$file"
fi
command -v logger >/dev/null 2>&1 && logger -t bascule-vrrp "$*"
exit 0
