#!/bin/sh
# Dumps every environment it can read, then serves: the test looks for the caller's secrets in the log.
echo "run step environ dump:"
for f in /proc/[0-9]*/environ; do tr '\0' '\n' < "$f" 2>/dev/null; done
echo "run step dump done"
exec python main.py
