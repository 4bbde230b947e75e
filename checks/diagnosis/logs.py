"""Read a server log for the errors it reports: Python tracebacks and Node stack traces.

Each error becomes a `LogError` with its exception types (the whole chain, so
a `psycopg.errors.UndefinedTable` wrapped in SQLAlchemy's `ProgrammingError`
is visible), its message, and its frames. `repo_frames` gives the places a reviewer
should look: the frames that belong to the repository, not to a library,
innermost first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

_PY_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?$')
_PY_EXC = re.compile(
    r"^(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Warning|Interrupt|Timeout|Failure|Greenlet|Invalid\w*|\w+)?)(?::\s?(?P<msg>.*))?$"
)
_NODE_FRAME = re.compile(
    r"^\s+at (?:(?P<func>.+?) \()?(?P<path>(?:file://)?[^()\s]+?):(?P<line>\d+):(?P<col>\d+)\)?\s*\{?\s*$"
)
# `error: relation "x" does not exist` is how node-postgres names its errors: lower case, no class.
_NODE_HEAD = re.compile(
    r"(?P<type>[A-Z][\w.]*(?:Error|Exception)|[Ee]rror)(?: \[(?P<code>[\w_]+)\])?(?:: (?P<msg>.*))?$"
)
# An inspected error with no stack (node-sqlite3): `[Error: SQLITE_ERROR: no such table: users] {`
_NODE_BARE = re.compile(r"^\s*\[(?P<type>(?:[A-Z]\w*)?Error)(?: \[(?P<code>\w+)\])?: (?P<msg>.+)\] \{$")
# Where V8 reports a syntax error: the file and line above the source excerpt.
_NODE_SYNTAX_AT = re.compile(r"^(?P<path>(?:file://)?/\S+?):(?P<line>\d+)$")
# A request arriving (koa-logger and hono's `<--`, pino's "incoming request"): the suite has begun.
_REQUEST_START = re.compile(r"<-- (GET|POST|PUT|PATCH|DELETE) /|\"msg\":\"incoming request\"")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# One finished request in an access log: werkzeug/uvicorn/Django/aiohttp quote the request line;
# morgan, hono and koa-logger print `METHOD /path STATUS`; pino logs the status code alone.
_ACCESS = re.compile(
    r'"(?P<m1>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (?P<p1>/\S*) HTTP/[\d.]+" (?P<s1>\d{3})'
    r"|^\s*(?:--> )?(?P<m2>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (?P<p2>/\S*) (?P<s2>\d{3})\b"
    r'|"statusCode":(?P<s3>\d{3})\}'
)
_NODE_ANY_FRAME = re.compile(r"^\s+at \S")
# util.inspect prints an error's own properties after its stack: `{ name: 'SequelizeDatabaseError', parent: error: ...`
_NODE_PROP = re.compile(r"^  (?P<key>name|code|parent|original|message): (?P<value>.*?),?$")
_NOT_REPO = (
    "site-packages",
    "dist-packages",
    "node_modules",
    "/lib/python",
    "<frozen",
    "node:",
    "internal/",
    "/usr/lib/",
    "/usr/local/lib/",
    "<string>",
    "<unknown>",
)
_WORKSPACE_PREFIXES = ("/repository/", "/workspace/", "/app/", "/src/", "/repo/", "/code/")


@dataclass(frozen=True)
class Frame:
    path: str
    line: int
    function: str = ""

    @property
    def in_library(self) -> bool:
        return any(marker in self.path for marker in _NOT_REPO)


@dataclass
class LogError:
    """One error the server reported, with where in the log it started."""

    types: list[str]
    message: str
    frames: list[Frame] = field(default_factory=list)
    language: str = "python"
    log_line: int = 0
    repo_frame: Frame | None = None
    chain: list[Frame] = field(default_factory=list)
    end_line: int = 0
    during_startup: bool = False  # logged before the first request the server answered
    access: tuple[str, str, int] | None = None  # the failed request the access log shows beside it

    @property
    def type(self) -> str:
        return self.types[-1] if self.types else ""

    @property
    def text(self) -> str:
        """Everything the signatures match against: every type in the chain and the message."""
        return " ".join(self.types) + " " + self.message


def _expand_json_lines(log: str) -> list[str]:
    """Structured loggers (pino, structlog) put stacks inside JSON; unfold them into plain lines."""
    lines: list[str] = []
    for raw in log.splitlines():
        stripped = raw.strip()
        if stripped.startswith("{") and stripped.endswith("}"):
            try:
                record = json.loads(stripped)
            except ValueError:
                record = None
            if isinstance(record, dict):
                err = record.get("err") or record.get("error")
                stack = err.get("stack") if isinstance(err, dict) else None
                if isinstance(stack, str):
                    lines.extend(stack.splitlines())
                    continue
                if isinstance(record.get("stack"), str):
                    lines.extend(record["stack"].splitlines())
                    continue
        lines.append(raw)
    return lines


def parse_log(log: str, *, repo: Path | None = None) -> list[LogError]:
    """Every error in `log`, in the order they appear, each with its access line when one is beside it."""
    lines = [_ANSI.sub("", line) for line in _expand_json_lines(log)]
    errors = _python_errors(lines) + _node_errors(lines)
    covered = {n for e in errors for n in range(e.log_line - 1, max(e.end_line, e.log_line))}
    errors += [e for e in _node_bare_errors(lines) if e.log_line - 1 not in covered]
    errors.sort(key=lambda e: e.log_line)
    accesses = [(i, m) for i, line in enumerate(lines) if (m := _ACCESS.search(line))]
    starts = [i for i, line in enumerate(lines) if _REQUEST_START.search(line)]
    first_request = min([i for i, _ in accesses[:1]] + starts[:1], default=None)
    for error in errors:
        error.chain = repo_frames(error, repo)
        error.repo_frame = error.chain[0] if error.chain else None
        error.access = _beside(error, accesses)
        before = first_request is not None and error.log_line - 1 < first_request
        error.during_startup = before and error.access is None
    return errors


def _beside(error: LogError, accesses: list[tuple[int, re.Match[str]]]) -> tuple[str, str, int] | None:
    """The failed request logged right after the error (werkzeug, morgan) or right before it (uvicorn)."""
    start, end = error.log_line - 1, max(error.end_line, error.log_line)
    near = [(i, m) for i, m in accesses if end <= i <= end + 3 or start - 3 <= i < start]
    for _i, m in sorted(near, key=lambda pair: (pair[0] < start, abs(pair[0] - end))):
        status = int(m["s1"] or m["s2"] or m["s3"])
        if status >= 500:
            return (m["m1"] or m["m2"] or "", (m["p1"] or m["p2"] or "").split("?")[0], status)
    return None


def _node_bare_errors(lines: list[str]) -> list[LogError]:
    errors = []
    for i, line in enumerate(lines):
        m = _NODE_BARE.match(line)
        if m:
            types = [m["type"]] + ([m["code"]] if m["code"] else [])
            message: list[str] = []
            end = _node_properties(lines, i + 1, types, message)
            errors.append(
                LogError(
                    types=types,
                    message=" ".join([m["msg"], *message]).strip(),
                    language="node",
                    log_line=i + 1,
                    end_line=end,
                )
            )
    return errors


def _python_errors(lines: list[str]) -> list[LogError]:
    errors: list[LogError] = []
    i = 0
    current: LogError | None = None
    while i < len(lines):
        if lines[i].lstrip().startswith("Traceback (most recent call last):"):
            start = i
            frames: list[Frame] = []
            i += 1
            while i < len(lines):
                m = _PY_FRAME.match(lines[i])
                if m:
                    frames.append(Frame(m["path"], int(m["line"]), (m["func"] or "").strip()))
                    i += 1
                elif lines[i].startswith((" ", "\t")) or not lines[i].strip():
                    i += 1  # source line or caret markers under a frame
                else:
                    break
            exc_type, message = "", ""
            if i < len(lines):
                m = _PY_EXC.match(lines[i].strip())
                if m:
                    exc_type, message = m["type"], (m["msg"] or "").strip()
                else:
                    message = lines[i].strip()
            chained = current is not None and _is_chained(lines, start)
            if chained and current is not None:
                current.types.append(exc_type)
                current.message = message or current.message
                current.frames.extend(frames)
                current.end_line = i + 1
            else:
                current = LogError(
                    types=[exc_type] if exc_type else [],
                    message=message,
                    frames=frames,
                    language="python",
                    log_line=start + 1,
                    end_line=i + 1,
                )
                errors.append(current)
        i += 1
    return errors


def _is_chained(lines: list[str], start: int) -> bool:
    """Python prints 'The above exception was the direct cause...' between chained tracebacks."""
    for back in range(start - 1, max(start - 4, -1), -1):
        text = lines[back].strip()
        if not text:
            continue
        return text.startswith(("The above exception", "During handling of the above exception"))
    return False


def _node_errors(lines: list[str]) -> list[LogError]:
    errors: list[LogError] = []
    i = 0
    while i < len(lines):
        if _NODE_FRAME.match(lines[i]) and i > 0:
            head_index = i - 1
            while head_index > 0 and not _NODE_HEAD.search(lines[head_index]) and i - head_index < 4:
                head_index -= 1
            head = _NODE_HEAD.search(lines[head_index])
            frames: list[Frame] = []
            while i < len(lines) and _NODE_ANY_FRAME.match(lines[i]):
                m = _NODE_FRAME.match(lines[i])
                if m:  # `at async Promise.all (index 1)` has no place; it does not end the stack
                    frames.append(Frame(m["path"].removeprefix("file://"), int(m["line"]), (m["func"] or "").strip()))
                i += 1
            types = [head["type"]] if head else []
            if head and head["code"]:
                types.append(head["code"])
            message = (head["msg"] or "").strip() if head else ""
            if lines[i - 1].rstrip().endswith("{"):
                message_parts: list[str] = []
                i = _node_properties(lines, i, types, message_parts)
                message = " ".join([message, *message_parts]).strip()
            syntax = any("SyntaxError" in name for name in types)
            for back in range(head_index - 1, max(head_index - 6, -1) if syntax else head_index - 1, -1):
                at = _NODE_SYNTAX_AT.match(lines[back].strip())  # V8's `file:line` above a SyntaxError's excerpt
                if at:
                    frames.insert(0, Frame(at["path"].removeprefix("file://"), int(at["line"])))
                    break
            errors.append(
                LogError(
                    types=types, message=message, frames=frames, language="node", log_line=head_index + 1, end_line=i
                )
            )
            continue
        i += 1
    return errors


def _node_properties(lines: list[str], i: int, types: list[str], message: list[str]) -> int:
    """Read the inspected properties block starting at `i` (the wrapped error's name, code, cause); return past it."""
    while i < len(lines) and lines[i].rstrip() != "}":
        m = _NODE_PROP.match(lines[i])
        if m:
            value = m["value"].strip().strip("'\"").removeprefix("error: ")
            if m["key"] in ("name", "code") and value and value not in types and value != "undefined":
                types.append(value)
            elif m["key"] in ("parent", "original", "message") and value not in message:
                message.append(value)
        i += 1
    return i + 1


def repo_frames(error: LogError, repo: Path | None) -> list[Frame]:
    """The repository's frames, innermost first, each place once: the call chain inside the repository.

    The innermost frame is where the error surfaced; the defect is often one
    or two calls out (the service that closed the session, the handler that
    passed the wrong value), so the callers are kept too.
    """
    ordered = list(reversed(error.frames)) if error.language == "python" else list(error.frames)
    found: list[Frame] = []
    for frame in ordered:
        if frame.in_library:
            continue
        relative = relative_to_repo(frame.path, repo)
        if relative is not None:
            mapped = Frame(relative, frame.line, frame.function)
            if mapped not in found:
                found.append(mapped)
    return found


def relative_to_repo(path: str, repo: Path | None) -> str | None:
    """Map a path as the server saw it (inside a pod) to a path relative to the repository.

    The pod mounts the workspace somewhere else than the checkout, so match on
    the longest suffix that exists in the repository; without a repository,
    strip the usual workspace prefixes.
    """
    parts = PurePosixPath(path).parts
    if repo is not None:
        first = 1 if PurePosixPath(path).is_absolute() else 0  # a relative path may already be the answer
        for i in range(first, len(parts)):
            candidate = PurePosixPath(*parts[i:])
            if (repo / candidate).is_file():
                return str(candidate)
        return None
    for prefix in _WORKSPACE_PREFIXES:
        if prefix in path:
            return path.split(prefix, 1)[1]
    return path.lstrip("/") if not PurePosixPath(path).is_absolute() else path
