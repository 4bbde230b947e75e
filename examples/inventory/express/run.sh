#!/bin/sh
# Starts the inventory API in the foreground on $PORT (default 3000).
cd "$(dirname "$0")" || exit 1
exec node src/server.js
