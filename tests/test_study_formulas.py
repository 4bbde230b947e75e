"""The study's formulas against small cases computed by hand."""

from __future__ import annotations

import math

import pytest

from checks.study.formulas import a_pct, exponential_fit, mean_sem, pass_at_k, pass_hat_k, single_difference


def test_a_pct_is_the_mean_of_per_run_rates_not_pooled_assertions() -> None:
    # runs of 290, 290 and 10 assertions passing 290, 145 and 0: pooled would be 435/590 = 73.7
    assert a_pct([100.0, 50.0, 0.0]) == 50.0
    assert a_pct([93.1]) == 93.1
    assert a_pct([]) == 0.0


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (3, 1, 1, 1 / 3),  # c/n
        (3, 1, 2, 2 / 3),  # 1 - C(2,2)/C(3,2) = 1 - 1/3
        (3, 1, 3, 1.0),  # every draw of 3 includes the passing run
        (3, 0, 2, 0.0),
        (3, 3, 1, 1.0),
        (5, 2, 3, 0.9),  # 1 - C(3,3)/C(5,3) = 1 - 1/10
        (4, 2, 2, 5 / 6),  # 1 - C(2,2)/C(4,2) = 1 - 1/6
        (10, 1, 5, 0.5),  # 1 - C(9,5)/C(10,5) = 1 - 126/252
    ],
)
def test_pass_at_k_is_the_unbiased_estimator(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected)


@pytest.mark.parametrize(("n", "c", "k"), [(3, 1, 4), (3, 4, 1), (3, 1, 0), (0, 0, 1)])
def test_pass_at_k_refuses_impossible_cases(n: int, c: int, k: int) -> None:
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"), [(3, 1, 2, 1 / 9), (4, 2, 3, 1 / 8), (3, 3, 3, 1.0), (3, 0, 1, 0.0), (5, 4, 1, 0.8)]
)
def test_pass_hat_k_is_c_over_n_to_the_k(n: int, c: int, k: int, expected: float) -> None:
    assert pass_hat_k(n, c, k) == pytest.approx(expected)


def test_pass_hat_k_is_never_above_pass_at_k() -> None:
    for n in range(1, 7):
        for c in range(n + 1):
            for k in range(1, n + 1):
                assert pass_hat_k(n, c, k) <= pass_at_k(n, c, k) + 1e-12


def test_matched_pairs_differ_in_exactly_one_constraint() -> None:
    l2 = {"architecture": "clean", "database": "postgresql", "orm": None}
    l3 = {"architecture": "clean", "database": "postgresql", "orm": "sqlalchemy"}
    sqlite = {"architecture": "clean", "database": "sqlite", "orm": None}
    l0 = {"architecture": None, "database": None, "orm": None}
    assert single_difference(l2, l3) == "orm"
    assert single_difference(l2, sqlite) == "database"  # a value swapped is one difference
    assert single_difference(l3, sqlite) is None  # database and orm
    assert single_difference(l0, l3) is None
    assert single_difference(l2, dict(l2)) is None
    assert single_difference({"orm": None}, {}) is None  # absent and None agree


def test_mean_and_standard_error() -> None:
    mean, sem = mean_sem([1.0, 2.0, 3.0, 4.0])
    # sample variance ((1.5² + 0.5²)·2)/3 = 5/3; SEM = sqrt(5/3 / 4)
    assert mean == 2.5
    assert sem == pytest.approx(math.sqrt(5 / 12))
    assert mean_sem([-10.0, -20.0]) == (-15.0, pytest.approx(5.0))
    assert mean_sem([7.0]) == (7.0, None)
    with pytest.raises(ValueError):
        mean_sem([])


def test_exponential_fit_recovers_halving_per_constraint() -> None:
    fit = exponential_fit([(0, 100.0), (1, 50.0), (2, 25.0)])
    assert fit is not None
    a0, rate = fit
    assert a0 == pytest.approx(100.0)
    assert rate == pytest.approx(math.log(2))


def test_exponential_fit_leaves_out_zero_and_needs_two_points() -> None:
    fit = exponential_fit([(0, 90.0), (1, 0.0), (3, 90.0 * math.exp(-0.3))])
    assert fit is not None and fit[1] == pytest.approx(0.1)  # ln(90) → ln(90) - 0.3 over 3 constraints
    assert exponential_fit([(0, 80.0), (1, 0.0)]) is None
    assert exponential_fit([(2, 80.0), (2, 60.0)]) is None
    assert exponential_fit([]) is None
