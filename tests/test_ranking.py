"""The total-order helpers: best first, ties to the smaller id, whatever the input order."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from environments.ranking import best, rank_key, ranked, top_indices

pytestmark = pytest.mark.dispatch

SCORES = st.lists(st.integers(0, 3).map(float), max_size=40)  # few values: many ties


def test_higher_scores_first_and_ties_by_id():
    items = [("b", 1.0), ("c", 2.0), ("a", 1.0), ("d", 2.0)]
    order = ranked(items, score=lambda x: x[1], ident=lambda x: x[0])
    assert [x[0] for x in order] == ["c", "d", "a", "b"]
    assert [x[0] for x in ranked(items, score=lambda x: x[1], ident=lambda x: x[0], k=3)] == ["c", "d", "a"]
    low = ranked(items, score=lambda x: x[1], ident=lambda x: x[0], lowest_first=True)
    assert [x[0] for x in low] == ["a", "b", "c", "d"]
    assert best(items, score=lambda x: x[1], ident=lambda x: x[0]) == ("c", 2.0)
    assert best([], score=lambda x: x, ident=lambda x: x) is None


def test_tuple_scores_compare_element_by_element():
    rows = {"x": (0.5, 1), "y": (0.5, 3), "z": (0.7, 0)}
    assert ranked(rows, score=rows.get, ident=str) == ["z", "y", "x"]
    assert rank_key((0.5, 3), "y") < rank_key((0.5, 1), "x")


def test_a_tie_the_id_cannot_break_is_an_error_not_an_arbitrary_order():
    same_id = lambda _: "same"  # noqa: E731
    with pytest.raises(ValueError, match="share a score and an id"):
        ranked([1, 1], score=float, ident=same_id)
    with pytest.raises(ValueError, match="share a score and an id"):
        ranked([3, 1, 1], score=float, ident=same_id, k=2)  # which 1 is second?
    assert ranked([2, 1], score=float, ident=same_id) == [2, 1]  # the scores decide
    assert ranked([3, 2, 1, 1], score=float, ident=same_id, k=2) == [3, 2]  # the tie is not reached


@given(SCORES, st.randoms(use_true_random=False))
def test_the_order_does_not_depend_on_the_input_order(scores, rnd: random.Random):
    items = list(enumerate(scores))
    shuffled = items[:]
    rnd.shuffle(shuffled)
    expected = sorted(items, key=lambda x: (-x[1], x[0]))
    assert ranked(shuffled, score=lambda x: x[1], ident=lambda x: x[0]) == expected
    k = rnd.randint(0, len(items) + 1)
    assert ranked(shuffled, score=lambda x: x[1], ident=lambda x: x[0], k=k) == expected[:k]


@given(SCORES, st.integers(0, 45), st.sampled_from([None, 0.0, 1.5]))
def test_top_indices_is_the_python_order_of_positions(scores, k, above):
    array = np.asarray(scores, dtype=np.float32)
    expected = [i for i in sorted(range(len(scores)), key=lambda i: (-scores[i], i))
                if above is None or scores[i] > above][:k]
    assert top_indices(array, k, above=above) == expected


def test_top_indices_breaks_the_ties_numpy_leaves_open():
    """Many equal scores: NumPy's argsort and argpartition order them by the kernel the CPU gets;
    top_indices lists them by position."""
    scores = (np.arange(200) % 3).astype(np.float64)
    assert top_indices(scores, 5) == [2, 5, 8, 11, 14]
    assert top_indices(scores) == sorted(range(200), key=lambda i: (-scores[i], i))
    with pytest.raises(ValueError, match="1-D"):
        top_indices(np.zeros((2, 2)))
