"""The `decaycheck` command line: one evaluation, or any of its steps alone.

This module holds every command's arguments and help and imports nothing but
the standard library; a command's module (`checks.commands.<name>`, with a
`main(args) -> int`) is imported only when that command runs, so
`decaycheck --help` starts at once and `decaycheck suite` loads the suite
runner and little else (tests/test_cli_startup.py guards the import graph).
Each command writes its result as JSON with `--json FILE`. Exit codes: 0 when
the result is good (gate passed, every assertion passed, no finding), 1 when
it is not, 2 when the command could not do its job (bad usage, bad input).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Commands = argparse._SubParsersAction  # the `add_parser` of the top-level parser
Register = Callable[[Commands], None]

DESCRIPTION = "Evaluate agent-written backend code: behaviour, structure, root causes."


def command(
    commands: Commands, name: str, help: str, description: str | None = None, *, target: str | None = None
) -> argparse.ArgumentParser:
    """A sub-command whose `main(args) -> int` is `target` ("module:function", by default
    `checks.commands.<name>:main`), imported only when it runs."""
    parser = commands.add_parser(name, help=help, description=description or help)
    parser.set_defaults(target=target or f"checks.commands.{name}:main")
    return parser


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _checkout(parser: argparse.ArgumentParser, what: str) -> None:
    """PATH and --config: a checkout and the config that describes it."""
    parser.add_argument("path", type=Path, metavar="PATH", help=what)
    parser.add_argument("--config", type=Path, help="Config file instead of .github/decaycheck.yml.")


def _report_files(parser: argparse.ArgumentParser, markdown: str) -> None:
    """--sarif, --junit and --markdown: the report files a run or a batch writes."""
    parser.add_argument("--sarif", type=Path, help="Write findings and root causes as SARIF 2.1.0.")
    parser.add_argument("--junit", type=Path, help="Write the assertions as JUnit XML.")
    parser.add_argument("--markdown", type=Path, help=f"Write {markdown}.")


def _evaluation_commands(commands: Commands) -> None:
    run = command(
        commands,
        "run",
        "One full evaluation of a checkout, as the Check Run reports it.",
        "Build, start and test the app in a sandbox; verify its constraints; diagnose; apply the gate.",
    )
    _checkout(run, "Checkout of the repository to evaluate.")
    run.add_argument("--json", dest="json_out", type=Path, help="Write the report JSON to this file.")
    run.add_argument("--sandbox", help="local (default) or docker.")
    run.add_argument(
        "--keep-workspace",
        action="store_true",
        help="Keep the private copy of the app (installed deps, logs) to debug.",
    )
    _report_files(run, "the Check Run's Markdown")
    run.add_argument("--app", dest="app_name", help="Which app of the config's `apps:` to evaluate.")
    run.add_argument(
        "--org-config", type=Path, help="The config an `extends:` names (the org's .github/decaycheck.yml)."
    )

    suite = command(
        commands,
        "suite",
        "Run the compat or strict suite, or a suite file, against a running server; or validate a suite file.",
    )
    suite.add_argument("action", nargs="?", choices=["validate"], help="validate FILE: check a suite file, no server.")
    suite.add_argument("file", nargs="?", type=Path, help="The suite file to validate (YAML, docs/suites.md).")
    suite.add_argument("--base-url", help="Server root, e.g. http://127.0.0.1:8080.")
    suite.add_argument("--file", dest="suite_file", type=Path, help="A suite file in decaycheck's format instead.")
    suite.add_argument("--api-prefix", default="/api", help="Prefix of the API routes (default /api).")
    suite.add_argument("--suite", dest="suite_name", default="compat", help="compat (default) or strict.")
    suite.add_argument("--json", dest="json_path", type=Path, help="Write the result as JSON here.")
    suite.add_argument("--timeout", type=float, default=10.0, help="Seconds per request (default 10).")
    suite.add_argument("--deadline", type=float, help="Seconds for the whole run.")

    verify = command(
        commands,
        "verify",
        "Structural findings alone, for the constraints a repository declares.",
        "Check the code against its declared framework, architecture, database and ORM.",
    )
    _checkout(verify, "Repository checkout to verify.")
    verify.add_argument("--level", help="The study's level: L0, L1, L2 or L3.")
    verify.add_argument("--framework", help="flask|fastapi|django|aiohttp|express|fastify|hono|koa")
    verify.add_argument("--architecture", help="clean|none")
    verify.add_argument("--database", help="postgresql|sqlite")
    verify.add_argument("--orm", help="sqlalchemy|sqlmodel|django|sequelize|knex|prisma|typeorm|none")
    verify.add_argument("--json", dest="json_path", type=Path, help="Write the findings as JSON here.")

    diagnose = command(
        commands,
        "diagnose",
        "Diagnose the root causes of a failed evaluation from recorded evidence.",
    )
    diagnose.add_argument(
        "--input", "-i", required=True, type=Path, help="Evidence JSON: requests, server_log, startup, findings."
    )
    diagnose.add_argument("--repo", type=Path, help="Checkout the evidence came from, to map frames to files.")
    diagnose.add_argument("--json", dest="json_out", type=Path, help='Write {"diagnosis": ...} here.')

    batch = command(
        commands,
        "batch",
        "Evaluate many checkouts K times each and write the study's tables and report.html.",
    )
    batch.add_argument("source_path", type=Path, metavar="SOURCE", help="Folder of checkouts, or a YAML/CSV manifest.")
    batch.add_argument("--trials", "-k", type=positive, default=1, help="Trials (evaluations) of each checkout.")
    batch.add_argument("--workers", "-n", type=positive, default=1, help="Evaluations at once on this machine.")
    batch.add_argument(
        "--out", required=True, type=Path, help="Folder for runs.jsonl, tables.json, the CSVs and report.html."
    )
    batch.add_argument("--resume", action="store_true", help="Continue the batch in --out: run only what is missing.")
    batch.add_argument("--sandbox", help="local (default) or docker.")
    batch.add_argument("--local", action="store_true", help="Evaluate here even when DECAYCHECK_REDIS_URL is set.")
    _report_files(batch, "a Markdown summary of the trials")

    init = command(
        commands,
        "init",
        "Write a commented .github/decaycheck.yml from what the repository is.",
        "Detect runtime, framework, ORM, database, start command, port and prefix; write the config (docs/config.md).",
    )
    init.add_argument(
        "path", type=Path, nargs="?", default=Path("."), metavar="PATH", help="Repository checkout (default: here)."
    )
    init.add_argument("--force", action="store_true", help="Replace an existing .github/decaycheck.yml.")
    init.add_argument("--print", dest="print_only", action="store_true", help="Print the config instead of writing it.")

    config = commands.add_parser("config", help="The repository's .github/decaycheck.yml.")
    actions = config.add_subparsers(title="actions", metavar="ACTION")
    validate = command(
        actions,
        "validate",
        "Print every error of the config (file:line: key: problem), not only the first.",
        target="checks.commands.config:main",
    )
    validate.add_argument(
        "path", type=Path, nargs="?", default=Path("."), metavar="PATH", help="Checkout holding .github/decaycheck.yml."
    )
    validate.add_argument("--config", type=Path, help="Config file instead of .github/decaycheck.yml.")


def build(extra: Sequence[Register] = ()) -> argparse.ArgumentParser:
    """The parser of every command: the evaluation commands, then those `extra` adds (the App's)."""
    parser = argparse.ArgumentParser(prog="decaycheck", description=DESCRIPTION)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _evaluation_commands(commands)
    for register in extra:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, extra: Sequence[Register] = (), queue: str | None = None) -> int:
    """Parse `argv` and run the command; returns its exit code.

    `queue` ("module:function", a factory batch id -> executor) is the queue
    executor `batch` uses when DECAYCHECK_REDIS_URL is set; the App's CLI gives it.
    """
    parser = build(extra)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv) or ["--help"])
    if not hasattr(args, "target"):
        parser.print_help()
        return 2
    args.queue = queue
    return int(load(args.target)(args) or 0)  # type: ignore[call-overload]


def load(target: str) -> Callable[..., object]:
    """The function a "module:function" string names."""
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)


if __name__ == "__main__":
    sys.exit(main())
