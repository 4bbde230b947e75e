# Local stand-in for redis:7 (Debian bookworm's redis-server), for the compose
# file on machines that reach no registry.
ARG BASE=decaycheck/debian-base:local
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
USER redis
WORKDIR /data
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no"]
