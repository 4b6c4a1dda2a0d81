#!/bin/sh
# Run a command against a throwaway PostgreSQL cluster on 127.0.0.1, then remove the cluster.
# Installs Debian's postgresql package when it is missing (needs root, as on CI).
# Usage: sh scripts/with_postgres.sh COMMAND [ARGS...]   (DATABASE_URL is set for COMMAND)
set -eu
pg_pkg() {
  dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 'postgresql-[0-9]*' 2>/dev/null \
    | awk '$1=="ii" && $2 ~ /^postgresql-[0-9]+$/ {print $2}' | sort -V | tail -1
}
PGPKG=$(pg_pkg)
if [ -z "$PGPKG" ]; then
  echo "Installing PostgreSQL (Debian package)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
  PGPKG=$(pg_pkg)
fi
PGBIN=$(dirname "$(dpkg -L "$PGPKG" | grep 'bin/initdb$')")

PGPORT=${PGPORT:-$((54000 + $$ % 900))}
PGDATA=$(mktemp -d /tmp/palermo-pg.XXXXXX)
chown postgres:postgres "$PGDATA"
cleanup() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA" "$PGDATA.initdb.log"
}
trap cleanup EXIT INT TERM
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 > "$PGDATA.initdb.log"
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres palermo
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT" >&2
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/palermo" "$@"
