"""The hostile corpus (`tests/hostile/`): every attack a pull request can make, on both backends.

Each test evaluates one hostile app end to end and asserts two things: the
act was contained (no forged pass, no secret in any output, no host file
quoted, the host process stayed small, no hang) and the report says what
happened (the startup status, the limit that was reached, the install's
failure). `docs/security.md` maps each attack to the layer that stops it.
"""

from __future__ import annotations

import json
import os
import shutil
import socketserver
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from checks.pipeline import evaluate
from checks.render.checkrun import summary_of
from checks.report import Report

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "hostile"
BACKENDS = ["local", pytest.param("docker", marks=pytest.mark.docker)]
SECRETS = {
    "DECAYCHECK_WEBHOOK_SECRET": "webhook-hostile-" + uuid.uuid4().hex,
    "DECAYCHECK_PRIVATE_KEY": "key-hostile-" + uuid.uuid4().hex,
    "GITHUB_TOKEN": "token-hostile-" + uuid.uuid4().hex,
}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The backend's name; for docker the local images, and nothing of a run may be left afterwards."""
    name = request.param
    if name == "local":
        yield name
        return
    from checks.sandbox.docker import OWNER_LABEL, DockerBackend
    from checks.sandbox.docker_images import LOCAL

    if os.environ.get("DECAYCHECK_SKIP_DOCKER") == "1":
        pytest.skip("DECAYCHECK_SKIP_DOCKER=1")
    engine = DockerBackend(LOCAL)
    engine.check()  # a missing engine or image is a failure, not a skip
    monkeypatch.setenv("DECAYCHECK_DOCKER_IMAGES", "local")
    owner = f"test-hostile-{uuid.uuid4().hex[:12]}"  # the engine is shared: judge only this test's runs
    monkeypatch.setenv("DECAYCHECK_DOCKER_OWNER", owner)
    yield name
    client = engine.client
    mine = {"label": f"{OWNER_LABEL}={owner}"}
    assert client.containers.list(all=True, filters=mine) == []
    assert client.volumes.list(filters=mine) == []


def hostile(name: str, tmp_path: Path) -> Path:
    """A private copy of one corpus app (tests may add to it), with the healthy server as its main.py."""
    repo = tmp_path / name
    shutil.copytree(CORPUS / name, repo, symlinks=True)
    shutil.copyfile(CORPUS / "healthy_server.py", repo / "main.py")
    return repo


def everything(report: Report) -> str:
    return report.model_dump_json()


def test_forged_result_never_passes(backend: str, tmp_path: Path) -> None:
    """run.sh writes a 290/290 result into every stdout it can open and kills every process it sees."""
    report = evaluate(hostile("forge_result", tmp_path), sandbox=backend)
    assert report.gate_passed is False and report.pass_at_1 is False
    assert report.assertions_passed == 0
    assert report.startup == "start_failed", (report.error, report.server_log_tail)
    assert "forger done" in report.server_log_tail  # it ran, and the report shows what it did
    assert "before it was healthy" in report.startup_detail


def test_no_secret_reaches_install_or_run(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install and run dump every /proc/*/environ they can read; the caller's secrets are in none."""
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    repo = hostile("secrets", tmp_path)
    config = repo / ".github/decaycheck.yml"
    config.write_text(
        config.read_text().replace('echo "install step dump done";', 'echo "install step dump done"; exit 9;')
    )
    failed = evaluate(repo, sandbox=backend)
    assert failed.startup == "install_failed" and "install step dump done" in failed.server_log_tail
    config.write_text(config.read_text().replace(" exit 9;", ""))
    served = evaluate(repo, sandbox=backend)
    assert served.startup == "ok" and "run step dump done" in served.server_log_tail, served.server_log_tail
    for report in (failed, served):
        text = everything(report)
        assert not [key for key, value in SECRETS.items() if value in text]


def test_a_gigabyte_without_newline_keeps_the_host_small(backend: str, tmp_path: Path) -> None:
    """1 GiB of install output with no newline: the host process stays under 300 MB and reports the failure."""
    repo = hostile("huge_output", tmp_path)
    script = (
        "import json, resource, sys\n"
        "from pathlib import Path\n"
        "from checks.pipeline import evaluate\n"
        f"r = evaluate(Path({str(repo)!r}), sandbox={backend!r})\n"
        "print(json.dumps({'rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "'startup': r.startup, 'detail': r.startup_detail, 'tail': r.server_log_tail, 'error': r.error}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env=os.environ)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["rss_kb"] < 300 * 1024, out["rss_kb"]
    assert out["startup"] == "install_failed" and out["detail"] == "install exited with code 7", out
    assert "after the flood" in out["tail"] and len(out["tail"]) <= 20000


def test_fork_bomb_is_bounded(backend: str, tmp_path: Path) -> None:
    report = evaluate(hostile("fork_bomb", tmp_path), sandbox=backend)
    assert report.error is None, report.error
    assert report.startup in ("health_timeout", "start_failed") and report.gate_passed is False
    assert "Cannot fork" in report.server_log_tail
    if backend == "local":
        assert "process limit reached" in report.startup_detail, report.startup_detail


def test_memory_hog_is_stopped_and_named(backend: str, tmp_path: Path) -> None:
    report = evaluate(hostile("memory_hog", tmp_path), sandbox=backend)
    assert report.error is None, report.error
    assert report.startup == "start_failed" and "allocating 4 GiB" in report.server_log_tail
    assert "memory limit reached" in report.startup_detail, report.startup_detail


def test_symlinks_and_fifos_in_the_workspace(backend: str, tmp_path: Path) -> None:
    """A committed symlink to a host file never surfaces its text; FIFOs made by run.sh hang nothing."""
    marker = "host-only-" + uuid.uuid4().hex
    host_file = tmp_path / "host-secret.py"
    host_file.write_text(f"import sqlite3\nDSN = 'sqlite:///{marker}.db'\nraise SystemExit('{marker}')\n")
    repo = hostile("workspace_tricks", tmp_path)
    (repo / "leak.py").symlink_to(host_file)
    (repo / "escape").symlink_to(tmp_path)
    (repo / ".github").mkdir()
    (repo / ".github/decaycheck.yml").write_text("constraints: {database: postgresql}\n")
    report = evaluate(repo, sandbox=backend)
    assert report.error is None, report.error
    assert report.startup == "ok", report.server_log_tail
    assert marker not in everything(report)
    assert not [f for f in report.findings if f.path and ("leak" in f.path or "escape" in f.path)]


def test_control_sequences_and_markup_are_inert(backend: str, tmp_path: Path) -> None:
    """ANSI sequences in the server log and rich markup in the install command reach no terminal."""
    repo = hostile("control_sequences", tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", str(repo), "--sandbox", backend],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 1, proc.stderr[-3000:]
    shown = proc.stdout + proc.stderr
    assert "\x1b" not in shown and "\x07" not in shown
    assert "Traceback" not in shown and "MarkupError" not in shown
    assert "[/dim] [link=file:///etc]x[/link]" in shown  # the install command, shown as written
    assert "Gate passed" in proc.stdout and "start failed" in proc.stdout.lower()  # the log, as plain text

    report = evaluate(repo, sandbox=backend)
    markdown = summary_of(report)
    fence = max(len(run) for run in markdown.split("\n") if run and set(run) == {"`"})
    assert fence > 4 and "\x1b" not in markdown


def test_install_reaches_only_the_registries(backend: str, tmp_path: Path) -> None:
    """The install step tries host loopback services, metadata and private addresses: only the registry answers."""
    hits: list[bytes] = []

    class Forbidden(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            hits.append(self.request.recv(100))

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Forbidden)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    key = f"decaycheck-hostile-{uuid.uuid4().hex}"
    repo = hostile("install_egress", tmp_path)
    (repo / "targets.json").write_text(json.dumps({"port": server.server_address[1], "redis_key": key}))
    try:
        report = evaluate(repo, sandbox=backend)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    assert redis.Redis(host="127.0.0.1", port=6379).get(key) is None  # the SET it sends names db 0
    assert report.startup == "install_failed", (report.error, report.server_log_tail)
    line = next(ln for ln in report.server_log_tail.splitlines() if ln.startswith("EGRESS "))
    results = json.loads(line.removeprefix("EGRESS "))
    assert results.pop("tunnel registry") == "HTTP/1.1 200 Connection established"
    refused = {name: outcome for name, outcome in results.items() if name.startswith(("tunnel", "get"))}
    assert set(refused.values()) == {"HTTP/1.1 403 Forbidden"}, results
    assert "connected" not in {v for k, v in results.items() if k.startswith("direct")}, results
    assert "install egress refused 5 connection(s)" in report.server_log_tail


def test_caches_no_pr_can_poison(backend: str, tmp_path: Path) -> None:
    """One repository's install appends to cached packages and plants byte code; another's install is clean."""
    poisoner = hostile("cache_poison", tmp_path / "a")
    first = evaluate(poisoner, sandbox=backend)
    assert first.startup == "install_failed", first.server_log_tail
    assert "poisoned /cache/uv/" in first.server_log_tail  # the attack reached its own cache
    assert "install: byte-code cache read-only" in first.server_log_tail
    assert "postgres" not in first.server_log_tail.split("install: byte-code cache read-only")[-1]
    victim = hostile("cache_poison", tmp_path / "b")
    shutil.rmtree(victim / ".github")
    second = evaluate(victim, sandbox=backend)
    assert second.startup == "ok", (second.error, second.server_log_tail)
    assert "six imported" in second.server_log_tail and "POISONED" not in second.server_log_tail
    assert "run step: byte-code cache read-only" in second.server_log_tail


def test_disk_fill_is_reported_as_such(backend: str, tmp_path: Path) -> None:
    report = evaluate(hostile("disk_fill", tmp_path), sandbox=backend)
    assert report.error is None, report.error
    assert report.startup == "start_failed"
    assert "disk limit reached" in report.startup_detail, report.startup_detail
    assert "filling the disk" in report.server_log_tail and "last line before exit" in report.server_log_tail
