"""decaycheck keeps its own layering: bot -> checks -> (conduit_suite, verifiers), never back.

Checked with the same import-graph machinery the Clean Architecture rule
uses, on the real source tree, so an upward import anywhere fails CI.
"""

from __future__ import annotations

from pathlib import Path

from verifiers.layers import ImportGraph, LayerContract, contract_breaches
from verifiers.project import load_project, source_paths

REPO = Path(__file__).resolve().parent.parent

# Outermost first; packages in the same rank must not import each other.
CONTRACT = [["bot"], ["checks"], ["conduit_suite", "verifiers"]]
PACKAGES = [name for rank in CONTRACT for name in rank]


def breaches(root: Path) -> list[str]:
    contract = LayerContract.ranked(CONTRACT)
    paths = [p for p in source_paths(root) if p.split("/")[0] in PACKAGES and p.endswith(".py")]
    graph = ImportGraph(load_project(root, paths), contract)
    return [
        f"{reach.source}:{reach.imp.line} {importer} -> {imported} ({kind}, {reach.imp.module})"
        for reach, kind, importer, imported in contract_breaches(graph)
    ]


def test_decaycheck_packages_import_only_downward() -> None:
    sources = [p for p in source_paths(REPO) if p.split("/")[0] in PACKAGES]
    assert len(sources) > 20  # the real tree was read
    assert breaches(REPO) == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name in ("bot", "checks", "conduit_suite", "verifiers"):
        (root / name).mkdir(parents=True, exist_ok=True)
        (root / name / "__init__.py").write_text("")
    for rel, text in files.items():
        (root / rel).write_text(text)
    return root


def test_contract_catches_an_upward_import(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "conduit_suite/runner.py": "import json\nfrom checks.report import Report\n",
            "checks/report.py": "from verifiers.findings import Finding\n",
            "verifiers/findings.py": "",
        },
    )
    assert breaches(root) == ["conduit_suite/runner.py:2 conduit_suite -> checks (upward, checks.report)"]


def test_contract_keeps_siblings_independent_and_sees_through_helpers(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "verifiers/rules.py": "from verifiers import util\n",
            "verifiers/util.py": "from conduit_suite.result import SuiteResult\n",
            "conduit_suite/result.py": "",
            "bot/app.py": "from checks import pipeline\nfrom verifiers import rules\n",
            "checks/pipeline.py": "from bot import app\n",
        },
    )
    found = breaches(root)
    assert "checks/pipeline.py:1 checks -> bot (upward, bot)" in found
    assert "verifiers/util.py:1 verifiers -> conduit_suite (independent, conduit_suite.result)" in found
    assert len(found) == 2
