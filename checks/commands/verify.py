"""`decaycheck verify`: the structural findings alone, for the constraints a repository declares.

Constraints come from the repository's `.github/decaycheck.yml` (or
`--config FILE`); `--level` and the per-constraint flags override it. Prints
one table row per finding; `--json FILE` writes the findings and their counts.
Exit codes: 0 no finding, 1 findings, 2 bad usage (bad path, bad config, bad flag).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import get_args

from rich.console import Console
from rich.text import Text

from checks.config import ConfigError, resolve
from checks.render.terminal import print_findings
from verifiers import open_findings, verify
from verifiers.constraints import Architecture, Constraints, Database, Framework, Level, Orm
from verifiers.findings import Finding


def choose_constraints(
    declared: Constraints,
    runtime: str,
    *,
    level: str | None,
    framework: str | None,
    architecture: str | None,
    database: str | None,
    orm: str | None,
) -> Constraints:
    """The repository's constraints with the command-line flags laid over them (a level expands first)."""
    framework = framework or declared.framework
    if level is not None:
        base = Constraints.from_level(
            level,  # type: ignore[arg-type]
            framework=framework,  # type: ignore[arg-type]
            database=database or declared.database or "postgresql",  # type: ignore[arg-type]
        )
        if base.orm is not None and framework is None:
            base = base.model_copy(update={"orm": "sequelize" if runtime == "node" else "sqlalchemy"})
    else:
        base = declared.model_copy(update={"framework": framework})
    overrides = {k: v for k, v in (("architecture", architecture), ("database", database), ("orm", orm)) if v}
    return base.model_copy(update=overrides)


def findings_json(findings: list[Finding], constraints: Constraints, path: str) -> dict:
    return {
        "path": path,
        "constraints": constraints.declared(),
        "findings": [f.model_dump() for f in findings],
        "counts": {
            "total": len(findings),
            "waived": sum(1 for f in findings if f.waived is not None),
            "by_constraint": dict(sorted(Counter(f.constraint for f in findings).items())),
            "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
            "by_severity": dict(sorted(Counter(f.severity for f in findings).items())),
        },
    }


def render(findings: list[Finding], constraints: Constraints, console: Console) -> None:
    declared = ", ".join(f"{k}={v}" for k, v in constraints.declared().items()) or "nothing declared"
    console.print(Text(f"structural findings ({declared})", style="bold"))
    print_findings(findings, console)
    waived = sum(1 for f in findings if f.waived is not None)
    count = f"{len(findings)} finding{'s' if len(findings) != 1 else ''}" + (f", {waived} waived" if waived else "")
    console.print(Text(count, style="dim"))


def _bad_choice(name: str, value: str | None, allowed: tuple[str, ...], console: Console) -> bool:
    if value is not None and value not in allowed:
        console.print(f"[red]error:[/red] --{name} {value!r}: expected one of {', '.join(allowed)}")
        return True
    return False


def main(args: argparse.Namespace) -> int:
    """Check the code against its declared framework, architecture, database and ORM."""
    console = Console()
    for name, kind in (
        ("level", Level),
        ("framework", Framework),
        ("architecture", Architecture),
        ("database", Database),
        ("orm", Orm),
    ):
        if _bad_choice(name, getattr(args, name), get_args(kind), console):
            return 2
    if not args.path.is_dir():
        console.print(f"[red]error:[/red] {args.path} is not a folder")
        return 2
    try:
        resolved = resolve(args.path, args.config)
    except ConfigError as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2
    constraints = choose_constraints(
        resolved.constraints,
        resolved.runtime,
        level=args.level,
        framework=args.framework,
        architecture=args.architecture,
        database=args.database,
        orm=args.orm,
    )
    cfg = resolved.config
    findings = verify(resolved.app_dir, constraints, layers=cfg.layers, waivers=cfg.waivers)
    render(findings, constraints, console)
    if args.json_path is not None:
        args.json_path.write_text(json.dumps(findings_json(findings, constraints, str(args.path)), indent=2) + "\n")
    return 1 if open_findings(findings) else 0
