#!/usr/bin/env bash
# A throw-away nginx in front of several elevated instances, for the tests and bench/ (the
# production example is packaging/nginx/elevated.conf).
#   scripts/nginx-proxy.sh start DIR PORT UPSTREAM_PORT...   listen on 127.0.0.1:PORT, spread
#                                                            requests over 127.0.0.1:UPSTREAM_PORT...
#   scripts/nginx-proxy.sh stop DIR
# Everything nginx writes stays in DIR. As root the worker runs as the unprivileged elevate-pg
# user (created by scripts/pg-test-cluster.sh, or here), and listens on a high port.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    sed -n '2,8p' "$0"
    exit 2
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$nginx" ]; then
    echo "nginx-proxy: no nginx (Debian: nginx)" >&2
    exit 1
fi

case "$cmd" in
start)
    port=${3:?port}
    shift 3
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    user_line=""
    if [ "$(id -u)" -eq 0 ]; then
        if ! id elevate-pg >/dev/null 2>&1; then
            useradd --system --no-create-home --shell /usr/sbin/nologin elevate-pg
        fi
        user_line="user elevate-pg;"
        chmod 0755 "$dir"
    fi
    servers=""
    for upstream in "$@"; do
        servers+="        server 127.0.0.1:$upstream max_fails=2 fail_timeout=5s;"$'\n'
    done
    cat > "$dir/nginx.conf" <<CONF
$user_line
daemon on;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    client_max_body_size 1m;
    upstream elevated {
$servers        keepalive 64;
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://elevated;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            # Changes are never sent twice (no non_idempotent); reads move to the next instance.
            proxy_next_upstream error timeout http_502 http_503 http_504;
            proxy_next_upstream_tries 2;
        }
    }
}
CONF
    "$nginx" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf"
    for _ in $(seq 1 50); do
        [ -s "$dir/nginx.pid" ] && exit 0
        sleep 0.1
    done
    echo "nginx-proxy: nginx did not start (see $dir/error.log)" >&2
    exit 1
    ;;
stop)
    if [ -s "$dir/nginx.pid" ]; then
        kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$(cat "$dir/nginx.pid" 2>/dev/null)" 2>/dev/null || break
            sleep 0.1
        done
    fi
    ;;
*)
    echo "unknown command: $cmd" >&2
    exit 2
    ;;
esac
