#!/usr/bin/env bash
# Build, once per machine, local stand-ins for the official images production
# pulls (python:3.11-slim, node:20-slim, postgres:16, redis:7) plus the
# suite-runner image, for machines that reach no container registry.
#
# A minimal Debian bookworm is debootstrapped and imported as
# decaycheck/debian-base:local; the other images are built on it with
# `docker build --network host` (host network only so apt/pip can fetch
# packages; containers started from them never get it). Every image carries
# the hash of this folder's recipe; an image whose label matches is kept, so
# a second run costs a few `docker image inspect` calls.
#
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian),
#              DECAYCHECK_IMAGES_FORCE=1 to rebuild everything.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
log() { printf '\033[1m[images]\033[0m %s\n' "$*" >&2; }

# Clients that ship their own CA list (pip, uv, Node) are pointed at the system one.
BUNDLE=/etc/ssl/certs/ca-certificates.crt
TRUST_ENV="SSL_CERT_FILE=$BUNDLE PIP_CERT=$BUNDLE REQUESTS_CA_BUNDLE=$BUNDLE NODE_EXTRA_CA_CERTS=$BUNDLE"
# Certificate authorities this machine adds to its trust store (a TLS-inspecting
# egress proxy, a corporate CA) are added to the images too, or package
# installs inside them could not verify the registries.
EXTRA_CAS=/usr/local/share/ca-certificates
# The base image's recipe: bump BASE_RECIPE when build_base changes.
BASE_RECIPE="debootstrap-minbase-$SUITE-v2 $TRUST_ENV $(cat "$EXTRA_CAS"/*.crt 2>/dev/null | sha256sum)"
recipe_hash() {  # recipe_hash FILE...: the base recipe plus the files that define one image
  { echo "$BASE_RECIPE"; (cd "$HERE" && cat "$@"); } | sha256sum | cut -c1-16
}

current() {  # current TAG HASH: is TAG present and built from HASH?
  [ "${DECAYCHECK_IMAGES_FORCE:-}" = 1 ] && return 1
  local have
  have=$(docker image inspect --format '{{ index .Config.Labels "org.decaycheck.recipe" }}' "$1" 2>/dev/null) || return 1
  [ "$have" = "$2" ]
}

build_base() {
  local tag=decaycheck/debian-base:local hash
  hash=$(recipe_hash /dev/null)
  if current "$tag" "$hash"; then log "$tag is current"; return 0; fi
  log "debootstrapping $SUITE (minbase) for $tag"
  local dir; dir=$(mktemp -d /tmp/decaycheck-rootfs.XXXXXX)
  trap 'rm -rf "$dir"' RETURN
  debootstrap --variant=minbase --include=ca-certificates \
    "$SUITE" "$dir" "$MIRROR" >/tmp/decaycheck-debootstrap.log 2>&1 \
    || { tail -20 /tmp/decaycheck-debootstrap.log; return 1; }
  cat >"$dir/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb http://deb.debian.org/debian-security $SUITE-security main
SOURCES
  # Keep images small: no docs, man pages or locales from later installs.
  cat >"$dir/etc/dpkg/dpkg.cfg.d/01-decaycheck-nodoc" <<'NODOC'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
NODOC
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$dir/etc/apt/apt.conf.d/01-decaycheck-norecommends"
  if compgen -G "$EXTRA_CAS/*.crt" >/dev/null; then
    cp "$EXTRA_CAS"/*.crt "$dir/usr/local/share/ca-certificates/"
    chroot "$dir" update-ca-certificates >/dev/null 2>&1
  fi
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb \
    "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/*
  tar -C "$dir" --numeric-owner -c . | docker import \
    --change "LABEL org.decaycheck.recipe=$hash" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    --change "ENV $TRUST_ENV" \
    --change 'CMD ["bash"]' - "$tag" >/dev/null
  log "built $tag"
}

build_on() {  # build_on TAG DOCKERFILE [docker build args...]
  local tag=$1 file=$2 hash; shift 2
  hash=$(recipe_hash "$file" postgres-entrypoint.sh)  # the entry point is small; hashing it for all is simplest
  if current "$tag" "$hash"; then log "$tag is current"; return 0; fi
  log "building $tag from $file"
  local out; out=$(mktemp /tmp/decaycheck-build.XXXXXX)
  if ! docker build --network host -f "$HERE/$file" --label "org.decaycheck.recipe=$hash" \
      -t "$tag" "$@" "$HERE" >"$out" 2>&1; then
    tail -40 "$out"; rm -f "$out"; return 1
  fi
  rm -f "$out"
  log "built $tag"
}


start=$(date +%s)
command -v debootstrap >/dev/null || { log "debootstrap is not installed"; exit 1; }
build_base
build_on decaycheck/python:local python.Dockerfile
build_on decaycheck/suite-runner:local suite-runner.Dockerfile --build-arg BASE=decaycheck/python:local
build_on decaycheck/node:local node.Dockerfile
build_on decaycheck/postgres:local postgres.Dockerfile
build_on decaycheck/redis:local redis.Dockerfile
log "images ready in $(( $(date +%s) - start ))s"
# Superseded builds of these images are dangling now; drop them.
docker image prune -f --filter "label=org.decaycheck.recipe" >/dev/null
