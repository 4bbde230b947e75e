# Local stand-in for postgres:16, with Debian bookworm's PostgreSQL (15) and
# the official image's contract: POSTGRES_USER / POSTGRES_PASSWORD /
# POSTGRES_DB, PGDATA, `docker-entrypoint.sh postgres ...`, user postgres
# (uid 999). A cluster for the default evaluation credentials is initialised
# at build time and copied at start, which saves the initdb on every pod.
ARG BASE=decaycheck/debian-base:local
FROM ${BASE}
RUN groupadd -r -g 999 postgres \
 && useradd -r -u 999 -g postgres -d /var/lib/postgresql -s /bin/sh postgres \
 && mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main.conf \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql /var/run/postgresql /opt/pgtemplate \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql /opt/pgtemplate \
 && chmod 3777 /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER postgres
RUN POSTGRES_USER=user POSTGRES_PASSWORD=password POSTGRES_DB=conduit \
    /usr/local/bin/docker-entrypoint.sh --init-only /opt/pgtemplate/default
USER root
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
