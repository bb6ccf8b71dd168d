"""Bootstrap confidence intervals for per-task results, plain and paired.

Every arm of an experiment plays the same test tasks, so a task's result under one arm and under
another are a pair. The difference between two arms is estimated by resampling *task indices*
jointly: one resample draws n task indices with replacement and takes the mean of arm A minus the
mean of arm B over those same tasks. Task difficulty varies much more than the effect of an arm,
and the pairing removes that variation from the interval.

Intervals are percentile intervals (NumPy's default linear interpolation between order
statistics) from a seeded `numpy.random.default_rng` (PCG64): the same seed, the same numbers, on
every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

DEFAULT_RESAMPLES = 10_000
DEFAULT_LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    """A point estimate (the mean over tasks) and its bootstrap confidence interval."""

    estimate: float
    low: float
    high: float

    def to_json(self) -> dict[str, float]:
        return {key: round(value, 6) for key, value in asdict(self).items()}


def resample_indices(n: int, *, resamples: int, seed: int) -> np.ndarray:
    """`resamples` rows of n task indices drawn with replacement."""
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def _interval(estimate: float, resampled: np.ndarray, level: float) -> Interval:
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(resampled, [tail, 100 - tail])
    return Interval(float(estimate), float(low), float(high))


def bootstrap_mean(values: Sequence[float], *, resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                   level: float = DEFAULT_LEVEL) -> Interval:
    """The mean of `values` (one per task) with a percentile bootstrap interval."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        raise ValueError("no values to estimate a mean from")
    indices = resample_indices(data.size, resamples=resamples, seed=seed)
    return _interval(data.mean(), data[indices].mean(axis=1), level)


def paired_difference(a: Sequence[float], b: Sequence[float], *,
                      resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                      level: float = DEFAULT_LEVEL) -> Interval:
    """mean(a) - mean(b) over paired tasks (a[i] and b[i] are the same task), with a paired
    bootstrap interval: each resample uses the same task indices for both arms."""
    first, second = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if first.shape != second.shape:
        raise ValueError(f"paired values differ in length: {first.size} and {second.size}")
    if first.size == 0:
        raise ValueError("no paired values to compare")
    indices = resample_indices(first.size, resamples=resamples, seed=seed)
    resampled = first[indices].mean(axis=1) - second[indices].mean(axis=1)
    return _interval(first.mean() - second.mean(), resampled, level)
