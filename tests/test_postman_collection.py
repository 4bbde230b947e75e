"""The compat suite as a Postman collection (for newman, in `python -m benchmarks startup`) says what the suite says.

The committed file is what scripts/conduit_postman.py writes from
conduit_suite/suites/compat.yml; its requests and tests are the suite's, one
`pm.test` per assertion; and its test scripts, run by node against canned
responses, pass and fail where the suite's assertions do.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conduit_suite import load_suite

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = ROOT / "conduit_suite" / "data" / "conduit.postman_collection.json"

# Runs one item's test script with a stand-in for Postman's `pm`: the tests' outcomes and the variables set.
HARNESS = r"""
const [collection, index, code, text, vars] = JSON.parse(require("fs").readFileSync(0, "utf8"));
const item = collection.item[index];
const variables = Object.assign({}, vars);
const results = [];
const pm = {
  response: { code, text: () => text },
  collectionVariables: { get: (k) => variables[k], set: (k, v) => { variables[k] = v; }, unset: (k) => { delete variables[k]; } },
  variables: { get: (k) => variables[k], replaceIn: (s) => s.replace(/{{(\w+)}}/g, (_, k) => variables[k]) },
  test: (name, fn) => { try { fn(); results.push([name, true]); } catch (e) { results.push([name, false]); } },
};
new Function("pm", item.event[0].script.exec.join("\n"))(pm);
console.log(JSON.stringify({ results, variables }));
"""

USER = {"email": "e", "username": "u", "bio": None, "image": None, "token": "t0"}


def script() -> object:
    spec = importlib.util.spec_from_file_location("conduit_postman", ROOT / "scripts" / "conduit_postman.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_collection_is_what_the_script_writes_from_the_suite() -> None:
    assert COLLECTION.read_text() == script().render("compat")  # type: ignore[attr-defined]


def test_one_item_per_request_and_one_test_per_assertion() -> None:
    collection = json.loads(COLLECTION.read_text())
    suite = load_suite("compat")
    assert collection["info"]["schema"].endswith("/v2.1.0/collection.json")
    assert [i["name"] for i in collection["item"]] == [r.name for r in suite.requests] and len(suite.requests) == 32
    tests = []
    for item, request in zip(collection["item"], suite.requests):
        assert item["request"]["method"] == request.method
        assert item["request"]["url"]["raw"].startswith("{{APIURL}}/" + request.path.split("/")[1])
        exec_lines = item["event"][0]["script"]["exec"]
        tests += [line.split('pm.test("', 1)[1].split('", function', 1)[0] for line in exec_lines if "pm.test(" in line]
    assert tests == [a.text for r in suite.requests for a in r.assertions] and len(tests) == 290


def run_item(index: int, code: int, body: object, variables: dict[str, object] | None = None) -> dict:
    node = shutil.which("node")
    assert node is not None, "node is needed (./dev setup installs it)"
    payload = [json.loads(COLLECTION.read_text()), index, code, json.dumps(body), variables or {}]
    proc = subprocess.run([node, "-e", HARNESS], input=json.dumps(payload), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_scripts_pass_and_fail_as_the_suite_does() -> None:
    good = run_item(2, 200, {"user": USER})  # 03 login and remember token: the user, then the captured token
    assert [ok for _, ok in good["results"]] == [True] * 7 and good["variables"]["token"] == "t0"
    bad = run_item(2, 200, {"user": {**{k: v for k, v in USER.items() if k not in ("bio", "token")}}})
    assert [name for name, ok in bad["results"] if not ok] == ["has user.bio", "has user.token", "token was captured"]
    assert "token" not in bad["variables"]
    assert [ok for _, ok in run_item(2, 500, "Internal Server Error")["results"]] == [False] * 7


@pytest.mark.parametrize(
    ("favorited", "count", "failing"),
    [(True, 1, []), (False, 0, ["article.favorited equals true", "article.favoritesCount > 0"])],
)
def test_values_and_statuses_are_judged(favorited: bool, count: int, failing: list[str]) -> None:
    article = {
        "title": "t",
        "slug": "s",
        "body": "b",
        "createdAt": "c",
        "updatedAt": "u",
        "description": "d",
        "tagList": [],
        "author": {},
        "favorited": favorited,
        "favoritesCount": count,
    }
    outcome = run_item(18, 200, {"article": article})  # 19 favorite article
    assert [name for name, ok in outcome["results"] if not ok] == failing and len(outcome["results"]) == 15
    tags = run_item(31, 404, {"tags": []})  # 32 all tags: the status is judged, the shape too
    assert [ok for _, ok in tags["results"]] == [False, True, True]
