"""Small inline SVG charts for report.html: grouped bars, lines with fitted curves, effects with error bars.

Written by hand rather than with matplotlib: the page needs three plain chart
kinds, and a few dozen lines of SVG keep the CLI free of a plotting stack
(matplotlib and numpy would add tens of megabytes and about a second of import
to every batch), give byte-identical output for identical tables, and keep
every piece of text under this module's escaping (labels come from untrusted
repositories). Each chart is an `<svg class="chart" data-chart=NAME>` with a
`<title>`, readable without a network or JavaScript.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

PALETTE = ("#1f6feb", "#d29922", "#2da44e", "#cf222e", "#8250df", "#57606a")
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 48, 48


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _frame(name: str, title: str, body: list[str], legend: Sequence[str], height: int = HEIGHT) -> Markup:
    parts = [
        f'<svg class="chart" data-chart="{escape(name)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="20" class="chart-title" font-size="14" font-weight="600">{escape(title)}</text>',
    ]
    x = LEFT
    for index, label in enumerate(legend):  # one row under the title
        parts.append(
            f'<rect class="legend" x="{x}" y="28" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="37" font-size="11">{escape(label)}</text>'
        )
        x += 28 + 7 * len(label)
    parts += body
    parts.append("</svg>")
    return Markup("".join(parts))


def _y_axis(
    lo: float, hi: float, height: int, label: str, ticks: int = 5
) -> tuple[list[str], Callable[[float], float]]:
    plot_h = height - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - lo) / (hi - lo if hi != lo else 1))

    body = []
    for i in range(ticks + 1):
        value = lo + (hi - lo) * i / ticks
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#d0d7de" '
            f'stroke-width="0.5"/><text x="{LEFT - 6}" y="{y(value) + 4:.1f}" font-size="11" '
            f'text-anchor="end">{_num(value)}</text>'
        )
    body.append(
        f'<text x="14" y="{TOP + plot_h / 2:.0f}" font-size="11" transform="rotate(-90 14 {TOP + plot_h / 2:.0f})" '
        f'text-anchor="middle">{escape(label)}</text>'
    )
    return body, y


def grouped_bars(
    name: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    y_label: str = "A%",
    y_max: float = 100.0,
) -> Markup:
    """One group of bars per category, one bar per series (None: no bar)."""
    body, y = _y_axis(0.0, y_max, HEIGHT, y_label)
    plot_w = WIDTH - LEFT - RIGHT
    group_w = plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(series))
    for ci, category in enumerate(categories):
        gx = LEFT + ci * group_w + group_w * 0.1
        for si, (label, values) in enumerate(series):
            value = values[ci]
            if value is None:
                continue
            top = y(min(max(value, 0.0), y_max))
            body.append(
                f'<rect class="bar" x="{gx + si * bar_w:.1f}" y="{top:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{y(0) - top:.1f}" fill="{PALETTE[si % len(PALETTE)]}">'
                f"<title>{escape(category)} · {escape(label)}: {_num(value)}</title></rect>"
                f'<text x="{gx + si * bar_w + bar_w / 2 - 1:.1f}" y="{top - 3:.1f}" font-size="10" '
                f'text-anchor="middle">{_num(value)}</text>'
            )
        body.append(
            f'<text x="{gx + group_w * 0.4:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    return _frame(name, title, body, [label for label, _ in series])


def lines(
    name: str,
    title: str,
    series: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    *,
    curves: Sequence[tuple[int, Callable[[float], float]]] = (),
    x_label: str,
    y_label: str,
    y_max: float = 100.0,
) -> Markup:
    """Points joined by lines, one colour per series; `curves` draws (series index, f(x)) dashed over the x range."""
    xs = [x for _, points in series for x, _ in points] or [0.0, 1.0]
    x_lo, x_hi = min(xs), max(xs)
    if x_lo == x_hi:
        x_lo, x_hi = x_lo - 1, x_hi + 1
    body, y = _y_axis(0.0, y_max, HEIGHT, y_label)
    plot_w = WIDTH - LEFT - RIGHT - 20

    def x_of(value: float) -> float:
        return LEFT + 10 + plot_w * (value - x_lo) / (x_hi - x_lo)

    for tick in sorted(set(xs)):
        body.append(
            f'<text x="{x_of(tick):.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" text-anchor="middle">'
            f"{_num(tick)}</text>"
        )
    body.append(
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 10}" font-size="11" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    for index, fn in curves:
        steps = 40
        coords = []
        for i in range(steps + 1):
            xv = x_lo + (x_hi - x_lo) * i / steps
            yv = fn(xv)
            if math.isfinite(yv):
                coords.append(f"{x_of(xv):.1f},{y(min(max(yv, 0.0), y_max)):.1f}")
        body.append(
            f'<polyline class="fit" fill="none" stroke="{PALETTE[index % len(PALETTE)]}" stroke-width="1.5" '
            f'stroke-dasharray="5 4" points="{" ".join(coords)}"/>'
        )
    for index, (label, points) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        ordered = sorted(points)
        if len(ordered) > 1:
            joined = " ".join(f"{x_of(px):.1f},{y(min(max(py, 0.0), y_max)):.1f}" for px, py in ordered)
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{joined}"/>')
        for px, py in ordered:
            body.append(
                f'<circle class="point" cx="{x_of(px):.1f}" cy="{y(min(max(py, 0.0), y_max)):.1f}" r="4" '
                f'fill="{colour}"><title>{escape(label)} at {_num(px)}: {_num(py)}</title></circle>'
            )
    return _frame(name, title, body, [label for label, _ in series])


def effects(name: str, title: str, rows: Sequence[tuple[str, float, float | None]], *, x_label: str) -> Markup:
    """Horizontal bars from zero (mean), with ± SEM whiskers where known."""
    row_h = 26
    height = TOP + BOTTOM + row_h * max(1, len(rows))
    reach = max([abs(m) + (s or 0.0) for _, m, s in rows] + [1.0])
    reach = math.ceil(reach / 5) * 5
    left = 190
    plot_w = WIDTH - left - RIGHT

    def x_of(value: float) -> float:
        return left + plot_w * (value + reach) / (2 * reach)

    body = []
    for i in range(5):
        value = -reach + 2 * reach * i / 4
        body.append(
            f'<line x1="{x_of(value):.1f}" x2="{x_of(value):.1f}" y1="{TOP}" y2="{height - BOTTOM}" stroke="#d0d7de" '
            f'stroke-width="0.5"/><text x="{x_of(value):.1f}" y="{height - BOTTOM + 16}" font-size="11" '
            f'text-anchor="middle">{_num(value)}</text>'
        )
    body.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 10}" font-size="11" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    for index, (label, mean, sem) in enumerate(rows):
        top = TOP + index * row_h + 4
        x0, x1 = sorted((x_of(0.0), x_of(mean)))
        colour = PALETTE[3] if mean < 0 else PALETTE[2]
        body.append(
            f'<text x="{left - 8}" y="{top + 13}" font-size="11" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 1):.1f}" height="{row_h - 10}" '
            f'fill="{colour}"><title>{escape(label)}: {_num(mean)}'
            + (f" ± {_num(sem)}" if sem is not None else "")
            + "</title></rect>"
        )
        if sem is not None:
            cy = top + (row_h - 10) / 2
            body.append(
                f'<line class="sem" x1="{x_of(mean - sem):.1f}" x2="{x_of(mean + sem):.1f}" y1="{cy:.1f}" '
                f'y2="{cy:.1f}" stroke="#24292f" stroke-width="1.5"/>'
            )
    body.append(f'<line x1="{x_of(0):.1f}" x2="{x_of(0):.1f}" y1="{TOP}" y2="{height - BOTTOM}" stroke="#24292f"/>')
    return _frame(name, title, body, [], height=height)
