"""The database a pod provides: the study's contract, server flags, and the SQL both backends run.

Engine-specific facts live here so the local and Docker backends provide the
same database: role `user`/`password`, database `conduit`, host `postgres`
port 5432, durability off (the data is thrown away), and the same query for
the runtime evidence.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD, NAME, HOST, PORT = "user", "password", "conduit", "postgres", 5432
SQLITE_PATH = "/pod/db/conduit.db"  # inside the pod, outside the app folder

# Throwaway data: durability costs start and write time for nothing.
SERVER_SETTINGS: dict[str, str] = {
    "listen_addresses": "127.0.0.1",
    "port": str(PORT),
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "60",
    "shared_buffers": "32MB",
    "logging_collector": "off",
    "log_min_messages": "warning",
}

SETUP_SQL = f'CREATE ROLE "{USER}" LOGIN CREATEDB PASSWORD \'{PASSWORD}\';\nCREATE DATABASE {NAME} OWNER "{USER}";\n'

HBA = "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n"

# One row per user table: "schema.table|rows" (query_to_xml counts each table without a plpgsql function).
TABLES_SQL = (
    "SELECT CASE WHEN table_schema = 'public' THEN table_name ELSE table_schema || '.' || table_name END, "
    "(xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), "
    "false, true, '')))[1]::text::bigint FROM information_schema.tables "
    "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
)


def database_url(engine: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    return f"postgresql://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}"


def database_env(engine: str) -> dict[str, str]:
    """What the app is told about its database (DATABASE_URL plus the usual PG* variables)."""
    env = {"DATABASE_URL": database_url(engine)}
    if engine == "postgresql":
        env.update(
            {
                "PGHOST": HOST,
                "PGPORT": str(PORT),
                "PGUSER": USER,
                "PGPASSWORD": PASSWORD,
                "PGDATABASE": NAME,
                "POSTGRES_HOST": HOST,
                "POSTGRES_PORT": str(PORT),
                "POSTGRES_USER": USER,
                "POSTGRES_PASSWORD": PASSWORD,
                "POSTGRES_DB": NAME,
            }
        )
    return env


@dataclass(frozen=True)
class PostgresBinaries:
    bindir: Path
    version: str  # e.g. "15.20"


def find_postgres() -> PostgresBinaries:
    """The PostgreSQL server binaries on this host (initdb, postgres, psql in one folder)."""
    initdb = shutil.which("initdb")
    candidates = [Path(initdb).resolve().parent] if initdb else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for bindir in candidates:
        if (bindir / "postgres").exists() and (bindir / "initdb").exists():
            out = subprocess.run(
                [str(bindir / "postgres"), "--version"], capture_output=True, text=True, timeout=10
            ).stdout
            m = re.search(r"(\d+(?:\.\d+)?)", out)
            return PostgresBinaries(bindir=bindir, version=m[1] if m else "unknown")
    raise FileNotFoundError("PostgreSQL server binaries (initdb, postgres) are not installed")
