"""action.yml: its structure, and its steps run as the Actions runner runs them (env, summary, outputs, PATH).

The action is copied from the tracked files (as the runner checks out an
action's repository), installed into a fresh virtualenv by its own step,
and evaluates a real failing checkout; the step that uploads SARIF is
another action, so only its condition and inputs are checked.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.actions_runner import Runner, load_action
from tests.support.variants import CORPUS, Variant
from tests.test_report_files import assert_valid_junit, assert_valid_sarif

ROOT = Path(__file__).resolve().parent.parent
ACTION = load_action(ROOT / "action.yml")


def test_the_action_is_composite_and_every_expression_names_what_exists() -> None:
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    inputs, ids = set(ACTION["inputs"]), {s["id"] for s in steps if "id" in s}
    text = (ROOT / "action.yml").read_text()
    assert set(re.findall(r"inputs\.([\w-]+)", text)) <= inputs
    for step_id, name in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text):
        assert step_id in ids
        assert re.search(rf'echo "{re.escape(name)}=|print\(f"{re.escape(name)}=', text), name
    for step in steps:
        assert "run" in step or "uses" in step
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], f"{step['name']}: expressions go through env, not into the script"
    upload = next(s for s in steps if "uses" in s)
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.run.outputs.sarif }}"
    assert {"sarif", "junit", "markdown", "conclusion", "exit-code"} <= set(ACTION["outputs"])


def _action_copy(dest: Path) -> Path:
    """The action's repository as the runner fetches it: the tracked files, as they are in this tree."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if src.is_file() and not rel.startswith(("tests/", "benchmarks/", "deploy/")):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.mark.slow
def test_the_actions_steps_run_green_on_a_failing_checkout_and_exit_by_the_gate(tmp_path: Path) -> None:
    action = _action_copy(tmp_path / "action")
    workspace = Variant.load(CORPUS / "flask_comments_missing.yml").materialize(tmp_path / "workspace")
    (workspace / ".github").mkdir()
    (workspace / ".github" / "decaycheck.yml").write_text("constraints: {level: L3, framework: flask}\n")
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    runner = Runner(action, workspace, temp, {"sarif": "out/decaycheck.sarif"})
    job = runner.run()

    for name in ("Prepare the sandbox", "Install decaycheck", "Evaluate"):
        step = job.step(name)
        assert step.ran and step.exit_code == 0, f"{name}: {step.stdout[-2000:]}{step.stderr[-3000:]}"
    assert (temp / "decaycheck-venv" / "bin" / "decaycheck").is_file()  # installed by the action, on PATH after
    upload = job.step("Upload SARIF")
    assert not upload.ran  # upload-sarif defaults to false
    gate = job.step("Apply the gate")
    assert gate.ran and gate.exit_code == 1 and "::error::decaycheck: the gate failed" in gate.stdout

    outputs = job.outputs
    assert (outputs["conclusion"], outputs["exit-code"], outputs["pass-at-1"]) == ("failure", "1", "false")
    assert float(outputs["assert-pct"]) < 100
    sarif = workspace / outputs["sarif"]
    assert outputs["sarif"] == "out/decaycheck.sarif" and sarif.is_file()
    assert_valid_sarif(json.loads(sarif.read_text()))
    assert_valid_junit((workspace / outputs["junit"]).read_text())
    assert job.summary.startswith("## ❌ A% ") and "24 all comments" in job.summary
    assert job.summary == (workspace / outputs["markdown"]).read_text()
    report = json.loads(Path(outputs["report"]).read_text())
    assert report["assert_pct"] == float(outputs["assert-pct"])

    # asked to upload, the upload step runs with the SARIF the evaluation wrote
    runner.inputs["upload-sarif"] = "true"
    assert runner.condition(next(s for s in ACTION["runs"]["steps"] if s.get("uses")))

    # a broken config: the evaluation step still succeeds (its outputs are set), the gate step says why
    (workspace / ".github" / "decaycheck.yml").write_text("gate: {mode: sometimes}\n")
    again = runner.run(only=["Evaluate", "Apply the gate"])
    assert again.step("Evaluate").exit_code == 0 and again.outputs["exit-code"] == "2"
    assert again.step("Apply the gate").exit_code == 2
    assert "could not evaluate" in again.step("Apply the gate").stdout


def test_an_input_the_action_does_not_declare_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="sarif-path"):
        Runner(ROOT, tmp_path, tmp_path, {"sarif-path": "x"})
