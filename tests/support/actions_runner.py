"""Run a composite action's steps the way the GitHub Actions runner does, on this machine.

What it reproduces: `${{ }}` expressions over `inputs`, `steps.<id>.outputs`,
`runner`, `github` (and `if:` conditions built from them with `==`, `!=`,
`&&`, `||`); each `run:` step as `bash --noprofile --norc -eo pipefail FILE`
in its `working-directory`, with the step's `env:`, `GITHUB_ACTION_PATH`,
`GITHUB_WORKSPACE`, `RUNNER_TEMP` and fresh `GITHUB_OUTPUT` /
`GITHUB_STEP_SUMMARY` / `GITHUB_PATH` files (outputs read back after the
step, path lines prepended to later steps' PATH); the first failing step
stops the job. Steps that `uses:` another action are recorded, not run.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_REF = re.compile(r"\b(inputs|steps|runner|github)((?:\.[\w-]+)+)")


@dataclass
class StepResult:
    name: str
    ran: bool
    exit_code: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    uses: str | None = None


@dataclass
class JobResult:
    steps: list[StepResult]
    outputs: dict[str, str]
    summary: str

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)

    @property
    def failed(self) -> StepResult | None:
        return next((s for s in self.steps if s.ran and s.exit_code != 0), None)


def load_action(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


class Runner:
    def __init__(self, action_dir: Path, workspace: Path, temp: Path, inputs: dict[str, str] | None = None) -> None:
        self.action_dir = action_dir
        self.action = load_action(action_dir / "action.yml")
        self.workspace = workspace
        self.temp = temp
        self.inputs = {k: str(v.get("default", "")) for k, v in (self.action.get("inputs") or {}).items()}
        unknown = set(inputs or {}) - set(self.inputs)
        if unknown:
            raise KeyError(f"inputs the action does not declare: {sorted(unknown)}")
        self.inputs.update(inputs or {})
        self.step_outputs: dict[str, dict[str, str]] = {}
        self.path_entries: list[str] = []
        self.summary = temp / "step_summary.md"

    # -- expressions ---------------------------------------------------------------------------

    def _lookup(self, scope: str, rest: str) -> str:
        parts = rest.strip(".").split(".")
        if scope == "inputs":
            return self.inputs[parts[0]]
        if scope == "steps":
            step_id, kind, name = parts
            assert kind == "outputs", rest
            return self.step_outputs.get(step_id, {}).get(name, "")
        if scope == "runner":
            return {"temp": str(self.temp), "os": "Linux"}[parts[0]]
        return {"workspace": str(self.workspace), "action_path": str(self.action_dir)}[parts[0]]

    def expand(self, text: str) -> str:
        return _EXPR.sub(lambda m: str(self.evaluate(m.group(1))), text)

    def evaluate(self, expression: str) -> Any:
        python = _REF.sub(lambda m: repr(self._lookup(m.group(1), m.group(2))), expression)
        python = python.replace("&&", " and ").replace("||", " or ").replace("!", " not ").replace(" not =", "!=")
        if python.strip() == "always()":
            return True
        return eval(python, {"__builtins__": {}}, {})

    def condition(self, step: dict[str, Any]) -> bool:
        raw = step.get("if")
        if raw is None:
            return True
        inner = _EXPR.fullmatch(raw.strip())
        return bool(self.evaluate(inner.group(1) if inner else raw))

    # -- steps -----------------------------------------------------------------------------

    def run(self, only: list[str] | None = None) -> JobResult:
        results: list[StepResult] = []
        self.summary.touch()
        for index, step in enumerate(self.action["runs"]["steps"]):
            name = step.get("name", f"step {index}")
            if only is not None and name not in only:
                continue
            if not self.condition(step):
                results.append(StepResult(name, ran=False, uses=step.get("uses")))
                continue
            if "uses" in step:
                results.append(StepResult(name, ran=False, uses=step["uses"]))
                continue
            result = self._run_step(index, name, step)
            results.append(result)
            if result.exit_code != 0:
                break
        outputs = {k: self.expand(v["value"]) for k, v in (self.action.get("outputs") or {}).items()}
        return JobResult(results, outputs, self.summary.read_text())

    def _run_step(self, index: int, name: str, step: dict[str, Any]) -> StepResult:
        assert step.get("shell") == "bash", f"{name}: composite run steps must name their shell"
        files = {key: self.temp / f"{key.lower()}_{index}" for key in ("GITHUB_OUTPUT", "GITHUB_PATH")}
        for file in files.values():
            file.write_text("")
        script = self.temp / f"step_{index}.sh"
        script.write_text(self.expand(step["run"]))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DECAYCHECK_", "GITHUB_", "INPUT_"))}
        env.update(
            GITHUB_ACTIONS="true",
            GITHUB_ACTION_PATH=str(self.action_dir),
            GITHUB_WORKSPACE=str(self.workspace),
            RUNNER_TEMP=str(self.temp),
            GITHUB_STEP_SUMMARY=str(self.summary),
            **{k: str(v) for k, v in files.items()},
        )
        env.update({k: self.expand(str(v)) for k, v in (step.get("env") or {}).items()})
        env["PATH"] = os.pathsep.join([*reversed(self.path_entries), env.get("PATH", "")])
        cwd = self.expand(step.get("working-directory", str(self.workspace)))
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        outputs = dict(line.split("=", 1) for line in files["GITHUB_OUTPUT"].read_text().splitlines() if "=" in line)
        if step.get("id"):
            self.step_outputs[step["id"]] = outputs
        self.path_entries += [p for p in files["GITHUB_PATH"].read_text().splitlines() if p]
        return StepResult(name, True, proc.returncode, proc.stdout, proc.stderr, outputs)
