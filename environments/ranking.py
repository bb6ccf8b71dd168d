"""Total orders for rankings: best score first, equal scores to the smaller stable id.

Every ranking in the project goes through these helpers, so that no result depends on how ties
happen to fall. Two things make ties fall differently from one machine to another:

- NumPy chooses its sort kernels at run time by CPU (baseline, AVX2, AVX-512); `argsort`,
  `argpartition` and the top-k of libraries built on them (bm25s) order equal keys differently
  on each, and none of them promises an order for ties.
- Python's `sorted` is stable, so ties keep the input order — which is only as fixed as the
  input: a set's order changes with the hash seed, a database page with its internals.

Here ties go to an id the caller names (a row id, a title, an index into fixed data), and a tie
that the id cannot break is an error, so the order is total and the same everywhere. The module
needs only NumPy and names no environment; it sits beside the other generic modules of `environments`
(state.py, spec.py), the layer the memory and the agent build on, so that all three share it
(see docs/development.md, "Determinism").
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable
from operator import neg
from typing import TypeVar

import numpy as np

T = TypeVar("T")
Score = float | tuple[float, ...]


def rank_key(score: Score, ident: Hashable, *, lowest_first: bool = False) -> tuple:
    """The sort key of one item: ascending keys put the best first (the highest score, or the
    lowest with `lowest_first`), and equal scores in the order of their ids."""
    if not isinstance(score, tuple):
        return (score if lowest_first else -score, ident)
    return (*(score if lowest_first else map(neg, score)), ident)


def ranked(items: Iterable[T], *, score: Callable[[T], Score], ident: Callable[[T], Hashable],
           k: int | None = None, lowest_first: bool = False) -> list[T]:
    """`items` best first (at most `k`): the highest `score` first (a number, or a tuple compared
    element by element), or the lowest with `lowest_first`; equal scores by smaller `ident`.

    Two items with the same score and id would have no defined order: if that could change
    the answer, ValueError is raised.
    """
    decorated = ((rank_key(score(item), ident(item), lowest_first=lowest_first), n, item)
                 for n, item in enumerate(items))  # n: items themselves are never compared
    if k is None:
        top = sorted(decorated)
    else:  # one more than asked: the first left out must not tie with the last kept
        top = heapq.nsmallest(k + 1, decorated)
    if any(a[0] == b[0] for a, b in zip(top, top[1:])):
        raise ValueError("ranked(): two items share a score and an id, so their order is not defined")
    return [item for _, _, item in top[:k]]


def best(items: Iterable[T], *, score: Callable[[T], Score],
         ident: Callable[[T], Hashable]) -> T | None:
    """The first item of `ranked(items, ...)`, or None when there are none."""
    top = ranked(items, score=score, ident=ident, k=1)
    return top[0] if top else None


def top_indices(scores: np.ndarray, k: int | None = None, *,
                above: float | None = None) -> list[int]:
    """Positions in `scores` best first (at most `k`; only scores greater than `above` if given);
    equal scores by smaller position, so the position must be a stable id of the scored item.

    A stable sort has exactly one correct result, whichever kernel NumPy picks for the CPU.
    """
    scores = np.asarray(scores)
    if scores.ndim != 1:
        raise ValueError(f"top_indices() needs a 1-D array of scores, got shape {scores.shape}")
    positions = np.arange(len(scores)) if above is None else np.flatnonzero(scores > above)
    order = positions[np.argsort(-scores[positions], kind="stable")]
    return order[:k].tolist()
