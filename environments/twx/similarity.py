"""f_o and the pattern label for TextWorldExpress states.

f_o compares two stored documents (the game's reply, the room description, the inventory) as
word sequences: the normalized Indel similarity, 2·LCS / (len a + len b), where LCS is their
longest common subsequence of words — WikiHow's f_o idea (a common subsequence of the screen's
tags) applied to words. The room description lists the furniture and whether each piece is
closed, empty or holding something, and the reply says what just happened ("You take ...",
"You open ..."), so states at the same point of a task read alike even when their objects
differ (as between twc's train and test folds, whose objects never overlap).

The choice is measured against simpler and structured alternatives: `python -m
environments.twx.measure` (numbers in docs/environments/textworld-express.md).

The pattern label (memory metadata `pattern`) is the room.
"""

from __future__ import annotations

from rapidfuzz.distance import Indel


def observation_key(document: str) -> tuple[str, ...]:
    """What f_o compares: the document's words, lowercased."""
    return tuple(document.lower().split())


def f_o(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Normalized Indel similarity of two word sequences, in [0, 1] (1 for two empty ones)."""
    return Indel.normalized_similarity(a, b)


def pattern(room: str) -> str:
    """The state's pattern label: its room ("" where the game has none)."""
    return room
