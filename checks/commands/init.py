"""`decaycheck init [PATH]`: detect what a repository is and write a commented `.github/decaycheck.yml`.

Exit codes: 0 written (or printed with `--print`), 2 the path is no folder or
a config exists already (`--force` replaces it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from checks.config import CONFIG_PATH, ConfigError, parse
from checks.detect import detect, render


def main(args: argparse.Namespace) -> int:
    """Detect runtime, framework, ORM, database, start command, port and prefix; write the config (docs/config.md)."""
    err = Console(stderr=True, highlight=False)
    path: Path = args.path
    if not path.is_dir():
        err.print(f"error: {path} is not a folder")
        return 2
    target = path / CONFIG_PATH
    if target.exists() and not args.force and not args.print_only:
        err.print(f"error: {target} exists already (--force replaces it, --print shows what would be written)")
        return 2
    text = render(detect(path))
    try:
        parse(text, name=str(CONFIG_PATH))
    except ConfigError as exc:  # a detection bug must not leave a config that cannot be read
        err.print(f"error: the detected config does not validate: {exc}")
        return 2
    if args.print_only:
        sys.stdout.write(text)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    err.print(f"wrote {target}; check the keys marked TODO or note, then: decaycheck run {path}")
    return 0
