"""A repository's own suites: the suite format's schema and errors, `suites:` entries, Postman under newman.

The Postman tests run the pinned newman (installed once into the cache by
`checks.newman.ensure`) against the inventory example's FastAPI app on
loopback, and compare with what newman itself reports for the same server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from checks import gate, newman
from checks import suites as suites_mod
from checks.config import ConfigError, GateConfig, parse, resolve
from checks.render.markdown import markdown
from checks.report import Report
from conduit_suite.assertions import KINDS
from conduit_suite.plan import SuitePlan, run_plan
from conduit_suite.postman import check_collection, map_report
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult
from conduit_suite.suite import SuiteError, parse_suite_text
from conduit_suite.suite_schema import suite_schema, validate
from tests.support.servers import running_app

REPO = Path(__file__).resolve().parents[1]
INVENTORY = REPO / "examples" / "inventory"
SUITE = INVENTORY / "api" / "suite.yml"
COLLECTION = INVENTORY / "api" / "inventory.postman_collection.json"
DECAYCHECK = str(Path(sys.executable).parent / "decaycheck")

GOOD = """\
name: tiny
requests:
  - name: create
    method: POST
    path: /items
    body: {item: {sku: "s{{unique}}"}}
    capture: {sku: item.sku}
    assert:
      - status: 201
      - equals: [item.sku, "{{sku}}"]
  - name: read
    method: GET
    path: /items/{sku}
    assert:
      - status: 200
"""


@pytest.mark.parametrize("name", ["compat", "strict"])
def test_the_built_in_suites_are_valid_under_the_published_schema(name: str) -> None:
    text = resources.files("conduit_suite").joinpath("suites", f"{name}.yml").read_text()
    assert validate(text, source=f"{name}.yml", contract=True) == []


def test_the_schema_knows_every_assertion_kind_and_its_arity() -> None:
    properties = suite_schema()["$defs"]["assertion"]["properties"]
    for kind, spec in KINDS.items():
        assert kind in properties
        if len(spec.params) > 1:
            assert properties[kind]["minItems"] == properties[kind]["maxItems"] == len(spec.params)
    assert sorted(k for k in properties if k in KINDS) == sorted(KINDS)


def test_a_repository_suite_needs_no_conduit_operation_and_names_its_own() -> None:
    suite = parse_suite_text(GOOD, source="tiny.yml")
    assert [r.operation for r in suite.requests] == ["POST /items", "GET /items/{sku}"]
    assert suite.assertion_count == 3 and not suite.contract


@pytest.mark.parametrize(
    ("edit", "line", "says"),
    [
        (("path: /items/{sku}", "path: /items/{slug}"), 11, "reads {{slug}}, which no suite variable"),
        (('"{{sku}}"', '"{{skew}}"'), 10, "reads {{skew}}"),
        (("      - status: 200\n", "      - stat: 200\n"), 15, "must name exactly one known kind"),
        (("method: GET", "method: FETCH"), 11, "unknown method FETCH"),
        (("body: {item", "body: [item"), 6, "YAML syntax"),
    ],
    ids=["path-capture-never-set", "expected-capture-never-set", "unknown-kind", "bad-method", "yaml"],
)
def test_a_bad_suite_file_is_an_error_naming_its_file_and_line(edit: tuple[str, str], line: int, says: str) -> None:
    text = GOOD.replace(*edit)
    assert text != GOOD
    with pytest.raises(SuiteError) as caught:
        parse_suite_text(text, source="api/tiny.yml")
    assert str(caught.value).startswith(f"api/tiny.yml:{line}: ") and says in str(caught.value)


def test_a_capture_read_before_it_is_set_is_an_error_even_if_set_later() -> None:
    swapped = GOOD.split("  - name: read")
    text = "name: tiny\nrequests:\n  - name: read" + swapped[1] + swapped[0].split("requests:\n")[1]
    with pytest.raises(SuiteError, match=r"tiny.yml:3: request 'read' reads \{\{sku\}\}"):
        parse_suite_text(text, source="tiny.yml")


def test_suite_validate_prints_every_structural_error_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "suite.yml"
    bad.write_text(
        GOOD.replace("      - status: 201\n", "      - status: 201\n      - bogus: 1\n").replace(
            "path: /items/{sku}", "path: 3"
        )
    )
    proc = subprocess.run([DECAYCHECK, "suite", "validate", str(bad)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"{bad}:10: requests[0].assert[1]:") and "bogus" in lines[0]
    assert lines[1].startswith(f"{bad}:14: requests[1].path:")
    proc = subprocess.run([DECAYCHECK, "suite", "validate", str(SUITE)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "valid (12 requests, 28 assertions)" in proc.stdout


def test_config_suite_entries_of_every_kind_and_their_errors() -> None:
    cfg = parse(
        "suites:\n"
        "  - compat\n"
        "  - file: tests/api/suite.yml\n"
        "  - postman: tests/api/collection.json\n"
        "    environment: tests/api/env.json\n"
        '    variables: {APIURL: "{api}", USERNAME: "u{unique}", N: 3}\n'
        "  - openapi: docs/openapi.yml\n"
        "gate: {suites: [compat, 'file:tests/api/suite.yml'], conformance: true}\n"
    )
    assert cfg.suite_ids() == [
        "compat",
        "file:tests/api/suite.yml",
        "postman:tests/api/collection.json",
        "openapi:docs/openapi.yml",
    ]
    assert cfg.suites[2].variables == {"APIURL": "{api}", "USERNAME": "u{unique}", "N": "3"}  # type: ignore[union-attr]
    bad = {
        "suites:\n  - compat\n  - {fle: x}\n": ".github/decaycheck.yml:3: suites.1: a suite is compat, strict, or",
        "suites:\n  - postman: x\n    bogus: 1\n": ".github/decaycheck.yml:3: suites.0.bogus: unknown key",
        "suites: [compat]\ngate:\n  suites: [strict]\n": ".github/decaycheck.yml:3: gate.suites: 'strict' is not",
        "suites: [compat, compat]\n": "compat is listed twice",
        "gate:\n  conformance: true\n": ".github/decaycheck.yml:2: gate.conformance: needs an 'openapi:' suite",
    }
    for text, says in bad.items():
        with pytest.raises(ConfigError) as caught:
            parse(text)
        assert says in str(caught.value), str(caught.value)


def _repo(tmp_path: Path, suites: str, files: dict[str, str]) -> Path:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "decaycheck.yml").write_text(f"app: {{runtime: python}}\nsuites:\n{suites}")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_plans_read_the_repository_files_and_report_bad_ones_with_file_and_line(tmp_path: Path) -> None:
    collection = COLLECTION.read_text()
    repo = _repo(
        tmp_path,
        "  - compat\n  - file: api/suite.yml\n  - postman: api/c.json\n    variables: {APIURL: '{api}'}\n",
        {"api/suite.yml": GOOD, "api/c.json": collection},
    )
    plans = suites_mod.plans(repo, resolve(repo))
    assert [(p.id, p.kind) for p in plans] == [
        ("compat", "builtin"),
        ("file:api/suite.yml", "file"),
        ("postman:api/c.json", "postman"),
    ]
    assert plans[1].text == GOOD and plans[2].collection == json.loads(collection)
    assert plans[2].variables == {"APIURL": "{api}"}
    cases = {
        "api/suite.yml": (GOOD.replace('"{{sku}}"', '"{{nope}}"'), "api/suite.yml:10: "),
        "api/c.json": (collection.replace('"item": [', '"item": [,', 1), "api/c.json:"),
    }
    for name, (text, says) in cases.items():
        (repo / name).write_text(text)
        with pytest.raises(ConfigError) as caught:
            suites_mod.plans(repo, resolve(repo))
        assert str(caught.value).startswith(says), str(caught.value)
        (repo / name).write_text(GOOD if name.endswith(".yml") else collection)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yml"
    outside.write_text(GOOD)
    (repo / "api" / "link.yml").symlink_to(outside)
    for entry, says in (("api/link.yml", "points outside the repository"), ("api/none.yml", "no such file")):
        (repo / ".github" / "decaycheck.yml").write_text(f"suites:\n  - file: {entry}\n")
        with pytest.raises(ConfigError, match=says):
            suites_mod.plans(repo, resolve(repo))


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ([], "no 'info' object"),
        ({"info": {"schema": "https://schema.getpostman.com/json/collection/v1.0.0/"}, "item": []}, "v2.1"),
        ({"info": {"schema": "v2.1.0"}, "item": [{"name": "folder", "item": {}}]}, r"item\[0\]\.item is not a list"),
        ({"info": {"schema": "v2.1.0"}, "item": [{"name": "x"}]}, "neither a request nor a folder"),
        ({"info": {"schema": "v2.1.0"}, "item": []}, "no request"),
    ],
)
def test_a_collection_newman_could_not_run_is_a_clear_error(data: object, says: str) -> None:
    with pytest.raises(SuiteError, match=says):
        check_collection(data, "c.json")


@pytest.fixture(scope="module")
def inventory() -> Iterator[str]:
    with running_app(INVENTORY / "fastapi") as base_url:
        yield base_url


def _plan(collection: dict, **variables: str) -> SuitePlan:
    return SuitePlan(
        id="postman:api/c.json",
        kind="postman",
        collection=collection,
        newman=newman.ensure().argv(),
        variables={"APIURL": "{api}", "SKU": "s{unique}", **variables},
    )


def _newman_alone(collection: Path, base_url: str, tmp_path: Path) -> dict:
    report = tmp_path / "newman.json"
    subprocess.run(
        [
            *newman.ensure().argv(),
            "run",
            str(collection),
            "--env-var",
            f"APIURL={base_url}/api",
            "--env-var",
            f"SKU=alone{tmp_path.name[-6:]}",
            "--reporters",
            "json",
            "--reporter-json-export",
            str(report),
            "--suppress-exit-code",
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return json.loads(report.read_text())["run"]["stats"]


def test_a_collection_runs_under_newman_with_newmans_own_counts(inventory: str, tmp_path: Path) -> None:
    result = run_plan(_plan(json.loads(COLLECTION.read_text())), inventory, "/api")
    stats = _newman_alone(COLLECTION, inventory, tmp_path)
    assert result.kind == "postman" and result.suite == "postman:api/c.json" and result.problems == []
    assert (result.assertions_passed, result.assertions_total) == (19, 19)
    assert stats["assertions"]["total"] == result.assertions_total and stats["assertions"]["failed"] == 0
    assert len(result.requests) == stats["requests"]["total"] == 10
    get = next(r for r in result.requests if r.name == "get the item")
    assert (get.method, get.path, get.status, get.operation) == ("GET", "/api/items/{SKU}", 200, "GET /api/items/{SKU}")
    assert result.pass_at_1


def test_failed_pm_tests_carry_newmans_messages_and_script_errors_are_problems(inventory: str, tmp_path: Path) -> None:
    collection = json.loads(COLLECTION.read_text())
    create = collection["item"][0]["item"][0]
    create["event"][0]["script"]["exec"] = [
        "pm.test('quantity is 6', function () { pm.expect(pm.response.json().item.quantity).to.eql(6); });",
        "tests['price is free'] = pm.response.json().item.price === 0;",
        "notAFunction();",
    ]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(collection))
    result = run_plan(_plan(collection), inventory, "/api")
    stats = _newman_alone(path, inventory, tmp_path)
    failed = result.requests[0].failures
    assert [(f.assertion, f.actual) for f in failed] == [
        ("quantity is 6", "expected 5 to deeply equal 6"),
        ("price is free", "expected false to be truthy"),
    ]
    assert failed[0].id == "create an item: quantity is 6" and failed[0].kind == "postman"
    assert result.assertions_total == stats["assertions"]["total"] == 17
    assert result.assertions_total - result.assertions_passed == stats["assertions"]["failed"] == 2
    assert result.problems == ["create an item: test script error: ReferenceError: notAFunction is not defined"]
    assert not result.pass_at_1


def test_a_server_that_is_gone_is_a_problem_per_request_not_a_crash(tmp_path: Path) -> None:
    result = run_plan(_plan(json.loads(COLLECTION.read_text())), "http://127.0.0.1:9", "/api", timeout=2)
    assert len(result.requests) == 10 and all(r.status is None and r.error for r in result.requests)
    assert any("no response" in p for p in result.problems) and not result.pass_at_1


def test_map_report_counts_nothing_newman_skipped() -> None:
    report = {
        "run": {
            "executions": [
                {
                    "item": {"name": "r", "id": "1"},
                    "request": {"method": "GET", "url": {"protocol": "http", "host": ["h"], "path": ["api", "x"]}},
                    "response": {"code": 200},
                    "assertions": [{"assertion": "a"}, {"assertion": "b", "skipped": True}],
                }
            ],
            "stats": {"assertions": {"total": 2, "pending": 1, "failed": 0}},
        },
        "collection": {"item": [{"id": "1", "request": {"url": "{{APIURL}}/x"}}]},
    }
    result = map_report(report, SuiteResult(suite="p", base_url="http://h", api_prefix="/api", requests=[]))
    assert (result.assertions_total, result.problems, result.requests[0].path) == (1, [], "/api/x")


def _result(suite: str, kind: str, passed: int, total: int, problems: list[str] | None = None) -> SuiteResult:
    request = RequestResult(
        name="r", operation="GET /x", method="GET", path="/api/x", status=200, passed=passed, total=total
    )
    return SuiteResult(
        suite=suite, kind=kind, base_url="http://h", api_prefix="/api", requests=[request], problems=problems or []
    )


def test_a_and_pass_at_1_per_suite_and_in_total_with_conformance_apart() -> None:
    report = Report(startup="ok").with_suites(
        [
            _result("openapi:docs/openapi.yml", "openapi", 3, 5),
            _result("compat", "builtin", 290, 290),
            _result("file:api/suite.yml", "file", 9, 10),
        ]
    )
    assert (report.suite, report.assertions_passed, report.assertions_total) == ("compat", 290, 290)
    assert report.total.model_dump() == {
        "suites": ["compat", "file:api/suite.yml"],
        "assertions_passed": 299,
        "assertions_total": 300,
        "assert_pct": 99.67,
        "pass_at_1": False,
    }
    assert report.conformance is not None and (
        report.conformance.assertions_passed,
        report.conformance.assertions_total,
    ) == (3, 5)
    assert [(s.suite, s.kind, s.assert_pct) for s in report.suites][1:] == [
        ("compat", "builtin", 100.0),
        ("file:api/suite.yml", "file", 90.0),
    ]


def test_the_gate_counts_the_suites_it_names_and_says_which() -> None:
    report = Report(startup="ok").with_suites(
        [
            _result("compat", "builtin", 290, 290),
            _result("file:api/suite.yml", "file", 9, 10),
            _result("openapi:docs/openapi.yml", "openapi", 3, 5),
        ]
    )
    assert gate.decide(GateConfig(), report) == (
        False,
        "pass@1 required: file:api/suite.yml: 1 of 10 assertions failed",
    )
    assert gate.decide(GateConfig(suites=["compat"]), report) == (True, "met: pass@1 over compat")
    assert gate.decide(GateConfig(suites=["compat"], conformance=True), report) == (
        False,
        "conformance required: openapi:docs/openapi.yml: 2 of 5 checks failed",
    )
    assert gate.decide(GateConfig(min_assert_pct=85), report) == (
        True,
        "met: A% ≥ 85 over compat, file:api/suite.yml",
    )
    broken = Report(startup="ok").with_suites(
        [
            _result("compat", "builtin", 290, 290),
            _result("postman:c.json", "postman", 4, 4, ["r: test script error: x"]),
        ]
    )
    assert gate.decide(GateConfig(), broken) == (
        False,
        "pass@1 required: postman:c.json did not run as written: r: test script error: x",
    )
    assert broken.suites[1].pass_at_1 is False and "1 problem(s)" in markdown(broken)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('a: &x ["{{RUN}}", "{{RUN}}"]\nb: &y [*x, *x, *x]\nrequests: []\n', "suite.yml:2: YAML aliases"),
        ("requests:\n" + "  " * 3 + "[" * 1500 + "]" * 1500 + "\n", "suite.yml"),
        ("requests: [1]\n", "suite.yml:1: request 1 is not a mapping"),
        ("- 1\n", "suite.yml:1: a suite is a mapping with a 'requests' list"),
    ],
    ids=["aliases", "deep", "not-a-mapping", "a-list"],
)
def test_hostile_suite_files_get_a_clear_error(text: str, says: str) -> None:
    with pytest.raises(SuiteError) as caught:
        parse_suite_text(text, source="suite.yml")
    assert str(caught.value).startswith(says), str(caught.value)


def test_a_collection_nested_beyond_reason_is_a_clear_error() -> None:
    from conduit_suite.postman import load_collection

    with pytest.raises(SuiteError, match=r"c\.json: the JSON nests too deeply"):
        load_collection("[" * 100000 + "]" * 100000, "c.json")
    with pytest.raises(SuiteError, match=r"c.json: item\[0\].item\[0\]"):
        load_collection(json.dumps({"info": {"schema": "v2.1.0"}, "item": [{"item": [7]}]}), "c.json")


def test_the_details_carry_problems_and_reproductions() -> None:
    from checks.render.checkrun import text_of

    conformance = _result("openapi:docs/openapi.yml", "openapi", 3, 4)
    conformance.requests[0].failures = [
        AssertionFailure(
            id="GET /x: no server error (5xx)",
            assertion="no server error (5xx)",
            operation="GET /x",
            actual="Server error",
            kind="not_a_server_error",
            reproduce="curl -X GET http://127.0.0.1:8080/api/x?q=`rm`",
        )
    ]
    report = Report(startup="ok").with_suites(
        [
            _result("postman:c.json", "postman", 4, 4, ["r: test script error: ReferenceError: x is not defined"]),
            conformance,
        ]
    )
    details = text_of(report)
    assert (
        "### postman:c.json did not run as written\n\n- r: test script error: ReferenceError: x is not defined"
        in details
    )
    assert (
        "  - no server error (5xx) — `Server error`\n    reproduce: `curl -X GET http://127.0.0.1:8080/api/x?q='rm'`"
        in details
    )
