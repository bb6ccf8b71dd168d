"""The valid actions of a WebShop state, as patterns for constrained decoding."""

from __future__ import annotations

from typing import Any, Protocol

from environments.action_patterns import ActionPattern, Slot, fixed

# No angle brackets: the prompt names the slot `search[<keywords>]`, and a small model copied that
# shape (`search[<previous>]`, `search[<power bank> -> 1.0 ...]`) in many test episodes.
SEARCH_KEYWORDS = Slot(forbidden="]\n<>", max_chars=80)


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
