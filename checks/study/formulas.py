"""The study's formulas, as pure functions over plain numbers (each pinned by tests on hand-computed cases).

- A% of a configuration: the mean over its runs of each run's assertion pass rate
  (a mean of rates, not pooled assertions: every run weighs the same).
- pass@k: the unbiased estimator 1 - C(n-c, k) / C(n, k) over n runs of which c
  passed fully (every assertion, no constraint finding); the chance that at
  least one of k runs drawn without replacement passes.
- pass^k: (c/n)^k, the chance that k runs in a row all pass.
- Matched pair: two configurations that differ in exactly one constraint.
- SEM: the sample standard deviation (n - 1) over sqrt(n); undefined for n < 2.
- Decay fit: A(n) = A0 · exp(-rate · n) by least squares on ln A (points with A > 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def a_pct(rates: Sequence[float]) -> float:
    """Mean of per-run assertion rates (percent); 0 for no runs."""
    return sum(rates) / len(rates) if rates else 0.0


def pass_at_k(n: int, c: int, k: int) -> float:
    """1 - C(n-c, k)/C(n, k): the unbiased pass@k over n runs with c fully passing (needs k <= n)."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n (n={n}, c={c}, k={k})")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def pass_hat_k(n: int, c: int, k: int) -> float:
    """(c/n)^k: every one of k runs passes."""
    if not 0 <= c <= n or n < 1 or k < 1:
        raise ValueError(f"pass^k needs 0 <= c <= n, n >= 1 and k >= 1 (n={n}, c={c}, k={k})")
    return (c / n) ** k


def single_difference(a: Mapping[str, str | None], b: Mapping[str, str | None]) -> str | None:
    """The one constraint key in which `a` and `b` differ, or None when they differ in none or several."""
    keys = sorted(set(a) | set(b))
    differing = [key for key in keys if a.get(key) != b.get(key)]
    return differing[0] if len(differing) == 1 else None


def mean_sem(values: Sequence[float]) -> tuple[float, float | None]:
    """(mean, standard error of the mean); the SEM is None for fewer than two values."""
    if not values:
        raise ValueError("mean of no values")
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, None
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, math.sqrt(variance / len(values))


def exponential_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """(A0, rate) of A(n) = A0·exp(-rate·n) fitted by least squares on ln A; None without two distinct n with A > 0."""
    usable = [(x, math.log(y)) for x, y in points if y > 0]
    xs = {x for x, _ in usable}
    if len(xs) < 2:
        return None
    mean_x = sum(x for x, _ in usable) / len(usable)
    mean_y = sum(y for _, y in usable) / len(usable)
    sxx = sum((x - mean_x) ** 2 for x, _ in usable)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in usable)
    slope = sxy / sxx
    return math.exp(mean_y - slope * mean_x), -slope
