"""The inventory example (not Conduit), end to end: its own suite file, Postman collection and OpenAPI spec.

`examples/inventory` holds one contract (`api/`) and two apps serving it,
FastAPI + SQLAlchemy and Express + Sequelize, both on PostgreSQL. Each is
evaluated by the real pipeline in the local sandbox: intact, every suite
passes and the gate (pass@1 and conformance) is met; with seeded defects,
the failing assertions of each suite kind are pinned, the conformance score
finds the seeded spec violations, and the diagnosis points at the route.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checks.pipeline import evaluate
from checks.report import Report

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "inventory"
DECAYCHECK = str(Path(sys.executable).parent / "decaycheck")
FILE, POSTMAN, OPENAPI = (
    "file:api/suite.yml",
    "postman:api/inventory.postman_collection.json",
    "openapi:api/openapi.yml",
)
CONFIGS = {"fastapi": ".github/decaycheck.yml", "express": "express.yml"}

# Exact edits (each text occurs once) and what every suite kind then fails, by assertion id.
DEFECTS = {
    "fastapi-stock-and-filter": (
        "fastapi",
        [
            (
                "fastapi/app/routes.py",
                '        if item.quantity + body.delta < 0:\n            return error(409, "quantity", "would go below zero")\n',
                "",
            ),
            (
                "fastapi/app/db.py",
                '    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)\n',
                "",
            ),
            ("fastapi/app/routes.py", "Item.quantity <= low_stock", "Item.quantity >= low_stock"),
        ],
        {
            FILE: [
                'low stock lists the first item only: items has an item with sku = "{{SKU}}"',
                'low stock lists the first item only: items has no item with sku = "{{OTHER}}"',
                "refuse to go below zero: has errors.quantity",
                "refuse to go below zero: status is 409",
                "rename the item: item.quantity equals 2",
                "stock is unchanged after the refusal: item.quantity equals 2",
            ],
            POSTMAN: [
                "low stock lists the first item only: the first item is low on stock",
                "low stock lists the first item only: the second item is not low on stock",
                "refuse to go below zero: errors name the quantity",
                "refuse to go below zero: status is 409",
                "stock is unchanged after the refusal: quantity is still 2",
            ],
            OPENAPI: [],
        },
        ("incorrect_query_logic", "fastapi/app/routes.py", 48),
    ),
    "fastapi-spec-violations": (
        "fastapi",
        [
            (
                "fastapi/app/routes.py",
                'return {"items": items, "count": len(items)}',
                'return {"items": items, "count": str(len(items))}',
            ),
            (
                "fastapi/app/routes.py",
                '            return error(404, "item", "not found")\n        return {"item": item.as_json()}\n\n\n@router.put',
                '            return JSONResponse({"detail": "not found"}, status_code=404)\n        return {"item": item.as_json()}\n\n\n@router.put',
            ),
            ("fastapi/app/db.py", "Numeric(12, 2)", "Numeric(5, 2)"),
        ],
        {
            FILE: ["the deleted item is gone: has errors.item"],
            POSTMAN: [],
            OPENAPI: [
                "GET /items/{sku}: bodies match the response schema",
                "GET /items: bodies match the response schema",
                "POST /items: no server error (5xx)",
                "POST /items: status codes are documented",
            ],
        },
        ("incorrect_query_logic", "fastapi/app/routes.py", 69),
    ),
    "express-filter-and-count": (
        "express",
        [
            ("express/src/routes/items.js", "Op.lte", "Op.gte"),
            ("express/src/routes/items.js", "count: items.length", "count: String(items.length)"),
        ],
        {
            FILE: [
                'low stock lists the first item only: items has an item with sku = "{{SKU}}"',
                'low stock lists the first item only: items has no item with sku = "{{OTHER}}"',
            ],
            POSTMAN: [
                "low stock lists the first item only: the first item is low on stock",
                "low stock lists the first item only: the second item is not low on stock",
            ],
            OPENAPI: ["GET /items: bodies match the response schema"],
        },
        ("incorrect_query_logic", "express/src/routes/items.js", 31),
    ),
}


def checkout(tmp_path: Path, edits: list[tuple[str, str, str]] = ()) -> Path:  # type: ignore[assignment]
    repo = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    for name, old, new in edits:
        text = (repo / name).read_text()
        assert text.count(old) == 1, (name, old)
        (repo / name).write_text(text.replace(old, new))
    return repo


def failing(report: Report) -> dict[str, list[str]]:
    return {s.suite: sorted(f.id for r in s.requests for f in r.failures) for s in report.suites}


@pytest.mark.parametrize("app", ["fastapi", "express"])
def test_the_intact_example_passes_every_suite_kind_and_the_gate(app: str, tmp_path: Path) -> None:
    repo = checkout(tmp_path)
    report = evaluate(repo, config_file=repo / CONFIGS[app])
    assert report.error is None and report.config_error is None and report.startup == "ok", report.server_log_tail
    scores = [(s.suite, s.kind, s.assertions_passed, s.assertions_total, s.problems) for s in report.suites]
    assert scores == [
        (FILE, "file", 28, 28, []),
        (POSTMAN, "postman", 19, 19, []),
        (OPENAPI, "openapi", 24, 24, []),
    ]
    assert (report.suite, report.assert_pct, report.pass_at_1) == (FILE, 100.0, True)
    assert (report.total.assertions_passed, report.total.assertions_total, report.total.pass_at_1) == (47, 47, True)
    assert report.conformance is not None and report.conformance.suites == [OPENAPI]
    assert report.compliant and report.gate_passed, report.gate
    assert report.gate["reason"] == f"met: pass@1, conformance over {FILE}, {POSTMAN}"


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_seeded_defects_fail_as_pinned_per_suite_kind(name: str, tmp_path: Path) -> None:
    app, edits, expected, (subcategory, path, line) = DEFECTS[name]
    repo = checkout(tmp_path, edits)
    report = evaluate(repo, config_file=repo / CONFIGS[app])
    assert report.error is None and report.startup == "ok", report.server_log_tail
    assert failing(report) == {suite: sorted(ids) for suite, ids in expected.items()}
    assert all(s.problems == [] for s in report.suites)
    assert not report.gate_passed
    for summary in report.suites:
        for request in summary.requests:
            for failure in request.failures:
                if summary.kind == "openapi":  # each conformance failure says how to reproduce it
                    assert failure.reproduce and failure.reproduce.startswith("curl -X ")
    assert report.diagnosis is not None and report.diagnosis.subcategory == subcategory
    first = report.annotations[0]
    assert (first.path, first.start_line) == (path, line)


def test_conformance_reruns_with_the_same_seed_find_the_same_failures(tmp_path: Path) -> None:
    _, edits, _expected, _ = DEFECTS["fastapi-spec-violations"]
    repo = checkout(tmp_path, edits)
    config = repo / "conformance.yml"
    config.write_text(
        "constraints: {framework: fastapi, database: postgresql, orm: sqlalchemy}\napp: {path: fastapi}\n"
        "suites:\n  - file: api/suite.yml\n  - openapi: api/openapi.yml\n    seed: 7\n"
    )
    first, second = (evaluate(repo, config_file=config) for _ in range(2))
    reproductions = [
        [(f.id, f.reproduce) for r in report.suites[1].requests for f in r.failures] for report in (first, second)
    ]
    assert reproductions[0] == reproductions[1] and reproductions[0]


def test_decaycheck_run_evaluates_the_example_from_the_command_line(tmp_path: Path) -> None:
    repo = checkout(tmp_path)
    out = tmp_path / "report.json"
    proc = subprocess.run(
        [DECAYCHECK, "run", str(repo), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "COLUMNS": "250"},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    report = Report.model_validate_json(out.read_text())
    assert [s.suite for s in report.suites] == [FILE, POSTMAN, OPENAPI] and report.gate_passed
    assert f"suite {POSTMAN}: A% 100.00 (19/19), pass@1 yes" in proc.stdout
    assert f"suite {OPENAPI}: conformance 24/24 checks passed (not part of A%)" in proc.stdout
    assert "total over 2 suites: A% 100.00 (47/47), pass@1 yes" in proc.stdout
