#!/bin/sh
# Exits at once, as an app with a fatal import or config error does.
echo "Traceback (most recent call last):" >&2
echo "RuntimeError: DATABASE_URL points to a database that does not exist" >&2
exit 3
