"""Org and monorepo policy in the config: extends, apps, informational gates, annotation limits, every error at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import gate
from checks.cli import main as cli
from checks.config import BaseConfig, ConfigError, GateConfig, errors, merged, resolve
from checks.render.checkrun import outcome_of, text_of
from checks.report import Annotation, ConfigSource, Report
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult
from tests.support.cli import CliRunner

ORG = BaseConfig(
    name="acme/.github:.github/decaycheck.yml",
    text="constraints: {level: L3, framework: flask}\ngate: {min_assert_pct: 90}\nannotations: {max: 5}\n",
)


def test_extends_merges_the_orgs_defaults_key_by_key_and_says_where_each_came_from() -> None:
    cfg, sources = merged("extends: org\ngate: {mode: informational}\nsuites: [strict]\n", base=ORG)
    assert cfg.constraints.level == "L3" and cfg.constraints.framework == "flask"
    assert (cfg.gate.mode, cfg.gate.min_assert_pct) == ("informational", 90)  # mappings merge key by key
    assert cfg.suites == ["strict"] and cfg.annotations.max == 5
    origin = {key: source for key, _value, source in sources}
    assert origin["constraints.level"] == ORG.name and origin["gate.min_assert_pct"] == ORG.name
    assert origin["gate.mode"] == ".github/decaycheck.yml" and origin["extends"] == ".github/decaycheck.yml"
    # without extends the org's file is not read
    alone, _ = merged("gate: {mode: informational}\n", base=ORG)
    assert alone.constraints.level is None


def test_an_error_in_the_orgs_file_names_the_orgs_file_and_line() -> None:
    bad = BaseConfig(name="acme/.github:.github/decaycheck.yml", text="constraints:\n  orm: hibernate\n")
    with pytest.raises(ConfigError) as info:
        merged("extends: org\n", base=bad)
    assert (info.value.file, info.value.line, info.value.key) == (bad.name, 2, "constraints.orm")


def test_apps_narrow_the_config_to_one_app_with_its_own_keys(tmp_path: Path) -> None:
    (tmp_path / "services" / "api").mkdir(parents=True)
    (tmp_path / "services" / "web").mkdir(parents=True)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "decaycheck.yml").write_text(
        "constraints: {framework: flask}\n"
        "apps:\n"
        "  - {name: api, path: services/api, gate: {mode: informational}}\n"
        "  - {name: web, path: services/web, paths: ['services/web/**', 'shared/**'], constraints: {orm: none}}\n"
    )
    api = resolve(tmp_path, app="api")
    assert api.app_dir == (tmp_path / "services" / "api").resolve() and api.config.gate.mode == "informational"
    assert api.config.apps == [] and api.config.constraints.framework == "flask"
    web = resolve(tmp_path, app="web")
    assert web.config.constraints.orm == "none" and web.config.gate.mode == "blocking"
    with pytest.raises(ConfigError, match="evaluate one of them by name"):
        resolve(tmp_path)
    with pytest.raises(ConfigError, match=r"no app named 'db' \(apps: api, web\)"):
        resolve(tmp_path, app="db")
    cfg, _ = merged((tmp_path / ".github" / "decaycheck.yml").read_text())
    assert cfg.apps[0].touched_by(["services/api/app.py"]) and not cfg.apps[0].touched_by(["services/web/x.py"])
    assert cfg.apps[1].touched_by(["shared/lib.py"]) and not cfg.apps[1].touched_by(["README.md"])


def _failing(**gate_keys: object) -> Report:
    request = RequestResult(
        name="r",
        operation="Login",
        method="POST",
        path="/api/users/login",
        status=500,
        passed=0,
        total=1,
        failures=[AssertionFailure(assertion="status is 200", operation="Login", expected=200, actual=500)],
    )
    report = Report(startup="ok").with_suites(
        [SuiteResult(suite="compat", base_url="http://x", api_prefix="/api", requests=[request])]
    )
    return gate.apply(GateConfig.model_validate(gate_keys), report)


def test_an_informational_gate_reports_but_concludes_neutral() -> None:
    from checks.commands.run import exit_code

    blocking, informational = _failing(), _failing(mode="informational")
    assert outcome_of(blocking, 50).conclusion == "failure" and exit_code(blocking) == 1
    outcome = outcome_of(informational, 50)
    assert outcome.conclusion == "neutral" and exit_code(informational) == 0
    assert "gate failed" in outcome.title and "informational: the check concludes neutral" in outcome.summary
    informational.config_error = ".github/decaycheck.yml:2: gate.mode: got 'x'"
    assert outcome_of(informational, 50).conclusion == "failure"  # config errors fail loudly


def test_a_config_error_puts_file_and_line_in_the_title() -> None:
    report = Report(config_error=".github/decaycheck.yml:4: suites.1: got 'nope', expected 'compat' or 'strict'")
    title = outcome_of(gate.apply(GateConfig(), report), 50).title
    assert title.startswith("Config error: .github/decaycheck.yml:4: suites.1:")


def test_annotations_max_and_levels_limit_what_the_check_run_gets() -> None:
    report = _failing()
    report.annotations = [
        Annotation(path=f"a{i}.py", start_line=1, end_line=1, level=level, title="t", message="m")
        for i, level in enumerate(["failure", "warning", "notice", "failure"])
    ]
    assert len(outcome_of(report, 50).annotations) == 4
    report.annotation_levels = ["failure"]
    assert [a["path"] for a in outcome_of(report, 50).annotations] == ["a0.py", "a3.py"]
    report.annotations_max = 1
    assert len(outcome_of(report, 50).annotations) == 1
    report.annotations_max = 0
    assert outcome_of(report, 50).annotations == []  # off, even though findings could be rebuilt


def test_the_checks_text_shows_the_merged_config_and_its_sources() -> None:
    report = _failing()
    report.config_sources = [ConfigSource(key="gate.min_assert_pct", value="90", source=ORG.name)]
    assert f"| `gate.min_assert_pct` | `90` | {ORG.name} |" in text_of(report)


def test_config_validate_prints_every_error_with_its_line(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    text = "gate:\n  mode: sometimes\n  min_assert_pct: 120\nsuites: [compat, nope]\nannotations: {max: -1}\n"
    (tmp_path / ".github" / "decaycheck.yml").write_text(text)
    result = CliRunner().invoke(cli, ["config", "validate", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(": ")[0] for line in lines[:4]] == [f".github/decaycheck.yml:{n}" for n in (2, 3, 4, 5)]
    assert lines[-1] == "4 errors" and len(errors(text)) == 4
    (tmp_path / ".github" / "decaycheck.yml").write_text("gate: {mode: informational}\n")
    assert CliRunner().invoke(cli, ["config", "validate", str(tmp_path)]).exit_code == 0
    assert CliRunner().invoke(cli, ["config", "validate", "--config", str(tmp_path / "nope.yml")]).exit_code == 2


def test_run_takes_the_app_and_the_org_config_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "services" / "api").mkdir(parents=True)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "decaycheck.yml").write_text("extends: org\napps:\n  - {name: api, path: services/api}\n")
    org = tmp_path / "org.yml"
    org.write_text("gate:\n  mode: loud\n")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(cli, ["run", str(tmp_path), "--app", "db", "--json", str(out)])
    assert result.exit_code == 2 and "no app named 'db' (apps: api)" in out.read_text()
    result = CliRunner().invoke(
        cli, ["run", str(tmp_path), "--app", "api", "--org-config", str(org), "--json", str(out)]
    )
    assert result.exit_code == 2 and f"{org}:2: gate.mode: got 'loud'" in out.read_text()
    assert CliRunner().invoke(cli, ["run", str(tmp_path), "--org-config", str(tmp_path / "no.yml")]).exit_code == 2
