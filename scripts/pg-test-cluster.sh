#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests.
#   scripts/pg-test-cluster.sh start DIR   initdb in a folder under /tmp (named in DIR/datadir), start
#                                          it on 127.0.0.1 (a free port) and a Unix socket in that
#                                          folder, create the role and database
#                                          "elevate" (password in DIR/password), write the URL to
#                                          DIR/url and print it
#   scripts/pg-test-cluster.sh stop DIR    stop it and delete DIR
#   scripts/pg-test-cluster.sh env DIR     print "export ELEVATE_TEST_DATABASE=... PGPASSWORD=..."
# PG_TEST_DURABLE=1 keeps fsync and synchronous_commit on (bench/ measures with them).
# PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to the system user
# elevate-pg, created on first use.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    sed -n '2,9p' "$0"
    exit 2
fi

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir=$candidate
done
if [ -z "$bindir" ]; then
    echo "pg-test-cluster: no PostgreSQL server binaries (Debian: postgresql)" >&2
    exit 1
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id elevate-pg >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin elevate-pg
    fi
    as_owner=(runuser -u elevate-pg --)
fi

case "$cmd" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -f "$dir/url" ] && [ -f "$dir/datadir" ] \
        && "${as_owner[@]}" "$bindir/pg_ctl" -D "$(cat "$dir/datadir")/data" status >/dev/null 2>&1; then
        cat "$dir/url"
        exit 0
    fi
    # The cluster itself lives under /tmp: DIR's parents (a checkout under /root, say) need not
    # be open to the cluster's owner. DIR keeps the URL, the password and where the cluster is.
    cluster=$(mktemp -d /tmp/elevate-pg.XXXXXX)
    printf '%s\n' "$cluster" > "$dir/datadir"
    [ ${#as_owner[@]} -gt 0 ] && chown elevate-pg "$cluster"
    chmod 0700 "$cluster"
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$password" > "$dir/password"
    chmod 0600 "$dir/password"
    # C collation: text order is byte order, as in SQLite (the instants are compared as text).
    "${as_owner[@]}" "$bindir/initdb" -D "$cluster/data" --no-locale -E UTF8 -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Durability is not what the tests measure: fsync off keeps the suite fast on shared disks.
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PG_TEST_DURABLE:-0}" = 1 ] && durability=""
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster $durability -c max_connections=200 \
            -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=64MB" start >/dev/null
    "${as_owner[@]}" "$bindir/psql" -h "$cluster" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE ROLE elevate LOGIN CREATEDB PASSWORD '$password'" \
        -c "CREATE DATABASE elevate OWNER elevate"
    url="postgresql://elevate@127.0.0.1:$port/elevate"
    printf '%s\n' "$url" > "$dir/url"
    echo "$url"
    ;;
stop)
    if [ -f "$dir/datadir" ]; then
        cluster=$(cat "$dir/datadir")
        case "$cluster" in /tmp/elevate-pg.*) ;; *) echo "pg-test-cluster: unexpected cluster path $cluster" >&2; exit 1 ;; esac
        if [ -d "$cluster/data" ]; then
            "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m immediate -t 30 stop >/dev/null 2>&1 || true
        fi
        # Deleting the tests' databases can take long on a busy disk: the folder is renamed at
        # once (nothing can find it any more) and deleted in the background.
        if [ -d "$cluster" ]; then
            mv "$cluster" "$cluster.deleted"
            nohup rm -rf "$cluster.deleted" >/dev/null 2>&1 &
        fi
    fi
    if [ -d "$dir/data" ]; then # a cluster started by an earlier version of this script, in DIR
        "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
env)
    echo "export ELEVATE_TEST_DATABASE=$(cat "$dir/url") PGPASSWORD=$(cat "$dir/password")"
    ;;
*)
    echo "unknown command: $cmd" >&2
    exit 2
    ;;
esac
