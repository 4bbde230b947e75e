#!/bin/sh
# Starts the Conduit API in the foreground (the study's evaluation contract:
# port from $PORT, default 8080; host 0.0.0.0; database from $DATABASE_URL).
set -e
cd "$(dirname "$0")"
exec python3 -m app
