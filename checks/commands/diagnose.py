"""`decaycheck diagnose` (placeholder until its issue lands)."""

import typer


def register(app: typer.Typer) -> None:
    @app.command("diagnose")
    def _placeholder() -> None:
        """Not built yet."""
        raise typer.Exit(2)
