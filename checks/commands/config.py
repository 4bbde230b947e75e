"""`decaycheck config validate [PATH]`: every error of the repository's config at once, each with its line.

Exit codes: 0 the config is valid (or absent: the defaults), 1 it has errors,
2 the file named by --config does not exist.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from checks import config as config_mod


def main(args: argparse.Namespace) -> int:
    """Print every error of the config (file:line: key: problem), not only the first."""
    out = Console(highlight=False, soft_wrap=True)
    config: Path | None = args.config
    file = config if config is not None else args.path / config_mod.CONFIG_PATH
    if not file.is_file():
        if config is not None:
            Console(stderr=True).print(f"[red]error:[/red] {escape(str(file))}: file not found")
            return 2
        out.print(f"{escape(str(config_mod.CONFIG_PATH))}: absent; the defaults apply")
        return 0
    name = str(config) if config is not None else str(config_mod.CONFIG_PATH)
    problems = config_mod.errors(file.read_text(encoding="utf-8", errors="replace"), name=name)
    if not problems:
        out.print(f"{escape(name)}: valid")
        return 0
    for problem in sorted(problems, key=lambda p: p.line or 0):
        out.print(escape(str(problem)))
    out.print(f"{len(problems)} error{'s' if len(problems) != 1 else ''}")
    return 1
