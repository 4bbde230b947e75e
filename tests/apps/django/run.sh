#!/bin/sh
# Starts the Conduit API (Django on waitress) in the foreground on $PORT (default 8080).
cd "$(dirname "$0")" || exit 1
exec python -m app.main
