"""Bootstrap intervals (agent/stats.py) on hand-worked numbers, against NumPy directly, and two
properties: an interval holds its estimate, and a constant paired difference is a point."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.stats import bootstrap_mean, paired_difference


def test_paired_difference_on_hand_worked_numbers():
    # Four tasks. Arm B's results vary a lot from task to task; arm A is B plus 1 on three tasks
    # and plus 0 on the last, so the per-task differences are d = [1, 1, 1, 0] (mean 0.75).
    b = [0.2, 0.9, 0.4, 0.1]
    a = [1.2, 1.9, 1.4, 0.1]
    # A paired resample draws 4 task indices; its difference is k/4, where k = how many of the 4
    # draws hit a task with d = 1 (each draw: probability 3/4). So
    #   P(k=0) = (1/4)^4 = 1/256 = 0.4%,  P(k<=1) = 1/256 + 4*(3/4)*(1/4)^3 = 13/256 = 5.1%,
    #   P(k=4) = (3/4)^4 = 81/256 = 31.6%.
    # The 2.5th percentile falls among the k=1 resamples (0.25) and the 97.5th among the k=4
    # ones (1.0). With 10,000 resamples about 39 have k=0 and 508 have k<=1, far from the 250th
    # order statistic, so the interval is exactly [0.25, 1.0] (up to float rounding).
    interval = paired_difference(a, b, resamples=10_000, seed=0)
    assert interval.estimate == pytest.approx(0.75)
    assert interval.low == pytest.approx(0.25)
    assert interval.high == pytest.approx(1.0)
    # Unpaired, B's spread (0.1 .. 0.9) would enter the interval; paired, it cancels: resampling
    # A alone already gives a wider interval than the paired difference.
    alone = bootstrap_mean(a, resamples=10_000, seed=0)
    assert alone.high - alone.low > interval.high - interval.low


def test_success_rate_interval_on_hand_worked_numbers():
    # 1 success in 10 tasks: a resample's rate is k/10 with k ~ Binomial(10, 0.1).
    # P(k=0) = 0.9^10 = 34.9% -> the lower bound is 0. P(k<=2) = 93.0% and P(k<=3) = 98.7%, so the
    # 97.5th percentile is 0.3 (10,000 resamples put the 9,750th value well inside k = 3).
    interval = bootstrap_mean([1] + [0] * 9, resamples=10_000, seed=1)
    assert (interval.estimate, interval.low, interval.high) == pytest.approx((0.1, 0.0, 0.3))


def test_two_tasks_give_the_three_possible_means():
    # Resample means of [0, 1] are 0, 0.5 and 1 with probabilities 1/4, 1/2, 1/4.
    interval = bootstrap_mean([0.0, 1.0], resamples=4_000, seed=3)
    assert (interval.estimate, interval.low, interval.high) == (0.5, 0.0, 1.0)


def test_matches_a_direct_numpy_computation_with_the_same_seed():
    a = np.array([0.1, 0.5, 0.0, 1.0, 0.75, 0.3, 0.0])
    b = np.array([0.0, 0.5, 0.25, 0.5, 0.5, 0.3, 0.1])
    rng = np.random.default_rng(42)
    rows = rng.integers(0, a.size, size=(2_000, a.size))
    expected = np.percentile(a[rows].mean(axis=1) - b[rows].mean(axis=1), [2.5, 97.5])
    got = paired_difference(a, b, resamples=2_000, seed=42)
    assert (got.low, got.high) == (expected[0], expected[1])
    assert got.estimate == pytest.approx(a.mean() - b.mean())
    assert paired_difference(a, b, resamples=2_000, seed=42) == got  # seeded: the same again
    assert paired_difference(a, b, resamples=2_000, seed=43) != got


def test_a_narrower_level_gives_a_narrower_interval():
    values = [0.0, 0.2, 0.9, 0.4, 1.0, 0.0, 0.6, 0.3]
    wide = bootstrap_mean(values, level=0.95, resamples=5_000)
    narrow = bootstrap_mean(values, level=0.80, resamples=5_000)
    assert wide.low < narrow.low <= narrow.high < wide.high


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="no values"):
        bootstrap_mean([])
    with pytest.raises(ValueError, match="differ in length"):
        paired_difference([1.0, 0.0], [1.0])


scores = st.lists(st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(scores)
def test_the_interval_holds_the_estimate(values):
    interval = bootstrap_mean(values, resamples=2_000)
    assert interval.low <= interval.estimate + 1e-12
    assert interval.estimate <= interval.high + 1e-12


@settings(max_examples=60, deadline=None, derandomize=True)
@given(scores, st.floats(min_value=-1.0, max_value=1.0, allow_nan=False))
def test_a_constant_paired_difference_is_a_point(values, shift):
    other = [v + shift for v in values]
    interval = paired_difference(other, values, resamples=2_000)
    for bound in (interval.estimate, interval.low, interval.high):
        assert bound == pytest.approx(shift, abs=1e-9)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=30))
def test_a_paired_interval_holds_its_estimate(pairs):
    a, b = zip(*pairs)
    interval = paired_difference(a, b, resamples=2_000)
    assert interval.low <= interval.estimate + 1e-12 <= interval.high + 2e-12
