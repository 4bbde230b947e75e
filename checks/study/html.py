"""report.html: one static page with the study's tables and plots (inline SVG; no script, no network).

Rendered by Jinja2 with autoescaping on, so every label, path and assertion
text (all from untrusted repositories) is escaped; the charts come from
`checks.study.svg`, which escapes its own text. The page declares a Content
Security Policy that forbids scripts and any load from elsewhere.
"""

from __future__ import annotations

import math
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from checks.study import labels as labels_mod
from checks.study import svg
from checks.study.tables import Tables

TEMPLATES = Path(__file__).parent / "templates"


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _signed(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:+.{digits}f}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
    )
    env.filters["fmt"] = _fmt
    env.filters["signed"] = _signed
    return env


def charts(tables: Tables) -> dict[str, Markup]:
    levels = [row for row in tables.levels if row.level != "all"]
    out: dict[str, Markup] = {}
    if levels:
        out["levels"] = svg.grouped_bars(
            "levels",
            "A% by level (enforced and raw)",
            [row.level for row in levels],
            [
                ("A% enforced", [row.a_pct_enforced for row in levels]),
                ("A% raw", [row.a_pct_raw for row in levels]),
                ("pass@1 ×100", [100 * row.pass_at_1 for row in levels]),
            ],
        )
    if tables.constraints:
        out["constraints"] = svg.effects(
            "constraints",
            "Marginal effect of each constraint on enforced A% (mean ± SEM)",
            [(row.change, row.mean_enforced, row.sem_enforced) for row in tables.constraints],
            x_label="ΔA% (with − without)",
        )
    if tables.frameworks:
        out["frameworks"] = svg.grouped_bars(
            "frameworks",
            "Frameworks by pass@1",
            [row.framework for row in tables.frameworks],
            [
                ("pass@1 ×100", [100 * row.pass_at_1 for row in tables.frameworks]),
                ("A% enforced", [row.a_pct_enforced for row in tables.frameworks]),
            ],
        )
    overall = [row for row in tables.pass_k if row.group == "all"]
    if overall:
        out["pass_k"] = svg.lines(
            "pass_k",
            "pass@k and pass^k (all configurations)",
            [
                ("pass@k", [(row.k, row.pass_at_k) for row in overall]),
                ("pass^k", [(row.k, row.pass_hat_k) for row in overall]),
            ],
            x_label="k",
            y_label="probability",
            y_max=1.0,
        )
    points = tables.decay.points
    if points:
        curves = []
        for index, fit in ((0, tables.decay.fit_enforced), (1, tables.decay.fit_raw)):
            if fit is not None:
                curves.append((index, lambda n, a0=fit.a0, rate=fit.rate: a0 * math.exp(-rate * n)))
        out["decay"] = svg.lines(
            "decay",
            "Decay: A% against the number of constraints (dashed: exponential fit)",
            [
                ("A% enforced", [(p.constraints, p.a_pct_enforced) for p in points]),
                ("A% raw", [(p.constraints, p.a_pct_raw) for p in points]),
            ],
            curves=curves,
            x_label="constraints (architecture, database, ORM)",
            y_label="A%",
        )
    return out


def render(tables: Tables, *, title: str = "decaycheck study") -> str:
    template = _environment().get_template("report.html")
    return template.render(t=tables, title=title, charts=charts(tables), levels=labels_mod.LEVELS)
