#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the tests of
# `apps build --usage-db`.
#
#   scripts/pg-test-server.sh start DIR [PORT]   prints the superuser URL
#   scripts/pg-test-server.sh stop DIR
#
# Uses Debian's PostgreSQL (/usr/lib/postgresql/*/bin); .ci/run installs it.
# postgres refuses to run as root, so as root the cluster belongs to the
# `postgres` user (created by the Debian package).
set -euo pipefail
cmd=${1:?usage: pg-test-server.sh start|stop DIR [PORT]}
dir=${2:?usage: pg-test-server.sh start|stop DIR [PORT]}
port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "no PostgreSQL under /usr/lib/postgresql (apt-get install -y postgresql)" >&2; exit 3; }
as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pw="$dir/pw"
    echo warmstart > "$pw"
    [ "$(id -u)" = 0 ] && chown postgres "$pw"
    as "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$pw" -A scram-sha-256 >"$dir/initdb.log" 2>&1
  fi
  as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
  echo "postgres://postgres:warmstart@127.0.0.1:$port/postgres"
  ;;
stop)
  as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
