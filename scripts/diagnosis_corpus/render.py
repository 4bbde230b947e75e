"""How each framework's server writes its log: access lines, Python tracebacks, Node stacks, pino JSON.

The formats are those real runs produce in a pod: container paths under
`/repository/`, the interpreter's own library paths, uvicorn/werkzeug/Django/
aiohttp access lines, morgan's coloured `dev` lines, pino JSON, hono and
koa-logger arrows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

PY_LIB = "/usr/local/lib/python3.12/site-packages"
NODE_MODULES = "/repository/node_modules"
REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
}
GREEN, YELLOW, RED, CYAN, RESET = "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[36m", "\x1b[0m"


@dataclass(frozen=True)
class Frame:
    path: str  # absolute, as the server saw it
    line: int
    function: str
    source: str = ""


# Outer frames each framework's dispatch adds before the app's handler (outermost first).
PY_DISPATCH = {
    "flask": [
        Frame(f"{PY_LIB}/flask/app.py", 1511, "wsgi_app", "response = self.full_dispatch_request()"),
        Frame(f"{PY_LIB}/flask/app.py", 919, "full_dispatch_request", "rv = self.handle_user_exception(e)"),
        Frame(f"{PY_LIB}/flask/app.py", 917, "full_dispatch_request", "rv = self.dispatch_request()"),
        Frame(
            f"{PY_LIB}/flask/app.py",
            902,
            "dispatch_request",
            "return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)  # type: ignore[no-any-return]",
        ),
    ],
    "fastapi": [
        Frame(
            f"{PY_LIB}/uvicorn/protocols/http/httptools_impl.py",
            409,
            "run_asgi",
            "result = await app(  # type: ignore[func-returns-value]",
        ),
        Frame(
            f"{PY_LIB}/uvicorn/middleware/proxy_headers.py",
            60,
            "__call__",
            "return await self.app(scope, receive, send)",
        ),
        Frame(f"{PY_LIB}/fastapi/applications.py", 1054, "__call__", "await super().__call__(scope, receive, send)"),
        Frame(
            f"{PY_LIB}/starlette/applications.py", 113, "__call__", "await self.middleware_stack(scope, receive, send)"
        ),
        Frame(f"{PY_LIB}/starlette/middleware/errors.py", 187, "__call__", "raise exc"),
        Frame(f"{PY_LIB}/starlette/middleware/errors.py", 165, "__call__", "await self.app(scope, receive, _send)"),
        Frame(f"{PY_LIB}/starlette/routing.py", 715, "__call__", "await self.middleware_stack(scope, receive, send)"),
        Frame(f"{PY_LIB}/starlette/routing.py", 735, "app", "await route.handle(scope, receive, send)"),
        Frame(f"{PY_LIB}/starlette/routing.py", 288, "handle", "await self.app(scope, receive, send)"),
        Frame(f"{PY_LIB}/fastapi/routing.py", 301, "app", "raw_response = await run_endpoint_function("),
        Frame(f"{PY_LIB}/fastapi/routing.py", 212, "run_endpoint_function", "return await dependant.call(**values)"),
    ],
    "fastapi-dependency": [
        Frame(f"{PY_LIB}/fastapi/routing.py", 269, "app", "solved_result = await solve_dependencies("),
        Frame(
            f"{PY_LIB}/fastapi/dependencies/utils.py", 600, "solve_dependencies", "solved = await call(**sub_values)"
        ),
    ],
    "django": [
        Frame(f"{PY_LIB}/django/core/handlers/exception.py", 55, "inner", "response = get_response(request)"),
        Frame(
            f"{PY_LIB}/django/core/handlers/base.py",
            197,
            "_get_response",
            "response = wrapped_callback(request, *callback_args, **callback_kwargs)",
        ),
        Frame(
            f"{PY_LIB}/django/views/decorators/csrf.py",
            65,
            "_view_wrapper",
            "return view_func(request, *args, **kwargs)",
        ),
    ],
    "aiohttp": [
        Frame(f"{PY_LIB}/aiohttp/web_protocol.py", 480, "_handle_request", "resp = await request_handler(request)"),
        Frame(f"{PY_LIB}/aiohttp/web_app.py", 569, "_handle", "return await handler(request)"),
        Frame(f"{PY_LIB}/aiohttp/web_middlewares.py", 117, "impl", "return await handler(request)"),
    ],
}
NODE_DISPATCH = {
    "express": [
        Frame(f"{NODE_MODULES}/express/lib/router/layer.js", 95, "Layer.handle [as handle_request]"),
        Frame(f"{NODE_MODULES}/express/lib/router/route.js", 149, "next"),
        Frame(f"{NODE_MODULES}/express/lib/router/route.js", 119, "Route.dispatch"),
        Frame(f"{NODE_MODULES}/express/lib/router/layer.js", 95, "Layer.handle [as handle_request]"),
        Frame(f"{NODE_MODULES}/express/lib/router/index.js", 284, ""),
    ],
    "fastify": [
        Frame(f"{NODE_MODULES}/fastify/lib/wrapThenable.js", 25, "wrapThenable"),
        Frame(f"{NODE_MODULES}/fastify/lib/handleRequest.js", 142, "preHandlerCallback"),
    ],
    "hono": [
        Frame(f"{NODE_MODULES}/hono/dist/compose.js", 22, "dispatch"),
        Frame(f"{NODE_MODULES}/hono/dist/hono-base.js", 201, "Hono.dispatch"),
    ],
    "koa": [
        Frame(f"{NODE_MODULES}/koa-compose/index.js", 42, "dispatch"),
        Frame(f"{NODE_MODULES}/@koa/router/lib/router.js", 423, "dispatch"),
        Frame(f"{NODE_MODULES}/koa-compose/index.js", 42, "dispatch"),
    ],
}


def py_traceback(frames: list[Frame], exception: list[str]) -> list[str]:
    """A Python 3.12 traceback: frames outermost first, source lines, then the exception line(s)."""
    out = ["Traceback (most recent call last):"]
    for f in frames:
        out.append(f'  File "{f.path}", line {f.line}, in {f.function}')
        if f.source:
            out.append(f"    {f.source.strip()}")
    out.extend(exception)
    return out


def py_chain(parts: list[tuple[list[Frame], list[str]]]) -> list[str]:
    """Chained tracebacks (the driver's error first, then what the ORM raised from it)."""
    out: list[str] = []
    for i, (frames, exception) in enumerate(parts):
        if i:
            out += ["", "The above exception was the direct cause of the following exception:", ""]
        out += py_traceback(frames, exception)
    return out


def node_stack(head: str, frames: list[Frame], *, esm: bool = False, props: list[str] | None = None) -> list[str]:
    """A V8 stack: the error line, then frames innermost first; util.inspect's properties block after it."""
    out = head.splitlines() or [head]
    for f in frames:
        path = f"file://{f.path}" if esm and f.path.startswith("/repository/") else f.path
        where = f"{path}:{f.line}:{(f.line * 7) % 40 + 5}"
        prefix = "async " if esm and f.function and not f.function.startswith("async ") else ""
        out.append(f"    at {prefix}{f.function} ({where})" if f.function else f"    at {where}")
    if props:
        out[-1] += " {"
        out += [f"  {p}," for p in props[:-1]] + [f"  {props[-1]}", "}"]
    return out


class Clock:
    """Deterministic wall time for log lines."""

    def __init__(self, start: int) -> None:
        self.ms = start

    def tick(self, step: int = 37) -> int:
        self.ms += step
        return self.ms

    def hms(self) -> str:
        s = self.ms // 1000
        return f"{10 + s // 3600 % 10:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def access_line(framework: str, method: str, path: str, status: int, clock: Clock, *, colour: bool) -> list[str]:
    """What the framework's access logger prints for one finished request."""
    size = 40 + (status * 7 + len(path) * 13) % 400
    ms = 3 + (len(path) * 11 + status) % 60
    reason = REASONS.get(status, "")
    stamp = f"01/Dec/2026 {clock.hms()}"
    if framework == "flask":
        return [f'127.0.0.1 - - [{stamp}] "{method} {path} HTTP/1.1" {status} -']
    if framework == "fastapi":
        level = f"{GREEN}INFO{RESET}:" if colour else "INFO:"
        return [f'{level}     127.0.0.1:{40000 + size} - "{method} {path} HTTP/1.1" {status} {reason}']
    if framework == "django":
        lines = []
        if status >= 400:
            word = "Internal Server Error" if status >= 500 else reason
            lines.append(f"{word}: {path.split('?')[0]}")
        return lines + [f'[{stamp}] "{method} {path} HTTP/1.1" {status} {size}']
    if framework == "aiohttp":
        return [
            f'INFO:aiohttp.access:127.0.0.1 [{stamp.replace(" ", ":")} +0000] "{method} {path} HTTP/1.1" '
            f'{status} {size} "-" "python-httpx/0.27.2"'
        ]
    if framework == "express":  # morgan('dev') always colours
        c = GREEN if status < 300 else CYAN if status < 400 else YELLOW if status < 500 else RED
        return [f"{RESET}{method} {path} {c}{status}{RESET} {ms}.{size % 1000:03d} ms - {size}{RESET}"]
    if framework == "fastify":
        rid = f"req-{clock.tick(1) % 997:x}"
        return [
            json.dumps(
                {
                    "level": 30,
                    "time": clock.tick(),
                    "pid": 19,
                    "hostname": "pod",
                    "reqId": rid,
                    "res": {"statusCode": status},
                    "responseTime": ms + 0.25,
                    "msg": "request completed",
                },
                separators=(",", ":"),
            )
        ]
    if framework == "hono":
        c = GREEN if status < 300 else YELLOW if status < 500 else RED
        shown = f"{c}{status}{RESET}" if colour else str(status)
        return [f"<-- {method} {path}", f"--> {method} {path} {shown} {ms}ms"]
    if framework == "koa":
        arrow_in = f"  {'<--'} {method} {path}"
        shown = f"{GREEN if status < 400 else RED}{status}{RESET}" if colour else str(status)
        return [arrow_in, f"  --> {method} {path} {shown} {ms}ms {size}b"]
    raise ValueError(framework)


def error_lines(framework: str, method: str, path: str, body: list[str], clock: Clock) -> list[str]:
    """How the framework (or the app's error handler) reports an unhandled error with its trace `body`."""
    if framework == "flask":
        return [f"[2026-12-01 {clock.hms()},{clock.ms % 1000:03d}] ERROR in app: Exception on {path} [{method}]", *body]
    if framework == "fastapi":
        return ["ERROR:    Exception in ASGI application", *body]
    if framework == "django":
        return body  # "Internal Server Error: /path" comes with the access line
    if framework == "aiohttp":
        return ["ERROR:aiohttp.server:Error handling request", *body]
    if framework == "fastify":
        head = body[0]
        name, _, message = head.partition(": ")
        record = {
            "level": 50,
            "time": clock.tick(),
            "pid": 19,
            "hostname": "pod",
            "reqId": f"req-{clock.ms % 997:x}",
            "req": {"method": method, "url": path, "hostname": "127.0.0.1:3000", "remoteAddress": "127.0.0.1"},
            "res": {"statusCode": 500},
            "err": {"type": name.split(" [")[0] or "Error", "message": message, "stack": "\n".join(body)},
            "msg": message,
        }
        return [json.dumps(record, separators=(",", ":"))]
    if framework == "koa":  # koa's default onerror indents the whole stack
        return ["", *("  " + line for line in body), ""]
    return body  # express's handler and hono's onError: console.error(err)


def startup_lines(framework: str, orm: str, colour: bool) -> list[str]:
    if framework == "flask":
        return [
            " * Serving Flask app 'app'",
            " * Debug mode: off",
            "WARNING: This is a development server. Do not use it in a production deployment. "
            "Use a production WSGI server instead.",
            " * Running on all addresses (0.0.0.0)",
            " * Running on http://127.0.0.1:8080",
            "Press CTRL+C to quit",
        ]
    if framework == "fastapi":
        info = f"{GREEN}INFO{RESET}:" if colour else "INFO:"
        return [
            f"{info}     Started server process [7]",
            f"{info}     Waiting for application startup.",
            f"{info}     Application startup complete.",
            f"{info}     Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)",
        ]
    if framework == "django":
        return [
            "Operations to perform:",
            "  Apply all migrations: api, contenttypes",
            "Running migrations:",
            "  No migrations to apply.",
            "Performing system checks...",
            "",
            "System check identified no issues (0 silenced).",
            "December 01, 2026 - 10:00:02",
            "Django version 5.0.6, using settings 'conduit.settings'",
            "Starting development server at http://0.0.0.0:8080/",
            "Quit the server with CONTROL-C.",
        ]
    if framework == "aiohttp":
        return ["======== Running on http://0.0.0.0:8080 ========", "(Press CTRL+C to quit)"]
    npm = [
        "",
        "> conduit@1.0.0 start",
        f"> node src/{ {'express': 'app', 'fastify': 'server', 'hono': 'index', 'koa': 'app'}[framework] }.js",
        "",
    ]
    if orm == "sequelize":
        npm.append(
            'Executing (default): CREATE TABLE IF NOT EXISTS "Users" ("id"  SERIAL , "username" VARCHAR(255) NOT NULL '
            'UNIQUE, "email" VARCHAR(255) NOT NULL UNIQUE, "password" VARCHAR(255) NOT NULL, "bio" TEXT DEFAULT \'\', '
            '"image" VARCHAR(255), "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY ("id"));'
        )
    if framework == "express":
        return npm + ["Server listening on port 3000"]
    if framework == "fastify":
        return npm + [
            '{"level":30,"time":1764583202113,"pid":19,"hostname":"pod","msg":"Server listening at http://0.0.0.0:3000"}'
        ]
    if framework == "hono":
        return npm + ["Server is running on http://localhost:3000"]
    return npm + ["listening on 3000"]
