#!/bin/sh
# Starts the inventory API in the foreground on $PORT (default 8080).
cd "$(dirname "$0")" || exit 1
exec python -m uvicorn app.main:app --host 0.0.0.0 --port "${PORT:-8080}" --no-access-log
