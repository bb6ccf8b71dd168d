"""Similarity functions the retrieval score is built from: s = λ·f_g + (1-λ)·f_o.

f_g compares tasks, f_o compares observations. Which functions an environment uses is declared
once, in `MATCHERS` at the bottom; a new environment adds one entry here (or passes its own
`Matchers` to `retrieve`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq

from memory_store.records import State

# --- WebShop: the page pattern, read off the available actions -------------------------------

_PRODUCT_ID = re.compile(r"^b0\d")
_RESULTS_NAVIGATION = ("back to search", "< prev", "next >")
_WEBSHOP_SIMILARITY = {
    frozenset({"item", "subpage"}): 0.3,
}


def webshop_page_pattern(available_actions: Sequence[str]) -> str:
    """One of search, results, item, subpage, unknown.

    Results pages are recognised by their product ids after the navigation buttons. (The
    original required the ids from the third action on, which misses results pages 2+, whose
    actions start `back to search, < prev, next >`, and pages with fewer than 3 results.)
    """
    actions = [a.strip().lower() for a in available_actions]
    if actions == ["search"]:
        return "search"
    if "buy now" in actions:
        return "item"
    if actions == ["back to search", "< prev"]:
        return "subpage"
    products = [a for a in actions if a not in _RESULTS_NAVIGATION]
    if products and actions[0] == "back to search" and all(_PRODUCT_ID.match(a) for a in products):
        return "results"
    return "unknown"


def webshop_page_similarity(a: str, b: str) -> float:
    """1 for the same known pattern, 0.3 between item and sub-page, else 0."""
    if a == "unknown" or b == "unknown":
        return 0.0
    if a == b:
        return 1.0
    return _WEBSHOP_SIMILARITY.get(frozenset({a, b}), 0.0)


# --- WikiHow: the screen's tag sequence ------------------------------------------------------

_TAG = re.compile(r"^\s*<\s*([A-Za-z][\w-]*)")


def screen_tags(screen: str) -> tuple[str, ...]:
    """Tag names of the screen's lines, one element per line (`<button ...>` -> `button`)."""
    tags = []
    for line in screen.splitlines():
        match = _TAG.match(line)
        if match:
            tags.append(match.group(1).lower())
    return tuple(tags)


def screen_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Longest common subsequence of the two tag sequences over the longer length."""
    longest = max(len(a), len(b))
    if longest == 0:
        return 1.0
    return LCSseq.similarity(list(a), list(b)) / longest


# --- WikiHow: the step-instruction pattern (used as f_g) ----------------------------------

INSTRUCTION_KINDS = ("search", "article", "author", "category", "reference", "about")
_INSTRUCTION_PREFIXES = (
    ("access the article", "article"),
    ("check the author page", "author"),
    ("access the page of category", "category"),
    ("check the reference list", "reference"),
    ("access the about page", "about"),
)
_INSTRUCTION_MATRIX = (
    (1.0, 0.1, 0.0, 0.0, 0.0, 0.0),
    (0.1, 1.0, 0.3, 0.3, 0.0, 0.0),
    (0.0, 0.3, 1.0, 0.8, 0.3, 0.3),
    (0.0, 0.3, 0.8, 1.0, 0.3, 0.3),
    (0.0, 0.0, 0.3, 0.3, 1.0, 0.8),
    (0.0, 0.0, 0.3, 0.3, 0.8, 1.0),
)


def instruction_kind(instruction: str) -> str:
    """The kind of a WikiHow step instruction; '' (before the first sub-goal) is search."""
    text = instruction.strip().lower()
    if not text:
        return "search"
    for prefix, kind in _INSTRUCTION_PREFIXES:
        if text.startswith(prefix):
            return kind
    return "unknown"


def instruction_similarity(a: str, b: str) -> float:
    """Similarity of two instruction kinds by the fixed matrix; unknown kinds match nothing."""
    if a not in INSTRUCTION_KINDS or b not in INSTRUCTION_KINDS:
        return 0.0
    return _INSTRUCTION_MATRIX[INSTRUCTION_KINDS.index(a)][INSTRUCTION_KINDS.index(b)]


# --- Wiring per environment -------------------------------------------------------------------


@dataclass(frozen=True)
class Matchers:
    """How one environment's states are compared.

    - `observation_key` turns a state into a hashable signature, compared by
      `observation_similarity` (f_o).
    - `task_similarity`: "embedding" (cosine of task-text embeddings) or "instruction" (the
      WikiHow step-instruction matrix on `pattern`).
    - `pattern` is the label stored as metadata `pattern` (WebShop page kind, WikiHow
      instruction kind), for filtering and for the instruction-based f_g.
    """

    observation_key: Callable[[State], Hashable]
    observation_similarity: Callable[[Hashable, Hashable], float]
    pattern: Callable[[State], str]
    task_similarity: str = "embedding"


def _webshop_pattern(state: State) -> str:
    return webshop_page_pattern(state.available_actions)


def _wikihow_pattern(state: State) -> str:
    return instruction_kind(state.instruction)


def _screen_key(state: State) -> tuple[str, ...]:
    return screen_tags(state.observation)


MATCHERS: dict[str, Matchers] = {
    "webshop": Matchers(_webshop_pattern, webshop_page_similarity, _webshop_pattern, "embedding"),
    "wikihow": Matchers(_screen_key, screen_similarity, _wikihow_pattern, "instruction"),
}


def matchers_for(env: str) -> Matchers:
    try:
        return MATCHERS[env]
    except KeyError:
        from memory_store.errors import MemoryStoreError

        raise MemoryStoreError(
            f"no similarity functions for environment {env!r}; known: {', '.join(MATCHERS)}"
        ) from None
