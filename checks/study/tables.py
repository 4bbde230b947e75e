"""The study's tables from a batch's run records (pure: the same records give the same tables, in any order).

Runs whose evaluation errored (`report.error`) are counted but excluded from
every figure: they say nothing about the repository. Everything else counts,
a server that never started included (A% 0).

- Table 1 / 1-raw (`levels`, `framework_levels`, `delta_l3_l0`): A% with
  verifier enforcement and raw, and pass@1, by level; a level's figure is the
  mean over its configurations of each configuration's figure.
- Table 2a (`constraints`): the marginal effect of each constraint, from
  matched pairs of configurations that differ in exactly that constraint.
- Table 8 (`frameworks`): frameworks ranked by pass@1, then enforced A%.
- `pass_k`: pass@k and pass^k for k = 1..K, overall and by level.
- Table 4 (`root_causes`): the headline root cause of every run that did not
  pass, coarse categories and logic-error subcategories.
- `decay`: A% against the number of constraints, with A0·exp(-rate·n) fitted.
- `flaky`: assertions that failed in some but not all trials of one checkout.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel, Field

from checks.study import formulas
from checks.study import labels as labels_mod
from checks.study.model import RunRecord

UNLABELLED = "(unlabelled)"
# Labels that describe a configuration's constraints; the rest must match for a matched pair.
CONSTRAINT_LABELS = frozenset({*labels_mod.CONSTRAINT_KEYS, "level", "constraints"})


class ConfigurationRow(BaseModel):
    configuration: str
    labels: dict[str, str]
    runs: int
    passing: int = Field(description="Runs that passed fully (every assertion, no constraint finding).")
    a_pct_enforced: float
    a_pct_raw: float
    pass_at_1: float


class LevelRow(BaseModel):
    level: str
    configurations: int
    runs: int
    a_pct_enforced: float
    a_pct_raw: float
    pass_at_1: float


class FrameworkLevelRow(BaseModel):
    framework: str
    a_pct_enforced: dict[str, float | None]
    a_pct_raw: dict[str, float | None]
    delta_enforced: float | None
    delta_raw: float | None


class Delta(BaseModel):
    enforced: float
    raw: float


class ConstraintEffect(BaseModel):
    constraint: str
    change: str = Field(description="`+database=postgresql` adds the constraint; `orm: a→b` swaps a value.")
    pairs: int
    mean_enforced: float
    sem_enforced: float | None
    mean_raw: float
    sem_raw: float | None


class FrameworkRow(BaseModel):
    rank: int
    framework: str
    configurations: int
    runs: int
    pass_at_1: float
    a_pct_enforced: float
    a_pct_raw: float


class PassKRow(BaseModel):
    group: str
    k: int
    configurations: int
    pass_at_k: float
    pass_hat_k: float


class CauseRow(BaseModel):
    category: str
    subcategory: str | None = None
    runs: int
    share: float = Field(description="Percent of failed runs (categories) or of logic errors (subcategories).")
    by_level: dict[str, int] = Field(default_factory=dict)


class DecayPoint(BaseModel):
    constraints: int
    configurations: int
    a_pct_enforced: float
    a_pct_raw: float


class DecayFit(BaseModel):
    a0: float
    rate: float = Field(description="Per added constraint: A(n) = a0·exp(-rate·n).")
    retained: float = Field(description="exp(-rate): the share of A% kept per added constraint.")


class Decay(BaseModel):
    points: list[DecayPoint]
    fit_enforced: DecayFit | None
    fit_raw: DecayFit | None


class FlakyRow(BaseModel):
    checkout: str
    assertion: str
    failed: int
    trials: int


class Tables(BaseModel):
    runs: int
    errors: int = Field(description="Runs whose evaluation could not be carried out (excluded from the figures).")
    checkouts: int
    configurations: int
    trials: int = Field(description="The most trials of any checkout (K).")
    configurations_table: list[ConfigurationRow]
    levels: list[LevelRow]
    delta_l3_l0: Delta | None
    framework_levels: list[FrameworkLevelRow]
    constraints: list[ConstraintEffect]
    frameworks: list[FrameworkRow]
    pass_k: list[PassKRow]
    root_causes: list[CauseRow]
    decay: Decay
    flaky: list[FlakyRow]


class _Config:
    def __init__(self, key: tuple[tuple[str, str], ...], runs: list[RunRecord]) -> None:
        self.key = key
        self.labels = dict(key)
        self.runs = runs
        self.n = len(runs)
        self.c = sum(1 for r in runs if r.report.pass_at_1)
        self.a_enforced = formulas.a_pct([r.report.enforced_assert_pct for r in runs])
        self.a_raw = formulas.a_pct([r.report.assert_pct for r in runs])
        self.pass_at_1 = formulas.pass_at_k(self.n, self.c, 1)

    @property
    def name(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.key) or UNLABELLED


def _r(value: float) -> float:
    return round(value, 4)


def _ro(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _difference(low: float | None, high: float | None) -> float | None:
    """high - low, when both levels were run."""
    return None if low is None or high is None else round(high - low, 4)


def build(records: Iterable[RunRecord]) -> Tables:
    """Every table from the run records (order does not matter)."""
    all_runs = sorted(records, key=lambda r: (r.checkout, r.trial))
    ok = [r for r in all_runs if r.status == "ok"]
    grouped: dict[tuple[tuple[str, str], ...], list[RunRecord]] = defaultdict(list)
    for run in ok:
        grouped[labels_mod.configuration(run.labels)].append(run)
    configs = [_Config(key, runs) for key, runs in sorted(grouped.items())]
    trials: dict[str, int] = defaultdict(int)
    for run in all_runs:
        trials[run.checkout] += 1
    return Tables(
        runs=len(all_runs),
        errors=len(all_runs) - len(ok),
        checkouts=len(trials),
        configurations=len(configs),
        trials=max(trials.values(), default=0),
        configurations_table=[
            ConfigurationRow(
                configuration=c.name,
                labels=c.labels,
                runs=c.n,
                passing=c.c,
                a_pct_enforced=_r(c.a_enforced),
                a_pct_raw=_r(c.a_raw),
                pass_at_1=_r(c.pass_at_1),
            )
            for c in configs
        ],
        levels=_levels(configs),
        delta_l3_l0=_delta(configs),
        framework_levels=_framework_levels(configs),
        constraints=_constraint_effects(configs),
        frameworks=_frameworks(configs),
        pass_k=_pass_k(configs, max(trials.values(), default=0)),
        root_causes=_root_causes(ok),
        decay=_decay(configs),
        flaky=_flaky(ok),
    )


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _by_level(configs: list[_Config]) -> dict[str, list[_Config]]:
    out: dict[str, list[_Config]] = {}
    for level in labels_mod.LEVELS:
        members = [c for c in configs if c.labels.get("level") == level]
        if members:
            out[level] = members
    return out


def _level_row(name: str, members: list[_Config]) -> LevelRow:
    return LevelRow(
        level=name,
        configurations=len(members),
        runs=sum(c.n for c in members),
        a_pct_enforced=_r(_mean([c.a_enforced for c in members])),
        a_pct_raw=_r(_mean([c.a_raw for c in members])),
        pass_at_1=_r(_mean([c.pass_at_1 for c in members])),
    )


def _levels(configs: list[_Config]) -> list[LevelRow]:
    rows = [_level_row(level, members) for level, members in _by_level(configs).items()]
    if configs:
        rows.append(_level_row("all", configs))
    return rows


def _delta(configs: list[_Config]) -> Delta | None:
    levels = _by_level(configs)
    if "L0" not in levels or "L3" not in levels:
        return None
    l0, l3 = levels["L0"], levels["L3"]
    return Delta(
        enforced=_r(_mean([c.a_enforced for c in l3]) - _mean([c.a_enforced for c in l0])),
        raw=_r(_mean([c.a_raw for c in l3]) - _mean([c.a_raw for c in l0])),
    )


def _framework_levels(configs: list[_Config]) -> list[FrameworkLevelRow]:
    frameworks = sorted({c.labels.get("framework", UNLABELLED) for c in configs})
    rows = []
    for framework in frameworks:
        mine = [c for c in configs if c.labels.get("framework", UNLABELLED) == framework]
        levels = _by_level(mine)
        enforced = {
            lv: (_r(_mean([c.a_enforced for c in levels[lv]])) if lv in levels else None) for lv in labels_mod.LEVELS
        }
        raw = {lv: (_r(_mean([c.a_raw for c in levels[lv]])) if lv in levels else None) for lv in labels_mod.LEVELS}
        rows.append(
            FrameworkLevelRow(
                framework=framework,
                a_pct_enforced=enforced,
                a_pct_raw=raw,
                delta_enforced=_difference(enforced["L0"], enforced["L3"]),
                delta_raw=_difference(raw["L0"], raw["L3"]),
            )
        )
    return rows


def _constraint_effects(configs: list[_Config]) -> list[ConstraintEffect]:
    """Matched pairs: same labels apart from the constraints, constraints differing in exactly one."""
    diffs: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for a, b in combinations(configs, 2):
        rest_a = {k: v for k, v in a.labels.items() if k not in CONSTRAINT_LABELS}
        rest_b = {k: v for k, v in b.labels.items() if k not in CONSTRAINT_LABELS}
        if rest_a != rest_b:
            continue
        va, vb = labels_mod.constraint_values(a.labels), labels_mod.constraint_values(b.labels)
        key = formulas.single_difference(va, vb)
        if key is None:
            continue
        x, y = va[key], vb[key]
        if x is None:  # a lacks the constraint, b has it
            without, with_, change = a, b, f"+{key}={y}"
        elif y is None:
            without, with_, change = b, a, f"+{key}={x}"
        else:  # a value swapped for another: oriented in name order
            without, with_ = (a, b) if x < y else (b, a)
            change = f"{key}: {min(x, y)}→{max(x, y)}"
        diffs[(key, change)].append((with_.a_enforced - without.a_enforced, with_.a_raw - without.a_raw))
    rows = []
    for (key, change), values in sorted(diffs.items()):
        mean_e, sem_e = formulas.mean_sem([v[0] for v in values])
        mean_r, sem_r = formulas.mean_sem([v[1] for v in values])
        rows.append(
            ConstraintEffect(
                constraint=key,
                change=change,
                pairs=len(values),
                mean_enforced=_r(mean_e),
                sem_enforced=_ro(sem_e),
                mean_raw=_r(mean_r),
                sem_raw=_ro(sem_r),
            )
        )
    return rows


def _frameworks(configs: list[_Config]) -> list[FrameworkRow]:
    rows = []
    for framework in sorted({c.labels.get("framework", UNLABELLED) for c in configs}):
        mine = [c for c in configs if c.labels.get("framework", UNLABELLED) == framework]
        rows.append(
            FrameworkRow(
                rank=0,
                framework=framework,
                configurations=len(mine),
                runs=sum(c.n for c in mine),
                pass_at_1=_r(_mean([c.pass_at_1 for c in mine])),
                a_pct_enforced=_r(_mean([c.a_enforced for c in mine])),
                a_pct_raw=_r(_mean([c.a_raw for c in mine])),
            )
        )
    rows.sort(key=lambda r: (-r.pass_at_1, -r.a_pct_enforced, r.framework))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


def _pass_k(configs: list[_Config], trials: int) -> list[PassKRow]:
    """pass@k, pass^k averaged over the configurations with at least k runs."""
    groups = {"all": configs, **_by_level(configs)}
    rows = []
    for group, members in groups.items():
        for k in range(1, trials + 1):
            eligible = [c for c in members if c.n >= k]
            if not eligible:
                continue
            rows.append(
                PassKRow(
                    group=group,
                    k=k,
                    configurations=len(eligible),
                    pass_at_k=_r(_mean([formulas.pass_at_k(c.n, c.c, k) for c in eligible])),
                    pass_hat_k=_r(_mean([formulas.pass_hat_k(c.n, c.c, k) for c in eligible])),
                )
            )
    return rows


def _root_causes(runs: list[RunRecord]) -> list[CauseRow]:
    failed = [r for r in runs if r.report.diagnosis is not None and r.report.diagnosis.category != "none"]
    coarse: dict[str, list[RunRecord]] = defaultdict(list)
    for run in failed:
        assert run.report.diagnosis is not None
        coarse[run.report.diagnosis.category].append(run)
    logic = coarse.get("logic_error", [])
    fine: dict[str, list[RunRecord]] = defaultdict(list)
    for run in logic:
        assert run.report.diagnosis is not None
        fine[run.report.diagnosis.subcategory or "unclassified"].append(run)

    def levels(members: list[RunRecord]) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for run in members:
            counts[run.labels.get("level", UNLABELLED)] += 1
        return dict(sorted(counts.items()))

    rows = [
        CauseRow(category=cat, runs=len(members), share=_r(100 * len(members) / len(failed)), by_level=levels(members))
        for cat, members in sorted(coarse.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    rows += [
        CauseRow(
            category="logic_error",
            subcategory=sub,
            runs=len(members),
            share=_r(100 * len(members) / len(logic)),
            by_level=levels(members),
        )
        for sub, members in sorted(fine.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    return rows


def _decay(configs: list[_Config]) -> Decay:
    by_n: dict[int, list[_Config]] = defaultdict(list)
    for c in configs:
        if c.labels.get("constraints", "").isdigit():
            by_n[int(c.labels["constraints"])].append(c)
    points = [
        DecayPoint(
            constraints=n,
            configurations=len(members),
            a_pct_enforced=_r(_mean([c.a_enforced for c in members])),
            a_pct_raw=_r(_mean([c.a_raw for c in members])),
        )
        for n, members in sorted(by_n.items())
    ]

    def fit(values: list[tuple[float, float]]) -> DecayFit | None:
        found = formulas.exponential_fit(values)
        if found is None:
            return None
        a0, rate = found
        return DecayFit(a0=_r(a0), rate=_r(rate), retained=_r(math.exp(-rate)))

    return Decay(
        points=points,
        fit_enforced=fit([(p.constraints, p.a_pct_enforced) for p in points]),
        fit_raw=fit([(p.constraints, p.a_pct_raw) for p in points]),
    )


def failed_assertions(run: RunRecord) -> set[str]:
    return {f.id or f"{r.name}: {f.assertion}" for r in run.report.requests for f in r.failures}


def _flaky(runs: list[RunRecord]) -> list[FlakyRow]:
    by_checkout: dict[str, list[RunRecord]] = defaultdict(list)
    for run in runs:
        by_checkout[run.checkout].append(run)
    rows = []
    for checkout, trials in sorted(by_checkout.items()):
        if len(trials) < 2:
            continue
        startups = sorted({t.report.startup for t in trials})
        if len(startups) > 1:
            counts = ", ".join(f"{s}×{sum(t.report.startup == s for t in trials)}" for s in startups)
            failed = sum(t.report.startup != "ok" for t in trials)
            rows.append(
                FlakyRow(checkout=checkout, assertion=f"(server startup: {counts})", failed=failed, trials=len(trials))
            )
        ran = [t for t in trials if t.report.startup == "ok" and t.report.assertions_total > 0]
        if len(ran) < 2:
            continue
        sets = [failed_assertions(t) for t in ran]
        for assertion in sorted(sets[0].union(*sets[1:]) - sets[0].intersection(*sets[1:])):
            rows.append(
                FlakyRow(
                    checkout=checkout, assertion=assertion, failed=sum(assertion in s for s in sets), trials=len(ran)
                )
            )
    return rows


# -- CSV files --------------------------------------------------------------------------------


def csv_tables(tables: Tables) -> dict[str, list[dict[str, object]]]:
    """One flat table per CSV file name."""
    levels = list(labels_mod.LEVELS)
    return {
        "configurations.csv": [
            {
                "configuration": r.configuration,
                "runs": r.runs,
                "passing": r.passing,
                "a_pct_enforced": r.a_pct_enforced,
                "a_pct_raw": r.a_pct_raw,
                "pass_at_1": r.pass_at_1,
            }
            for r in tables.configurations_table
        ],
        "levels.csv": [r.model_dump() for r in tables.levels],
        "framework_levels.csv": [
            {
                "framework": r.framework,
                **{f"{lv}_enforced": r.a_pct_enforced[lv] for lv in levels},
                "delta_enforced": r.delta_enforced,
                **{f"{lv}_raw": r.a_pct_raw[lv] for lv in levels},
                "delta_raw": r.delta_raw,
            }
            for r in tables.framework_levels
        ],
        "constraints.csv": [r.model_dump() for r in tables.constraints],
        "frameworks.csv": [r.model_dump() for r in tables.frameworks],
        "pass_k.csv": [r.model_dump() for r in tables.pass_k],
        "root_causes.csv": [
            {"category": r.category, "subcategory": r.subcategory or "", "runs": r.runs, "share": r.share}
            for r in tables.root_causes
        ],
        "decay.csv": [p.model_dump() for p in tables.decay.points],
        "flaky.csv": [r.model_dump() for r in tables.flaky],
    }


def _csv_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in untrusted text (a label starting with = + - @)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def write_csvs(tables: Tables, out: Path) -> list[Path]:
    written = []
    for name, rows in csv_tables(tables).items():
        buffer = io.StringIO()
        fields = list(rows[0]) if rows else _empty_header(name)
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
        path = out / name
        path.write_text(buffer.getvalue())
        written.append(path)
    return written


def _empty_header(name: str) -> list[str]:
    models: dict[str, type[BaseModel]] = {
        "configurations.csv": ConfigurationRow,
        "levels.csv": LevelRow,
        "constraints.csv": ConstraintEffect,
        "frameworks.csv": FrameworkRow,
        "pass_k.csv": PassKRow,
        "root_causes.csv": CauseRow,
        "decay.csv": DecayPoint,
        "flaky.csv": FlakyRow,
    }
    if name == "framework_levels.csv":
        return ["framework"]
    return [f for f in models[name].model_fields if f not in ("labels", "by_level")]
