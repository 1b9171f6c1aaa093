#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests of the PostgreSQL backend, from Debian's package.
#   .ci/postgres.sh start DIR   initdb in DIR, start a server listening on a Unix socket in DIR
#                               only (no TCP), print its URL (postgresql://…) on stdout
#   .ci/postgres.sh stop DIR    stop it (fast shutdown) and remove DIR
# As root (CI), the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?folder}
bin=""
for b in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")" /usr/lib/postgresql/*/bin; do
  if [ -x "$b/initdb" ] && [ -x "$b/pg_ctl" ]; then bin=$b; break; fi
done
if [ -z "$bin" ]; then echo "postgres.sh: no initdb/pg_ctl (apt-get install postgresql)" >&2; exit 3; fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod 700 "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@/postgres?host=$dir"
    ;;
  stop)
    if [ -d "$dir/data" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
