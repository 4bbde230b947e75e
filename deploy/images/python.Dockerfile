# Local stand-in for python:3.11-slim (Debian bookworm's python3 is 3.11),
# with uv, which the default install command uses.
ARG BASE=decaycheck/debian-base:local
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv python-is-python3 \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/uv \
 && /opt/uv/bin/pip install -q --no-cache-dir --disable-pip-version-check uv \
 && ln -s /opt/uv/bin/uv /usr/local/bin/uv \
 && find / -xdev -name __pycache__ -type d -prune -exec rm -rf {} + 
ENV PYTHONDONTWRITEBYTECODE=1
CMD ["python3"]
