#!/bin/sh
# Starts the Conduit API in the foreground on $PORT (default 3000).
cd "$(dirname "$0")" || exit 1
exec node src/server.js
