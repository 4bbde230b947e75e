"""A small study for batch tests: copies of reference apps and a corpus variant, labelled at several levels.

Six checkouts (cheap to copy; evaluated by `tests.support.study_fake` unless a
test wants the real pipeline), listed in a YAML manifest with agent, level and
framework labels; one label is hostile markup, to be shown as text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from tests.support.variants import APPS, Variant

ROOT = Path(__file__).resolve().parents[2]
FAKE_EVALUATOR = "tests.support.study_fake:evaluate"
HOSTILE = '<script>alert("study")</script>'
_IGNORE = shutil.ignore_patterns("node_modules", ".venv", "__pycache__")

# checkout -> (base app or variant, labels, fake outcome)
STUDY: dict[str, tuple[str, dict[str, str], dict[str, Any]]] = {
    "flask-l0": (
        "flask",
        {"level": "L0"},
        {"failed": ["login: status 200", "feed: count 0"], "flaky": {"tags: list": [1]}},
    ),
    "flask-l2": (
        "flask",
        {"level": "L2"},
        {
            "failed": ["a", "b", "c", "d"],
            "diagnosis": {"category": "logic_error", "subcategory": "incorrect_query_logic"},
        },
    ),
    "flask-l3": ("flask", {"level": "L3"}, {}),
    "flask-raw-sql": ("verify_flask_raw_sql_text", {"level": "L3"}, {}),
    "fastapi-l1": (
        "fastapi",
        {"level": "L1", "agent": HOSTILE},
        {"startup": ["ok", "health_timeout"], "failed": ["x"]},
    ),
    "fastapi-l0": ("fastapi", {"level": "L0"}, {}),
    "flask-retry": ("flask", {"level": "L2", "agent": "retrying"}, {"error_attempts": [1], "failed": ["e"]}),
}


DEFAULT = ["flask-l0", "flask-l2", "flask-l3", "flask-raw-sql", "fastapi-l1", "flask-retry"]


def make_study(folder: Path, *, fake: bool = True, only: list[str] | None = None, hold: Path | None = None) -> Path:
    """Write the checkouts (`only` those, else DEFAULT) and `runs.yml` under `folder`; returns the manifest.

    `hold`: the fastapi checkout's evaluations wait while this file exists.
    """
    entries = []
    for name, (base, labels, outcome) in STUDY.items():
        if name not in (only or DEFAULT):
            continue
        dest = folder / "repos" / name
        if (APPS / base).is_dir():
            shutil.copytree(APPS / base, dest, ignore=_IGNORE)
        else:
            Variant.load(APPS.parent / "corpus" / f"{base}.yml").materialize(dest)
        framework = "fastapi" if base == "fastapi" else "flask"
        if fake:
            spec = dict(outcome)
            if hold is not None and name == "fastapi-l1":
                spec["hold_while"] = str(hold)
            (dest / "study-fake.json").write_text(json.dumps(spec))
        entries.append({"path": f"repos/{name}", "framework": framework, "agent": "claude-code", **labels})
    manifest = folder / "runs.yml"
    manifest.write_text(yaml.safe_dump({"runs": entries}, sort_keys=False))
    return manifest


def evaluations(checkout: Path) -> list[tuple[str, int, int]]:
    """(run id, trial, attempt) of every evaluation of `checkout` by the fake evaluator."""
    log = checkout / ".fake-evaluations.log"
    if not log.is_file():
        return []
    return [(r, int(t), int(a)) for r, t, a in (line.split() for line in log.read_text().splitlines())]
