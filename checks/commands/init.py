"""`decaycheck init [PATH]`: detect what a repository is and write a commented `.github/decaycheck.yml`.

Exit codes: 0 written (or printed with `--print`), 2 the path is no folder or
a config exists already (`--force` replaces it).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from checks.config import CONFIG_PATH, ConfigError, parse
from checks.detect import detect, render


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        path: Path = typer.Argument(Path("."), help="Repository checkout (default: the current folder)."),
        force: bool = typer.Option(False, "--force", help="Replace an existing .github/decaycheck.yml."),
        print_only: bool = typer.Option(False, "--print", help="Print the config instead of writing it."),
    ) -> None:
        """Detect runtime, framework, ORM, database, start command, port and prefix; write the config (docs/config.md)."""
        err = Console(stderr=True, highlight=False)
        if not path.is_dir():
            err.print(f"error: {path} is not a folder")
            raise typer.Exit(2)
        target = path / CONFIG_PATH
        if target.exists() and not force and not print_only:
            err.print(f"error: {target} exists already (--force replaces it, --print shows what would be written)")
            raise typer.Exit(2)
        text = render(detect(path))
        try:
            parse(text, name=str(CONFIG_PATH))
        except ConfigError as exc:  # a detection bug must not leave a config that cannot be read
            err.print(f"error: the detected config does not validate: {exc}")
            raise typer.Exit(2) from None
        if print_only:
            typer.echo(text, nl=False)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        err.print(f"wrote {target}; check the keys marked TODO or note, then: decaycheck run {path}")
