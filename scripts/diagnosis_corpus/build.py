"""Write the recorded diagnosis corpus: eight base apps and the labelled failure cases on them.

    python -m scripts.diagnosis_corpus.build            # (re)write tests/corpus/diagnosis/

Each base app is assembled from `templates/` (the Python, Django and Node
layers shared between frameworks, then the framework's own routes), with the
`#@name` / `//@name` anchors stripped; an anchor names a line a defect
pattern can replace and a traceback can point at. Each case is one defect
pattern (patterns.py) on one framework: the edit that plants the defect, the
label, and the evidence a run of the suite against such an app records:
requests (study level: status and failed count; rich: failures with expected
and actual, response excerpts, the dependency graph) and the server's log in
the framework's real format, kept as a tail the way the study kept it.

The split is not decided here: it is a hash of the case id (tests/support/diagnosis_cases.py).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conduit_suite.suite import load_suite
from scripts.diagnosis_corpus.render import (
    Clock,
    Frame,
    access_line,
    error_lines,
    startup_lines,
)
from tests.support.diagnosis_cases import write_split

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ROOT = HERE.parent.parent
OUT = ROOT / "tests" / "corpus" / "diagnosis"
ANCHOR = re.compile(r"\s*(?:#|//)@(?P<name>\w+)\s*$")

FRAMEWORKS = ("flask", "fastapi", "django", "aiohttp", "express", "fastify", "hono", "koa")
PYTHON = ("flask", "fastapi", "django", "aiohttp")
NODE = ("express", "fastify", "hono", "koa")
ORM = {
    "flask": "sqlalchemy",
    "fastapi": "sqlalchemy",
    "aiohttp": "sqlalchemy",
    "django": "django",
    "express": "sequelize",
    "hono": "sequelize",
    "fastify": "knex",
    "koa": "knex",
}
ASYNC = {"fastapi", "aiohttp"}


def layers(framework: str) -> list[Path]:
    if framework == "django":
        return [TEMPLATES / "django"]
    if framework in PYTHON:
        return [TEMPLATES / "python", TEMPLATES / framework]
    return [TEMPLATES / "node", TEMPLATES / ORM[framework], TEMPLATES / framework]


@dataclass
class App:
    """A base app's files (anchors stripped) and where each anchor sits."""

    framework: str
    files: dict[str, list[str]] = field(default_factory=dict)
    anchors: dict[str, tuple[str, int]] = field(default_factory=dict)

    @classmethod
    def assemble(cls, framework: str) -> App:
        app = cls(framework)
        for layer in layers(framework):
            for path in sorted(layer.rglob("*")):
                if not path.is_file():
                    continue
                rel = path.relative_to(layer).as_posix()
                if rel in ("app/db_sync.py", "app/db_async.py"):
                    if (rel == "app/db_async.py") != (framework in ASYNC):
                        continue
                    rel = "app/db.py"
                text = path.read_text()
                if framework in PYTHON and framework != "django":
                    sync = framework not in ASYNC
                    text = text.replace("ASYNC ", "" if sync else "async ").replace("AWAIT ", "" if sync else "await ")
                if framework == "hono" and rel.endswith(".js"):
                    text = _esm(text)
                text = _manifest(framework, rel, text)
                lines = []
                for number, line in enumerate(text.splitlines(), 1):
                    m = ANCHOR.search(line)
                    if m:
                        app.anchors.setdefault(m["name"], (rel, number))
                        line = line[: m.start()]
                    lines.append(line)
                app.files[rel] = lines
        return app

    def line(self, anchor: str) -> str:
        path, number = self.anchors[anchor]
        return self.files[path][number - 1]

    def function_at(self, path: str, number: int) -> str:
        """The name of the definition enclosing `path:number` (what a traceback prints)."""
        lines = self.files[path]
        for i in range(number - 1, -1, -1):
            text = lines[i]
            m = (
                re.match(r"\s*(?:async\s+)?def\s+(\w+)", text)
                or re.match(r"\s*(?:export\s+)?(?:async\s+)?function\s+(\w+)", text)
                or re.match(r"\s*(?:api|app|router)\.(get|post|put|delete)\('([^']+)'", text)
            )
            if m:
                if m.lastindex == 2:
                    return "" if self.framework != "fastify" else "Object.<anonymous>"
                return m.group(1)
        return "<module>"


def _manifest(framework: str, rel: str, text: str) -> str:
    """The dependency manifest names the framework's own packages."""
    if rel == "requirements.txt" and framework in ASYNC:
        web = "fastapi==0.115.4\nuvicorn==0.32.0" if framework == "fastapi" else "aiohttp==3.10.10"
        text = text.replace("flask==3.0.3", web).replace("psycopg[binary]==3.2.3", "asyncpg==0.30.0")
    if rel == "package.json":
        entry = {"express": "app", "fastify": "server", "hono": "index", "koa": "app"}[framework]
        packages = {"express": "express", "fastify": "fastify", "hono": "hono", "koa": "koa"}
        text = text.replace("FRAMEWORK", packages[framework]).replace("ORM", ORM[framework])
        text = text.replace("SERVER", entry)
        if framework == "hono":
            text = text.replace('"private": true,', '"private": true,\n  "type": "module",')
    return text


def _esm(text: str) -> str:
    """The shared CommonJS layers as ES modules, the way a Hono app on Node writes them."""
    text = re.sub(r"const \{ ([^}]+) \} = require\('([^']+)'\);", r"import { \1 } from '\2';", text)
    text = re.sub(r"const (\w+) = require\('([^']+)'\);", r"import \1 from '\2';", text)
    text = re.sub(r"from '(\.{1,2}/[^']+?)(?<!\.js)'", r"from '\1.js'", text)
    text = re.sub(r"module\.exports = \{ ([^}]+) \};", r"export { \1 };", text)
    return text.replace("import users from './services/users.js';", "import * as users from './services/users.js';")


# ---------------------------------------------------------------------------------------------------------------
# requests


RUN = "k3x9"
SLUG = f"alpha-{RUN}"


def _values(text: str) -> str:
    names = {
        "RUN": RUN,
        "A_NAME": f"sa{RUN}",
        "B_NAME": f"sb{RUN}",
        "C_NAME": f"sc{RUN}",
        "USERNAME": f"u{RUN}",
        "A_EMAIL": f"sa{RUN}@example.com",
        "C_EMAIL2": f"sc2{RUN}@example.com",
        "TAG1": f"ta{RUN}",
        "TAG2": f"tb{RUN}",
        "TAG3": f"tc{RUN}",
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda m: names.get(m[1], f"{m[1].lower()}-{RUN}"), text)


def _success_status(spec: Any) -> int:
    for a in spec.assertions:
        m = re.match(r"status is (?:one of )?(\d+)", a.text)
        if m:
            return int(m[1])
    return 201 if spec.method == "POST" and spec.operation.startswith("Create") else 200


def _url(spec: Any) -> str:
    path = "/api" + spec.path
    path = path.replace("{slug}", SLUG).replace("{username}", f"sb{RUN}").replace("{id}", "7")
    query = "&".join(f"{k}={_values(str(v))}" for k, v in spec.query.items())
    return path + (f"?{query}" if query else "")


def baseline(suite: str) -> list[dict[str, Any]]:
    """Every request of `suite` as a run against a correct server records it."""
    records = []
    captured_by: dict[str, str] = {}
    for spec in load_suite(suite).requests:
        depends = sorted({captured_by[v] for v in spec.inputs if v in captured_by})
        records.append(
            {
                "name": spec.name,
                "operation": spec.operation,
                "method": spec.method,
                "path": "/api" + spec.path,
                "url": "http://127.0.0.1:8080" + _url(spec),
                "status": _success_status(spec),
                "passed": len(spec.assertions),
                "total": len(spec.assertions),
                "failures": [],
                "sent_auth": spec.auth is not None,
                "depends_on": depends,
                "_texts": [_values(a.text) for a in spec.assertions],
                "_inputs": list(spec.inputs),
                "_captures": list(spec.capture),
            }
        )
        for var in spec.capture:
            captured_by[var] = spec.name
    return records


# ---------------------------------------------------------------------------------------------------------------
# what a defect does to a run


@dataclass
class Hit:
    """The requests a defect changes and how: by operation (and optionally a name pattern)."""

    ops: tuple[str, ...] = ()
    names: str | None = None
    status: int | None = -1  # -1: unchanged; None: no response
    fails: str | None = None  # which assertions fail on a 2xx (regex over their text); None: all when status moved
    actual: Callable[[str], Any] | None = None
    excerpt: str | None = None
    error: bool = False  # the request logs the pattern's error
    first: bool = False  # only the first matching request
    lose: tuple[str, ...] = ()  # captures the response no longer carries
    unauth: bool = False  # only requests sent without a token
    auth_only: bool = False  # only requests sent with a token
    any_status: bool = False  # `fails` applies to error responses too (their envelope is what is wrong)

    def matches(self, record: dict[str, Any]) -> bool:
        if self.ops and record["operation"] not in self.ops:
            return False
        if self.names and not re.search(self.names, record["name"]):
            return False
        if self.unauth and record["sent_auth"]:
            return False
        if self.auth_only and not record["sent_auth"]:
            return False
        return True


@dataclass
class Spec:
    """One defect on one framework: the edit, the label's anchor, what the run shows."""

    where: str  # anchor of the defect line
    edit: dict[str, str] = field(default_factory=dict)  # anchor -> replacement line
    hits: list[Hit] = field(default_factory=list)
    error: list[str] | None = None  # log lines of the error each erroring request prints (trace body)
    startup: str = "ok"
    startup_log: list[str] = field(default_factory=list)
    extra_log: list[str] = field(default_factory=list)  # logged once before the suite (startup warnings)
    database: str = "postgresql"
    findings: list[dict[str, Any]] = field(default_factory=list)
    label_line: bool = True
    level: str | None = None  # "rich" when only the strict suite's values show the defect


@dataclass
class Ctx:
    """What a pattern needs to write its evidence for one framework."""

    app: App
    database: str = "postgresql"

    @property
    def fw(self) -> str:
        return self.app.framework

    @property
    def node(self) -> bool:
        return self.fw in NODE

    @property
    def orm(self) -> str:
        return ORM[self.fw]

    @property
    def asyncio(self) -> bool:
        return self.fw in ASYNC

    def has(self, *anchors: str) -> bool:
        return all(a in self.app.anchors for a in anchors)

    def frame(self, anchor: str, function: str | None = None) -> Frame:
        path, number = self.app.anchors[anchor]
        name = function if function is not None else self.app.function_at(path, number)
        return Frame(f"/repository/{path}", number, name, self.app.line(anchor))

    def frames(self, *anchors: str) -> list[Frame]:
        return [self.frame(a) for a in anchors]


@dataclass(frozen=True)
class Pattern:
    id: str
    category: str
    subcategory: str | None
    frameworks: tuple[str, ...]
    description: str
    build: Callable[[Ctx], Spec | None]
    databases: tuple[str, ...] = ("postgresql",)


# ---------------------------------------------------------------------------------------------------------------
# assembling one case


def _expected_of(text: str) -> Any:
    m = re.match(r".+? equals (.+)$", text)
    if m:
        raw = m[1]
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError:
            return raw
    m = re.search(r" is (\[.*\])$", text)
    return yaml.safe_load(m[1]) if m else True


def _default_actual(expected: Any) -> Any:
    if expected is True:
        return False
    if expected is False:
        return True
    if isinstance(expected, int):
        return 0 if expected else 1
    if isinstance(expected, list):
        return []
    return None


def _error_body(status: int) -> str:
    return {
        401: '{"errors":{"body":["missing token"]}}',
        403: '{"errors":{"body":["forbidden"]}}',
        404: '{"errors":{"body":["not found"]}}',
        422: '{"errors":{"body":["invalid"]}}',
        500: '{"errors":{"body":["Internal Server Error"]}}',
    }.get(status, '{"errors":{"body":["error"]}}')


def apply_hits(records: list[dict[str, Any]], spec: Spec) -> list[dict[str, Any]]:
    """The run with the defect: statuses, failed assertions, what was lost downstream. Returns the hit records."""
    lost: dict[str, str] = {}
    erroring: list[dict[str, Any]] = []
    used: set[int] = set()
    for record in records:
        missing = [v for v in record["_inputs"] if v in lost]
        if missing:
            blocker = lost[missing[0]]
            if any(v in ("token", "tokenA", "tokenB", "tokenC") for v in missing):
                record["status"] = 401
            else:
                record["url"] = record["url"].replace(SLUG, "undefined").replace(f"/sb{RUN}", "/undefined")
                record["status"] = 404
            _fail_all(record, blocked_by=blocker, unset=missing)
        for i, hit in enumerate(spec.hits):
            if not hit.matches(record) or (hit.first and i in used):
                continue
            used.add(i)
            _apply(record, hit)
            if hit.error:
                erroring.append(record)
            for var in hit.lose:
                if var in record["_captures"]:
                    lost[var] = record["name"]
            break
        if record["status"] is not None and not (200 <= record["status"] < 300):
            for var in record["_captures"]:
                lost.setdefault(var, record["name"])
    return erroring


def _fail_all(record: dict[str, Any], *, blocked_by: str | None = None, unset: list[str] | None = None) -> None:
    record["failures"] = [
        {
            "assertion": text,
            "operation": record["operation"],
            "expected": _expected_of(text),
            "actual": None,
            "blocked_by": blocked_by,
            "unset": unset or [],
        }
        for text in record["_texts"]
        if not text.startswith("token was captured") or blocked_by
    ]
    record["passed"] = record["total"] - len(record["failures"])
    record["response_excerpt"] = _error_body(record["status"]) if record["status"] else ""


def _apply(record: dict[str, Any], hit: Hit) -> None:
    texts = record["_texts"]
    if hit.status != -1 and hit.status != record["status"]:
        wanted = record["status"]
        record["status"] = hit.status
        failures = []
        for text in texts:
            if text.startswith("status is"):
                failures.append({"assertion": text, "expected": wanted, "actual": hit.status})
            elif hit.fails is None or re.search(hit.fails, text):
                failures.append({"assertion": text, "expected": _expected_of(text), "actual": None})
        if not failures and texts:
            failures = [{"assertion": texts[0], "expected": _expected_of(texts[0]), "actual": None}]
        record["failures"] = failures
        if hit.status is None:
            record["error"] = "ReadError: server disconnected without sending a response"
            record["response_excerpt"] = ""
        else:
            record["response_excerpt"] = hit.excerpt if hit.excerpt is not None else _error_body(hit.status)
    elif hit.fails and record["status"] is not None and (hit.any_status or 200 <= record["status"] < 300):
        failures = []
        for text in texts:
            if re.search(hit.fails, text):
                expected = _expected_of(text)
                actual = hit.actual(text) if hit.actual else _default_actual(expected)
                failures.append({"assertion": text, "expected": expected, "actual": actual})
        record["failures"] = failures
        if hit.excerpt is not None:
            record["response_excerpt"] = hit.excerpt
    for failure in record["failures"]:
        failure.setdefault("operation", record["operation"])
        failure.setdefault("blocked_by", None)
        failure.setdefault("unset", [])
    record["passed"] = record["total"] - len(record["failures"])


def _shown_path(record: dict[str, Any]) -> str:
    return record["url"].split("8080", 1)[-1]


def render_log(ctx: Ctx, spec: Spec, records: list[dict[str, Any]], erroring: list[dict[str, Any]], seed: int) -> str:
    colour = seed % 3 == 0
    clock = Clock(1764583200000 + seed % 100000)
    lines = list(startup_lines(ctx.fw, ctx.orm, colour))
    lines += spec.extra_log
    if spec.startup != "ok":
        return "\n".join(lines + spec.startup_log) + "\n"
    error_ids = {id(r) for r in erroring}
    for record in records:
        clock.tick(40 + len(record["name"]))
        status = record["status"]
        path = _shown_path(record)
        trace = (
            error_lines(ctx.fw, record["method"], path, spec.error, clock)
            if id(record) in error_ids and spec.error
            else []
        )
        if status is None:
            lines += trace
            lines.append("[the server exited with code 137 during the suite]")
            break
        access = access_line(ctx.fw, record["method"], path, status, clock, colour=colour)
        if ctx.fw in ("fastapi", "fastify", "django"):
            lines += (access[:-1] + trace + access[-1:]) if ctx.fw == "django" else access + trace
        else:
            lines += trace + access
    return "\n".join(lines) + "\n"


def tail(log: str, keep: int) -> str:
    """The last `keep` lines, the way the study kept the log (tracebacks cut at the top)."""
    lines = log.splitlines()
    return "\n".join(lines[-keep:]) + "\n"


def case_of(pattern: Pattern, framework: str, database: str, apps: dict[str, App]) -> dict[str, Any] | None:
    ctx = Ctx(apps[framework], database)
    spec = pattern.build(ctx)
    if spec is None:
        return None
    case_id = f"{pattern.id}-{framework}" + ("-sqlite" if database == "sqlite" else "")
    seed = int(hashlib.sha256(case_id.encode()).hexdigest()[:8], 16)
    level = spec.level or ("study" if seed % 2 else "rich")
    records = baseline("compat" if level == "study" else "strict")
    erroring = apply_hits(records, spec)
    log = render_log(ctx, spec, records, erroring, seed)
    log = tail(log, 60 + seed % 90 if level == "study" else 150 + seed % 150)
    path, line = ctx.app.anchors[spec.where]
    edits = []
    for anchor, replacement in spec.edit.items():
        file, number = ctx.app.anchors[anchor]
        original = ctx.app.files[file][number - 1]
        if not replacement.startswith((" ", "\t")):
            replacement = original[: len(original) - len(original.lstrip())] + replacement
        lines = ctx.app.files[file]
        text = "\n".join(lines)
        before, after = original, replacement
        extra = number
        while text.count(before) != 1 and extra < len(lines):  # widen with the following lines until unique
            before += "\n" + lines[extra]
            after += "\n" + lines[extra]
            extra += 1
        if text.count(before) != 1:
            raise ValueError(f"{case_id}: the line of {anchor} is not unique in {file}")
        edits.append({"file": file, "replace": before, "with": after})
    label: dict[str, Any] = {"category": pattern.category, "path": path}
    if pattern.subcategory:
        label["subcategory"] = pattern.subcategory
    if spec.label_line:
        label["line"] = line
    requests = []
    if spec.startup == "ok" or level == "study":
        for record in records:
            if spec.startup != "ok":
                record.update(status=None, passed=0, failures=[], error="connection refused")
            if level == "study":
                requests.append(_Flow({k: record[k] for k in ("name", "method", "path", "status", "passed", "total")}))
            else:
                kept = _Flow({k: v for k, v in record.items() if not k.startswith("_") and v not in ([], "", None)})
                kept["status"] = record["status"]
                if record["failures"] and "response_excerpt" in record:
                    kept["response_excerpt"] = record["response_excerpt"][:300]
                if not record["failures"]:
                    kept.pop("url", None)
                kept["failures"] = [_Flow(f) for f in record["failures"]]
                requests.append(kept)
    return {
        "id": case_id,
        "app": framework,
        "framework": framework,
        "database": database,
        "orm": ORM[framework],
        "pattern": pattern.id,
        "evidence_level": level,
        "description": pattern.description,
        "label": label,
        "edits": edits,
        "evidence": {
            "startup": spec.startup,
            "requests": requests,
            "server_log": log,
            "findings": spec.findings,
        },
    }


class _Literal(str):
    pass


class _Flow(dict):
    pass


def _flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


yaml.SafeDumper.add_representer(_Flow, _flow)


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


yaml.SafeDumper.add_representer(_Literal, _literal)


def main() -> None:
    from scripts.diagnosis_corpus.patterns import PATTERNS

    apps = {fw: App.assemble(fw) for fw in FRAMEWORKS}
    if OUT.exists():
        shutil.rmtree(OUT / "apps", ignore_errors=True)
        shutil.rmtree(OUT / "cases", ignore_errors=True)
    for fw, app in apps.items():
        for rel, lines in app.files.items():
            target = OUT / "apps" / fw / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(lines) + "\n")
    written = 0
    ids = []
    for pattern in PATTERNS:
        for fw in pattern.frameworks:
            for database in pattern.databases:
                case = case_of(pattern, fw, database, apps)
                if case is None:
                    continue
                log = case["evidence"]["server_log"]
                printable = "\x1b" not in log and not any(ord(c) < 32 and c not in "\n\t" for c in log)
                case["evidence"]["server_log"] = _Literal(log) if printable else log
                target = OUT / "cases" / f"{case['id']}.yml"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=200))
                ids.append(case["id"])
                written += 1
    write_split(ids)
    print(f"wrote {written} cases and {len(apps)} apps under {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
