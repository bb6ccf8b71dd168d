"""f_o and the pattern label for TextWorldExpress states.

f_o averages two views of a state:

- its text: the stored document (the game's reply, the room description, the inventory) as a
  word sequence, compared by normalized Indel similarity, 2·LCS / (len a + len b) with LCS the
  longest common subsequence of words — WikiHow's f_o idea (a common subsequence of the screen's
  tags) applied to words. The room description says whether each piece of furniture is closed,
  empty or holding something, and the reply what just happened ("You take ...", "You open ...");
- what it affords: the shapes of its valid actions with the objects blanked (`take <x>`,
  `put <x> in <y>`, `open <x>`, `move <x>`), compared by Jaccard similarity. They say which
  phase of the task the player is in, in words that carry over between games whose objects
  differ (twc's train and test folds share no object).

f_o = ½·text + ½·affordances, in [0, 1]. The choice is measured against simpler and structured
alternatives: `python -m environments.twx.measure` (numbers in
docs/environments/textworld-express.md).

The pattern label (memory metadata `pattern`) is the room.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from environments.spec import Similarity
from environments.state import State
from environments.twx.actions import template
from environments.twx.state import available


@dataclass(frozen=True)
class ObservationKey:
    """What f_o compares of a state (hashable, computed once per stored state)."""

    words: tuple[str, ...]
    affordances: frozenset[str]


def observation_key(state: State) -> ObservationKey:
    """The f_o key of a state: its document's words (lowercased) and its valid actions' shapes."""
    return ObservationKey(tuple(state.observation.lower().split()),
                          frozenset(template(a) for a in available(state)))


def text_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Normalized Indel similarity of two word sequences (1 for two empty ones)."""
    return Indel.normalized_similarity(a, b)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def f_o(a: ObservationKey, b: ObservationKey) -> float:
    """½·text similarity + ½·Jaccard of the affordances, in [0, 1]."""
    return 0.5 * text_similarity(a.words, b.words) + 0.5 * jaccard(a.affordances, b.affordances)


def pattern(state: State) -> str:
    """The state's pattern label: its room ("" where the game has none)."""
    return str(state.get("room", ""))


SIMILARITY = Similarity(observation_key=observation_key, observation_similarity=f_o, pattern=pattern)
