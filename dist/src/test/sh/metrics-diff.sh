#!/bin/sh
# The same config (a frontend, a backend of two checked servers, the exporter on /metrics) and the same requests
# through HAProxy 2.6 and Bascule; prints how their exporters differ (PromScrape: names, types, help, labels).
# Needs haproxy, nginx, curl and the packaged dist/target/bascule (mvn -B -o -q -pl dist -am package -DskipTests).
# Loopback only; every process it starts is stopped by its PID. Usage: dist/src/test/sh/metrics-diff.sh [workdir]
set -eu
here=$(cd "$(dirname "$0")/../../.." && pwd)            # dist/
work=${1:-$(mktemp -d /tmp/metrics-diff.XXXXXX)}
mkdir -p "$work/nginx/logs"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
s1=$(port); s2=$(port); hfe=$(port); hprom=$(port); bfe=$(port); bprom=$(port)
cat > "$work/nginx/nginx.conf" <<NGINX
daemon off; master_process off; worker_processes 1; pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 256; }
http { access_log off; client_body_temp_path $work/nginx/b; proxy_temp_path $work/nginx/p;
  fastcgi_temp_path $work/nginx/f; uwsgi_temp_path $work/nginx/u; scgi_temp_path $work/nginx/s;
  server { listen 127.0.0.1:$s1; location / { return 200 "s1\n"; } }
  server { listen 127.0.0.1:$s2; location / { return 200 "s2\n"; } } }
NGINX
config() { # $1 frontend port, $2 exporter port
cat <<CFG
global
    maxconn 1000
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend www
    bind 127.0.0.1:$1
    maxconn 100
    default_backend app
frontend prometheus
    bind 127.0.0.1:$2
    http-request use-service prometheus-exporter if { path /metrics }
    stats uri /stats
backend app
    option httpchk GET /
    server s1 127.0.0.1:$s1 check inter 500
    server s2 127.0.0.1:$s2 check inter 500
CFG
}
config "$hfe" "$hprom" > "$work/haproxy.cfg"
config "$bfe" "$bprom" > "$work/bascule.cfg"
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" & ngx=$!
haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 & hap=$!
"$here/target/bascule/bin/bascule" -db -f "$work/bascule.cfg" > "$work/bascule.log" 2>&1 & bas=$!
trap 'kill $ngx $hap $bas 2>/dev/null || true' EXIT
for i in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$hfe/" && curl -s -o /dev/null "http://127.0.0.1:$bfe/" && break
    sleep 0.2
done
sleep 1.2   # a check round on both
for p in "$hfe" "$bfe"; do
    for path in / /a /b /c; do curl -s -o /dev/null "http://127.0.0.1:$p$path"; done
done
curl -s "http://127.0.0.1:$hprom/metrics" > "$work/haproxy-metrics.txt"
curl -s "http://127.0.0.1:$bprom/metrics" > "$work/bascule-metrics.txt"
curl -s "http://127.0.0.1:$hprom/stats;csv" > "$work/haproxy.csv"
curl -s "http://127.0.0.1:$bprom/stats;csv" > "$work/bascule.csv"
java "$here/src/test/java/dev/bascule/dist/PromScrape.java" "$work/haproxy-metrics.txt" "$work/bascule-metrics.txt"
echo "scrapes and CSVs in $work"
