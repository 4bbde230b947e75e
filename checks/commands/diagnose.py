"""`decaycheck diagnose --input FILE`: root causes from recorded evidence.

The input is the documented diagnosis input (requests, server_log, startup,
findings), so recordings from other harnesses can be diagnosed too; a full
report JSON from `decaycheck run --json` is accepted as well.
"""

from __future__ import annotations

import argparse
import json

from pydantic import ValidationError
from rich.console import Console

from checks.diagnosis import DiagnosisInput, diagnose
from checks.render.common import inert


def main(args: argparse.Namespace) -> int:
    """Diagnose the root causes of a failed evaluation from recorded evidence."""
    console = Console(stderr=True)
    try:
        raw = json.loads(args.input.read_text())
        if "server_log" not in raw and "server_log_tail" in raw:
            raw["server_log"] = raw["server_log_tail"]
        evidence = DiagnosisInput.model_validate(raw)
    except (OSError, ValueError, ValidationError) as exc:
        console.print(f"[red]cannot read {args.input}:[/red] {exc}")
        return 2
    result = diagnose(evidence, repo=args.repo)
    payload = {"diagnosis": result.model_dump()}
    if args.json_out:
        args.json_out.write_text(json.dumps(payload, indent=2))
    out = Console()
    out.print(f"[bold]{result.category}[/bold]" + (f" / {result.subcategory}" if result.subcategory else ""))
    out.print(inert(result.summary), markup=False)
    for rank, cause in enumerate(result.causes, start=1):
        out.print(f"\n[bold]#{rank}[/bold] {cause.category}" + (f" / {cause.subcategory}" if cause.subcategory else ""))
        for item in cause.evidence:
            span = f"-{item.end_line}" if item.end_line else ""
            where = (
                f"{item.path}:{item.line}{span} " if item.path and item.line else (f"{item.path} " if item.path else "")
            )
            out.print(inert(f"  - {where}{item.message}"), markup=False)
    return 0 if result.category == "none" else 1
