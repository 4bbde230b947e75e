"""A fake GitHub of our own, speaking real HTTP on 127.0.0.1, for the App's tests.

It plays the parts of GitHub the App talks to, and checks the App plays by
GitHub's rules:
- `POST /app/installations/{id}/access_tokens` accepts only an App JWT signed
  with the App's private key (verified with its public key, RS256, `iss` the
  app id, `exp` within 10 minutes of `iat`) and issues expiring tokens;
- repository contents and git fetches (smart HTTP through the real
  `git http-backend`) require a live installation token;
- every Checks API body is validated against `tests/fixtures/github/rest/*.schema.json`
  plus the limits JSON Schema cannot express, and answered 422 on violation;
- every request is recorded; faults (5xx, 403/429 rate limits) can be injected.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

GITHUB_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "github"
REST_SCHEMAS = GITHUB_FIXTURES / "rest"
WEBHOOK_EXAMPLES = GITHUB_FIXTURES / "webhooks" / "examples"
MAX_BYTES = 64 * 1024


def generate_private_key() -> tuple[str, str]:
    """(private PEM, public PEM) of a fresh RSA key for a test App."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def _git(*args: str, cwd: Path | None = None) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


@dataclass
class Fault:
    method: str
    path: str  # regex matched against the request path
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = '{"message": "injected"}'
    times: int = 1


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 0
    at: float = 0.0


def check_run_violations(body: Any, kind: str) -> list[str]:
    """Schema errors plus GitHub's limits JSON Schema cannot express (see rest/README.md)."""
    schema = json.loads((REST_SCHEMAS / f"checks-{kind}.request.schema.json").read_text())
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft7Validator(schema).iter_errors(body)
    ]
    if not isinstance(body, dict):
        return errors or ["body is not an object"]
    if body.get("status") in ("waiting", "pending", "requested"):
        errors.append(f"status {body['status']} is reserved for GitHub Actions")
    if body.get("conclusion") == "stale":
        errors.append("only GitHub may set conclusion stale")
    for a in (body.get("output") or {}).get("annotations") or []:
        if not isinstance(a, dict):
            continue
        if ("start_column" in a or "end_column" in a) and a.get("start_line") != a.get("end_line"):
            errors.append("columns given on a multi-line annotation")
        if len(a.get("title") or "") > 255:
            errors.append("annotation title over 255 characters")
        for key in ("message", "raw_details"):
            if len(str(a.get(key) or "").encode()) > MAX_BYTES:
                errors.append(f"annotation {key} over 64 KB")
        if isinstance(a.get("start_line"), int) and a.get("end_line", 0) < a["start_line"]:
            errors.append("end_line before start_line")
    return errors


class FakeGitHub:
    """Start with `with FakeGitHub(app_id, public_pem, root) as gh:`; `gh.url` is its API root."""

    def __init__(self, app_id: str, public_key_pem: str, root: Path, *, token_ttl_s: int = 3600) -> None:
        self.app_id = app_id
        self.public_key_pem = public_key_pem
        self.root = root
        self.git_root = root / "git"
        self.git_root.mkdir(parents=True, exist_ok=True)
        self.token_ttl_s = token_ttl_s
        self.tokens: dict[str, tuple[int, float]] = {}
        self.installations: set[int] = set()
        self.check_runs: dict[int, dict[str, Any]] = {}
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.rejections: list[tuple[str, list[str]]] = []
        self.writes_open = threading.Event()  # cleared: Checks API writes wait until a test sets it
        self.writes_open.set()
        self.max_parallel_writes: dict[int, int] = {}
        self._writes: dict[int, int] = {}
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        self.app = self._build()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def git_url(self, repo: str) -> str:
        return f"{self.url}/git/{repo}.git"

    def __enter__(self) -> FakeGitHub:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        server = self._server
        wait_until(lambda: server.started, 30, 0.02, "the fake GitHub to start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(10)

    # -- test controls ------------------------------------------------------------------------

    def add_installation(self, installation_id: int) -> None:
        self.installations.add(installation_id)

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def create_repo(self, repo: str) -> Path:
        bare = self.git_root / f"{repo}.git"
        if not bare.exists():
            bare.parent.mkdir(parents=True, exist_ok=True)
            _git("init", "--quiet", "--bare", "-b", "main", str(bare))
            _git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=bare)
            _git("config", "http.receivepack", "false", cwd=bare)
        return bare

    def commit(
        self, repo: str, source: Path | dict[str, str], *, ref: str = "refs/heads/main", message: str = "change"
    ) -> str:
        """Commit `source` (a folder, or {path: text}) as the whole tree on `ref`; returns the SHA."""
        bare = self.create_repo(repo)
        work = self.root / "work" / secrets.token_hex(4)
        work.mkdir(parents=True)
        try:
            _git("init", "--quiet", "-b", "main", cwd=work)
            if isinstance(source, Path):
                shutil.copytree(
                    source,
                    work,
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".git", "__pycache__", "node_modules", ".venv"),
                )
            else:
                for rel, text in source.items():
                    (work / rel).parent.mkdir(parents=True, exist_ok=True)
                    (work / rel).write_text(text)
            _git("add", "-A", cwd=work)
            _git("commit", "--quiet", "--allow-empty", "-m", message, cwd=work)
            sha = _git("rev-parse", "HEAD", cwd=work)
            _git("push", "--quiet", "--force", str(bare), f"HEAD:{ref}", cwd=work)
            return sha
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def runs_for(self, head_sha: str) -> list[dict[str, Any]]:
        return [r for r in self.check_runs.values() if r["head_sha"] == head_sha]

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r.method in ("POST", "PATCH") and "/check-runs" in r.path]

    # -- auth ------------------------------------------------------------------------------

    def _verify_jwt(self, header: str) -> str | None:
        if not header.startswith("Bearer "):
            return "expected a Bearer JWT"
        try:
            claims = jwt.decode(
                header[7:],
                self.public_key_pem,
                algorithms=["RS256"],
                options={"require": ["iat", "exp", "iss"]},
                leeway=0,
            )
        except jwt.PyJWTError as exc:
            return f"bad JWT: {exc}"
        if str(claims["iss"]) != self.app_id:
            return "wrong issuer"
        if claims["exp"] - claims["iat"] > 600 or claims["exp"] > time.time() + 600:
            return "JWT lifetime over 10 minutes"
        if claims["iat"] > time.time() + 1:
            return "JWT issued in the future"
        return None

    def _installation_of(self, header: str) -> int | None:
        token = header.split(" ", 1)[1] if " " in header else ""
        if header.startswith("Basic "):
            try:
                _user, _, token = base64.b64decode(token).decode().partition(":")
            except ValueError:
                return None
        entry = self.tokens.get(token)
        if entry is None or entry[1] <= time.time():
            return None
        return entry[0]

    # -- the app --------------------------------------------------------------------------

    def _build(self) -> FastAPI:
        app = FastAPI()
        fake = self

        @app.middleware("http")
        async def record(request: Request, call_next: Any) -> Response:
            raw = await request.body()
            body: Any = None
            if raw and "json" in request.headers.get("content-type", ""):
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode(errors="replace")
            entry = Recorded(request.method, request.url.path, dict(request.headers), body, at=time.time())
            with fake._lock:
                fake.requests.append(entry)
                fault = next(
                    (
                        f
                        for f in fake.faults
                        if f.method == request.method and re.search(f.path, request.url.path) and f.times > 0
                    ),
                    None,
                )
                if fault is not None:
                    fault.times -= 1
            if fault is not None:
                entry.status = fault.status
                return Response(
                    fault.body, status_code=fault.status, headers=fault.headers, media_type="application/json"
                )
            response = await call_next(request)
            entry.status = response.status_code
            return response

        @app.post("/app/installations/{installation_id}/access_tokens")
        async def access_token(installation_id: int, request: Request) -> JSONResponse:
            problem = fake._verify_jwt(request.headers.get("authorization", ""))
            if problem:
                return JSONResponse({"message": problem}, status_code=401)
            if installation_id not in fake.installations:
                return JSONResponse({"message": "Not Found"}, status_code=404)
            token = "ghs_" + secrets.token_hex(18)
            expires = time.time() + fake.token_ttl_s
            fake.tokens[token] = (installation_id, expires)
            stamp = datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            return JSONResponse({"token": token, "expires_at": stamp}, status_code=201)

        def need_token(request: Request) -> int | JSONResponse:
            installation = fake._installation_of(request.headers.get("authorization", ""))
            if installation is None:
                return JSONResponse({"message": "Bad credentials"}, status_code=401)
            return installation

        @app.get("/repos/{owner}/{name}/contents/{path:path}")
        async def contents(owner: str, name: str, path: str, request: Request, ref: str = "HEAD") -> JSONResponse:
            who = need_token(request)
            if isinstance(who, JSONResponse):
                return who
            bare = fake.git_root / owner / f"{name}.git"
            try:
                sha = _git("rev-parse", f"{ref}:{path}", cwd=bare)
                text = _git("cat-file", "blob", sha, cwd=bare)
            except (subprocess.CalledProcessError, FileNotFoundError, NotADirectoryError):
                return JSONResponse({"message": "Not Found"}, status_code=404)
            return JSONResponse(
                {
                    "type": "file",
                    "path": path,
                    "sha": sha,
                    "encoding": "base64",
                    "content": base64.b64encode(text.encode()).decode(),
                }
            )

        @app.get("/repos/{owner}/{name}/compare/{spec}")
        async def compare(owner: str, name: str, spec: str, request: Request) -> JSONResponse:
            who = need_token(request)
            if isinstance(who, JSONResponse):
                return who
            base, _, head = spec.partition("...")
            bare = fake.git_root / owner / f"{name}.git"
            try:
                names = _git("diff", "--name-only", base, head, cwd=bare).splitlines()
            except (subprocess.CalledProcessError, FileNotFoundError, NotADirectoryError):
                return JSONResponse({"message": "Not Found"}, status_code=404)
            return JSONResponse({"status": "ahead", "files": [{"filename": n, "status": "modified"} for n in names]})

        async def write(request: Request, kind: str, run_id: int | None, owner: str, name: str) -> JSONResponse:
            who = need_token(request)
            if isinstance(who, JSONResponse):
                return who
            with fake._lock:
                fake._writes[who] = fake._writes.get(who, 0) + 1
                fake.max_parallel_writes[who] = max(fake.max_parallel_writes.get(who, 0), fake._writes[who])
            try:
                if not fake.writes_open.is_set():
                    await asyncio.to_thread(fake.writes_open.wait, 120)
                try:
                    body = json.loads(await request.body())
                except ValueError:
                    return JSONResponse({"message": "Problems parsing JSON"}, status_code=400)
                errors = check_run_violations(body, kind)
                if errors:
                    fake.rejections.append((request.url.path, errors))
                    return JSONResponse({"message": "Validation Failed", "errors": errors}, status_code=422)
                with fake._lock:
                    if run_id is None:
                        run_id = next(fake._ids)
                        fake.check_runs[run_id] = {
                            "id": run_id,
                            "repo": f"{owner}/{name}",
                            "annotations": [],
                            "history": [],
                            "conclusion": None,
                            "output": {},
                        }
                    elif run_id not in fake.check_runs:
                        return JSONResponse({"message": "Not Found"}, status_code=404)
                    run = fake.check_runs[run_id]
                    output = body.pop("output", None) or {}
                    run["annotations"] += output.pop("annotations", [])
                    run["output"].update(output)
                    run.update(body)
                    run["history"].append(body.get("status") or "append")
                    return JSONResponse(
                        {k: v for k, v in run.items() if k != "history"}, status_code=201 if kind == "create" else 200
                    )
            finally:
                with fake._lock:
                    fake._writes[who] -= 1

        @app.post("/repos/{owner}/{name}/check-runs")
        async def create_run(owner: str, name: str, request: Request) -> JSONResponse:
            return await write(request, "create", None, owner, name)

        @app.patch("/repos/{owner}/{name}/check-runs/{run_id}")
        async def update_run(owner: str, name: str, run_id: int, request: Request) -> JSONResponse:
            return await write(request, "update", run_id, owner, name)

        @app.get("/repos/{owner}/{name}/check-runs/{run_id}")
        async def get_run(owner: str, name: str, run_id: int, request: Request) -> JSONResponse:
            who = need_token(request)
            if isinstance(who, JSONResponse):
                return who
            if run_id not in fake.check_runs:
                return JSONResponse({"message": "Not Found"}, status_code=404)
            return JSONResponse(fake.check_runs[run_id])

        @app.api_route("/git/{path:path}", methods=["GET", "POST"])
        async def git_http(path: str, request: Request) -> Response:
            if fake._installation_of(request.headers.get("authorization", "")) is None:
                return Response(
                    "authentication required\n",
                    status_code=401,
                    headers={"WWW-Authenticate": 'Basic realm="fake-github"'},
                )
            return await fake._git_http_backend(path, request)

        return app

    async def _git_http_backend(self, path: str, request: Request) -> Response:
        """Run `git http-backend` as a CGI program for one request."""
        body = await request.body()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.git_root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": "/" + path,
            "REQUEST_METHOD": request.method,
            "QUERY_STRING": request.url.query,
            "CONTENT_TYPE": request.headers.get("content-type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_USER": "x-access-token",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
        }
        if "content-encoding" in request.headers:
            env["HTTP_CONTENT_ENCODING"] = request.headers["content-encoding"]
        if "git-protocol" in request.headers:
            env["GIT_PROTOCOL"] = request.headers["git-protocol"]
        proc = await asyncio.create_subprocess_exec(
            "git", "http-backend", env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        out, _err = await proc.communicate(body)
        head, _, payload = out.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = out.partition(b"\n\n")
        status, headers = 200, {}
        for line in head.decode(errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers[key.strip()] = value.strip()
        return Response(payload, status_code=status, headers=headers)


def example_payload(event: str, name: str) -> dict[str, Any]:
    return json.loads((WEBHOOK_EXAMPLES / event / name).read_text())


def retarget(
    payload: dict[str, Any],
    *,
    fake: FakeGitHub,
    repo: str,
    installation_id: int,
    head_sha: str,
    pr_number: int | None = None,
    check_name: str = "decaycheck",
) -> dict[str, Any]:
    """Point a recorded webhook payload at our repository, installation, commit and fake server."""
    payload = json.loads(json.dumps(payload))
    owner, name = repo.split("/")
    if "installation" in payload or "repository" in payload:
        payload.setdefault("installation", {})["id"] = installation_id
    if isinstance(payload.get("repository"), dict):
        r = payload["repository"]
        r.update(full_name=repo, name=name, clone_url=fake.git_url(repo), url=f"{fake.url}/repos/{repo}")
        r.setdefault("owner", {})["login"] = owner
    if isinstance(payload.get("pull_request"), dict):
        pr = payload["pull_request"]
        pr["head"]["sha"] = head_sha
        if pr_number is not None:
            pr["number"] = pr_number
    for key in ("check_suite", "check_run"):
        if isinstance(payload.get(key), dict):
            payload[key]["head_sha"] = head_sha
            prs = payload[key].get("pull_requests")
            if isinstance(prs, list) and prs and pr_number is not None:
                for pr in prs:
                    pr["number"] = pr_number
    if isinstance(payload.get("check_run"), dict):
        payload["check_run"]["name"] = check_name
        if payload.get("action") == "requested_action":
            payload["requested_action"] = {"identifier": "rerun"}
    return payload


# -- driving the App against the fake ----------------------------------------------------------


def send_webhook(
    service_url: str,
    event: str,
    payload: Any,
    secret: str | None,
    *,
    delivery: str | None = None,
    signature: str | None = None,
    raw: bytes | None = None,
) -> Any:
    """POST a delivery the way GitHub does: raw JSON body, event, delivery id, HMAC signature."""
    import httpx

    from bot.signature import sign

    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or secrets.token_hex(16),
        "User-Agent": "GitHub-Hookshot/fake",
    }
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    elif secret is not None:
        headers["X-Hub-Signature-256"] = sign(body, secret)
    return httpx.post(f"{service_url}/webhook", content=body, headers=headers, timeout=10)


def wait_until(predicate: Any, timeout: float, interval: float = 0.2, message: str = "condition") -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
