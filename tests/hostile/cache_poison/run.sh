#!/bin/sh
# The run step imports the cached package and tries to plant byte code in the shared cache.
python -c "import six; print('six imported')"
(echo planted > /cache/pyc/planted.pyc) 2>/dev/null && echo "run step wrote the byte-code cache" || echo "run step: byte-code cache read-only"
exec python main.py
