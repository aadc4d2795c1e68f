#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the tests of
# `apps build --usage-db`.
#
#   scripts/pg-test-server.sh start DIR [PORT]   prints the superuser URL
#   scripts/pg-test-server.sh stop DIR
#
# initdb and pg_ctl are looked for, in order: $PG_BINDIR, PATH, `pg_config
# --bindir`, Debian's /usr/lib/postgresql/*/bin (newest), Homebrew's
# /opt/homebrew and /usr/local (postgresql@N or postgresql). Exit 3 when
# none has both (the tests report that as "PostgreSQL not installed").
# postgres refuses to run as root, so as root the cluster belongs to the
# `postgres` user (created by Debian's package), else to `nobody`.
set -euo pipefail
cmd=${1:?usage: pg-test-server.sh start|stop DIR [PORT]}
dir=${2:?usage: pg-test-server.sh start|stop DIR [PORT]}
port=${3:-55432}

find_bin() {
  local d
  for d in "${PG_BINDIR:-}" \
           "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")" \
           "$(pg_config --bindir 2>/dev/null || true)" \
           $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) \
           $(ls -d /opt/homebrew/opt/postgresql*/bin /usr/local/opt/postgresql*/bin 2>/dev/null | sort -rV) \
           /opt/homebrew/bin /usr/local/bin; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  done
}
bin=$(find_bin)
[ -n "$bin" ] || { echo "no PostgreSQL found (initdb and pg_ctl: not in \$PG_BINDIR, PATH, pg_config --bindir, /usr/lib/postgresql/*/bin or Homebrew); install it (apt-get install -y postgresql, brew install postgresql) or set PG_BINDIR" >&2; exit 3; }
owner=postgres
id -u postgres >/dev/null 2>&1 || owner=nobody
as() { if [ "$(id -u)" = 0 ]; then runuser -u "$owner" -- "$@"; else "$@"; fi; }
case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown "$owner" "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pw="$dir/pw"
    echo warmstart > "$pw"
    [ "$(id -u)" = 0 ] && chown "$owner" "$pw"
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
