"""The valid actions of a WebShop state, as patterns for constrained decoding, and the words of a
request that its searches are made of."""

from __future__ import annotations

import re
from typing import Any, Protocol

from environments.action_patterns import ActionPattern, Slot, fixed

# No angle brackets: the prompt names the slot `search[<keywords>]`, and a small model copied that
# shape (`search[<previous>]`, `search[<power bank> -> 1.0 ...]`) in many test episodes.
SEARCH_KEYWORDS = Slot(forbidden="]\n<>", max_chars=80)

_REQUEST_LEADS = re.compile(
    r"^\s*(?:i\s*(?:'m|am)\s+(?:looking|searching|shopping)\s+for|i\s+(?:need|want|would like)"
    r"|find\s+me|get\s+me)\s+(?:an?\s+|some\s+)?", re.IGNORECASE)
_PRICE_TAIL = re.compile(r",?\s*(?:and\s+)?price\s+lower\s+than.*$", re.IGNORECASE)


def query_words(task: str) -> list[str]:
    """The words of a shopping request without its lead-in and price clause."""
    text = _PRICE_TAIL.sub("", _REQUEST_LEADS.sub("", task))
    return [w for w in re.split(r"[\s,]+", text) if w]


class _State(Protocol):
    def get(self, name: str, default: Any = None) -> Any: ...


def action_patterns(state: _State) -> list[ActionPattern]:
    """`search[<keywords>]` where the page offers a search box, `click[<label>]` for every other
    entry of the page's available actions, in the page's order."""
    patterns: list[ActionPattern] = []
    for available in state.get("available_actions", ()):
        if available == "search":
            patterns.append(("search[", SEARCH_KEYWORDS, "]"))
        else:
            patterns.append(fixed(f"click[{available}]"))
    return patterns
