"""`decaycheck verify`: the structural findings alone, for the constraints a repository declares.

Constraints come from the repository's `.github/decaycheck.yml` (or
`--config FILE`); `--level` and the per-constraint flags override it. Prints
one table row per finding; `--json FILE` writes the findings and their counts.
Exit codes: 0 no finding, 1 findings, 2 bad usage (bad path, bad config, bad flag).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import get_args

import typer
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
            level,
            framework=framework,  # type: ignore[arg-type]
            database=database or declared.database or "postgresql",
        )  # type: ignore[arg-type]
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


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...], console: Console) -> None:
    if value is not None and value not in allowed:
        console.print(f"[red]error:[/red] --{name} {value!r}: expected one of {', '.join(allowed)}")
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify_command(
        path: Path = typer.Argument(..., help="Repository checkout to verify."),
        config: Path | None = typer.Option(None, "--config", help="Config file instead of .github/decaycheck.yml."),
        level: str | None = typer.Option(None, "--level", help="The study's level: L0, L1, L2 or L3."),
        framework: str | None = typer.Option(
            None, "--framework", help="flask|fastapi|django|aiohttp|express|fastify|hono|koa"
        ),
        architecture: str | None = typer.Option(None, "--architecture", help="clean|none"),
        database: str | None = typer.Option(None, "--database", help="postgresql|sqlite"),
        orm: str | None = typer.Option(
            None, "--orm", help="sqlalchemy|sqlmodel|django|sequelize|knex|prisma|typeorm|none"
        ),
        json_path: Path | None = typer.Option(None, "--json", help="Write the findings as JSON here."),
    ) -> None:
        """Check the code against its declared framework, architecture, database and ORM."""
        console = Console()
        for name, value, kind in (
            ("level", level, Level),
            ("framework", framework, Framework),
            ("architecture", architecture, Architecture),
            ("database", database, Database),
            ("orm", orm, Orm),
        ):
            _check_choice(name, value, get_args(kind), console)
        if not path.is_dir():
            console.print(f"[red]error:[/red] {path} is not a folder")
            raise typer.Exit(2)
        try:
            resolved = resolve(path, config)
        except ConfigError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        constraints = choose_constraints(
            resolved.constraints,
            resolved.runtime,
            level=level,
            framework=framework,
            architecture=architecture,
            database=database,
            orm=orm,
        )
        cfg = resolved.config
        findings = verify(resolved.app_dir, constraints, layers=cfg.layers, waivers=cfg.waivers)
        render(findings, constraints, console)
        if json_path is not None:
            json_path.write_text(json.dumps(findings_json(findings, constraints, str(path)), indent=2) + "\n")
        raise typer.Exit(1 if open_findings(findings) else 0)
