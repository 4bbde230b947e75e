"""The errors real stacks raise, per driver and runtime: what a defect pattern logs.

Python: the framework's dispatch frames, the app's frames, the library's, then
the exception (chained when the driver's error is wrapped by the ORM). Node:
the error line, library frames innermost first, the app's (async) frames, the
framework's; util.inspect's property block for driver errors.
"""

from __future__ import annotations

from scripts.diagnosis_corpus.render import (
    NODE_DISPATCH,
    NODE_MODULES,
    PY_DISPATCH,
    PY_LIB,
    Frame,
    node_stack,
    py_chain,
    py_traceback,
)

SA = f"{PY_LIB}/sqlalchemy"
DJ = f"{PY_LIB}/django"


def py_err(ctx, chain, lib=(), exc=(), cause=None, *, dispatch=True, dependency=False) -> list[str]:  # type: ignore[no-untyped-def]
    """A traceback through `chain` (anchors, outermost first) into `lib` frames, ending in `exc`."""
    frames = list(PY_DISPATCH[ctx.fw]) if dispatch else []
    if dependency and ctx.fw == "fastapi":
        frames = frames[:-2] + list(PY_DISPATCH["fastapi-dependency"])
    frames += ctx.frames(*chain) + list(lib)
    if cause is not None:
        return py_chain([cause, (frames, list(exc))])
    return py_traceback(frames, list(exc))


def node_err(ctx, head, chain, lib=(), props=None, *, dispatch=True) -> list[str]:  # type: ignore[no-untyped-def]
    """A V8 stack: `lib` frames (innermost first), the app's `chain` (anchors, outermost first) reversed."""
    repo = []
    for i, frame in enumerate(reversed(ctx.frames(*chain))):
        name = frame.function or ""
        if i and name and not name.startswith("async "):
            name = f"async {name}"
        repo.append(Frame(frame.path, frame.line, name))
    frames = list(lib) + repo + (list(NODE_DISPATCH[ctx.fw]) if dispatch and not repo else [])
    if dispatch and repo and ctx.fw == "express":
        frames += NODE_DISPATCH["express"][:2]
    return node_stack(head, frames, esm=ctx.fw == "hono", props=props)


# --- SQLAlchemy and the drivers under it ---------------------------------------------------------------------


def sa_frames(ctx, verb: str = "execute") -> list[Frame]:  # type: ignore[no-untyped-def]
    if ctx.asyncio:
        return [
            Frame(f"{SA}/ext/asyncio/session.py", 461, verb, "result = await greenlet_spawn("),
            Frame(f"{SA}/util/_concurrency_py3k.py", 201, "greenlet_spawn", "result = context.throw(*sys.exc_info())"),
            Frame(f"{SA}/orm/session.py", 2362, "execute", "return self._execute_internal("),
            Frame(f"{SA}/engine/base.py", 1967, "_exec_single_context", "self.dialect.do_execute("),
            Frame(f"{SA}/engine/default.py", 941, "do_execute", "cursor.execute(statement, parameters)"),
            Frame(f"{SA}/dialects/postgresql/asyncpg.py", 572, "execute", "self._adapt_connection.await_("),
            Frame(
                f"{SA}/dialects/postgresql/asyncpg.py", 789, "_handle_exception", "raise translated_error from error"
            ),
        ]
    return [
        Frame(f"{SA}/orm/session.py", 2362, verb, "return self._execute_internal("),
        Frame(f"{SA}/engine/base.py", 1418, "execute", "return meth("),
        Frame(f"{SA}/engine/base.py", 1967, "_exec_single_context", "self.dialect.do_execute("),
        Frame(f"{SA}/engine/default.py", 941, "do_execute", "cursor.execute(statement, parameters)"),
    ]


def driver_frames(ctx) -> list[Frame]:  # type: ignore[no-untyped-def]
    if ctx.database == "sqlite":
        return [Frame(f"{SA}/engine/default.py", 941, "do_execute", "cursor.execute(statement, parameters)")]
    if ctx.asyncio:
        return [
            Frame(
                f"{SA}/dialects/postgresql/asyncpg.py",
                558,
                "_prepare_and_execute",
                "self._rows = deque(await prepared_stmt.fetch(*parameters))",
            ),
            Frame(
                f"{PY_LIB}/asyncpg/prepared_stmt.py", 176, "fetch", "data = await self.__bind_execute(args, 0, timeout)"
            ),
        ]
    return [
        Frame(f"{SA}/engine/default.py", 941, "do_execute", "cursor.execute(statement, parameters)"),
        Frame(f"{PY_LIB}/psycopg/cursor.py", 732, "execute", "raise ex.with_traceback(None)"),
    ]


# (psycopg class, asyncpg class, SQLAlchemy wrapper, sqlite wrapper, Django wrapper, pg code)
PG_KINDS = {
    "missing_table": (
        "UndefinedTable",
        "UndefinedTableError",
        "ProgrammingError",
        "OperationalError",
        "ProgrammingError",
        "42P01",
    ),
    "missing_column": (
        "UndefinedColumn",
        "UndefinedColumnError",
        "ProgrammingError",
        "OperationalError",
        "ProgrammingError",
        "42703",
    ),
    "not_null": (
        "NotNullViolation",
        "NotNullViolationError",
        "IntegrityError",
        "IntegrityError",
        "IntegrityError",
        "23502",
    ),
    "unique": (
        "UniqueViolation",
        "UniqueViolationError",
        "IntegrityError",
        "IntegrityError",
        "IntegrityError",
        "23505",
    ),
    "operator": (
        "UndefinedFunction",
        "UndefinedFunctionError",
        "ProgrammingError",
        "OperationalError",
        "ProgrammingError",
        "42883",
    ),
    "syntax": (
        "SyntaxError",
        "PostgresSyntaxError",
        "ProgrammingError",
        "OperationalError",
        "ProgrammingError",
        "42601",
    ),
    "invalid_text": (
        "InvalidTextRepresentation",
        "InvalidTextRepresentationError",
        "DataError",
        "OperationalError",
        "DataError",
        "22P02",
    ),
}


def py_db(ctx, kind: str, message: str, sql: str, *, detail: list[str] = (), sqlite_message: str = "") -> tuple:  # type: ignore[no-untyped-def,assignment]
    """(cause, exception lines) for a database error under SQLAlchemy or Django, in the case's driver."""
    psy, apg, wrapper, sqlite_wrapper, django_wrapper, _code = PG_KINDS[kind]
    detail = list(detail)
    if ctx.fw == "django":
        if ctx.database == "sqlite":
            first = [f"sqlite3.{sqlite_wrapper}: {sqlite_message or message}"]
            final = [f"django.db.utils.{sqlite_wrapper}: {sqlite_message or message}"]
        else:
            first = [f"psycopg.errors.{psy}: {message}", *detail]
            final = [f"django.db.utils.{django_wrapper}: {message}", *detail]
        cause_frames = [
            Frame(f"{DJ}/db/backends/utils.py", 105, "_execute", "return self.cursor.execute(sql, params)"),
            Frame(f"{PY_LIB}/psycopg/cursor.py", 732, "execute", "raise ex.with_traceback(None)")
            if ctx.database != "sqlite"
            else Frame(f"{DJ}/db/backends/sqlite3/base.py", 329, "execute", "return super().execute(query, params)"),
        ]
        return (cause_frames, first), final
    if ctx.database == "sqlite":
        text = sqlite_message or message
        first = [f"sqlite3.{sqlite_wrapper}: {text}"]
        final = [f"sqlalchemy.exc.{sqlite_wrapper}: (sqlite3.{sqlite_wrapper}) {text}"]
    elif ctx.asyncio:
        first = [f"asyncpg.exceptions.{apg}: {message}", *detail]
        final = [
            f"sqlalchemy.exc.{wrapper}: (sqlalchemy.dialects.postgresql.asyncpg.{wrapper}) "
            f"<class 'asyncpg.exceptions.{apg}'>: {message}",
            *detail,
        ]
    else:
        first = [f"psycopg.errors.{psy}: {message}", *detail]
        final = [f"sqlalchemy.exc.{wrapper}: (psycopg.errors.{psy}) {message}", *detail]
    final += [f"[SQL: {sql}]", "[parameters: (...)]", "(Background on this error at: https://sqlalche.me/e/20/f405)"]
    return (driver_frames(ctx), first), final


def django_orm_frames(verb: str = "first") -> list[Frame]:
    return [
        Frame(
            f"{DJ}/db/models/query.py",
            1101 if verb == "first" else 679,
            verb,
            "for obj in queryset[:1]:" if verb == "first" else "obj.save(force_insert=True, using=self.db)",
        ),
        Frame(f"{DJ}/db/models/sql/compiler.py", 1562, "execute_sql", "cursor.execute(sql, params)"),
        Frame(f"{DJ}/db/backends/utils.py", 79, "execute", "return self._execute_with_wrappers("),
        Frame(f"{DJ}/db/backends/utils.py", 100, "_execute", "with self.db.wrap_database_errors:"),
        Frame(f"{DJ}/db/utils.py", 91, "__exit__", "raise dj_exc_value.with_traceback(traceback) from exc_value"),
    ]


# --- Node drivers -------------------------------------------------------------------------------------------

PG_PROTOCOL = [
    Frame(f"{NODE_MODULES}/pg-protocol/dist/parser.js", 283, "Parser.parseErrorMessage"),
    Frame(f"{NODE_MODULES}/pg-protocol/dist/parser.js", 122, "Parser.handlePacket"),
    Frame(f"{NODE_MODULES}/pg-protocol/dist/parser.js", 35, "Parser.parse"),
    Frame(f"{NODE_MODULES}/pg-protocol/dist/index.js", 11, "Socket.<anonymous>"),
    Frame("node:events", 519, "Socket.emit"),
    Frame("node:internal/streams/readable", 559, "addChunk"),
]


def pg_props(kind: str, message: str, extra: dict[str, str] | None = None) -> list[str]:
    code = PG_KINDS[kind][5]
    props = [f"length: {90 + len(message)}", "severity: 'ERROR'", f"code: '{code}'"]
    for key, value in (extra or {}).items():
        props.append(f"{key}: '{value}'")
    props += [
        "file: 'parse_relation.c'" if kind == "missing_table" else "file: 'scan.l'",
        "line: '1449'",
        "routine: 'parserOpenTable'",
    ]
    return props


def node_db(ctx, kind: str, message: str, sql: str, chain, *, sqlite_message: str = "", model: str = "Article"):  # type: ignore[no-untyped-def]
    """The stack a knex or Sequelize query error prints, through `chain` when the ORM keeps async frames."""
    if ctx.orm == "knex":
        if ctx.database == "sqlite":  # node-sqlite3 errors carry no stack at all
            text = sqlite_message or message
            return [f"[Error: {sql} - SQLITE_ERROR: {text}] {{", "  errno: 1,", "  code: 'SQLITE_ERROR'", "}"]
        # knex loses the async stack: every frame is in the driver
        return node_stack(f"error: {sql} - {message}", PG_PROTOCOL, props=pg_props(kind, message))
    seq = [
        Frame(
            f"{NODE_MODULES}/sequelize/lib/dialects/{'sqlite' if ctx.database == 'sqlite' else 'postgres'}/query.js",
            50 if ctx.database != "sqlite" else 328,
            "Query.run" if ctx.database != "sqlite" else "Query.formatError",
        ),
        Frame(f"{NODE_MODULES}/sequelize/lib/sequelize.js", 650, ""),
        Frame("node:internal/process/task_queues", 95, "process.processTicksAndRejections"),
        Frame(
            f"{NODE_MODULES}/sequelize/lib/dialects/abstract/query-interface.js",
            1001,
            "async PostgresQueryInterface.select",
        ),
        Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 1140, f"async {model}.findAll"),
    ]
    name = {"unique": "SequelizeUniqueConstraintError", "not_null": "SequelizeDatabaseError"}.get(
        kind, "SequelizeDatabaseError"
    )
    text = f"SQLITE_ERROR: {sqlite_message or message}" if ctx.database == "sqlite" else message
    head = f"{name}: {text}" if kind != "unique" else f"{name}: Validation error"
    props = [
        f"name: '{name}'",
        f"parent: error: {text}",
        f"original: error: {text}",
        f"sql: '{sql}'",
        "parameters: {}",
    ]
    return node_err(ctx, head, chain, lib=seq, props=props)
