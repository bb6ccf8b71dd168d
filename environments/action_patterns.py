"""How an environment states the valid actions of one state, as plain data.

An environment lists every action the current state allows as an `ActionPattern`: literal pieces
of text and `Slot`s where the agent writes free text (the keywords of a search, the text typed
into a box). The agent compiles these patterns into whatever its language-model backend speaks
(a regular expression, a grammar) so that the model can only write a valid action. Nothing here
names an environment or knows about the agent.

    ("click[buy now]",)                          one fixed action
    ("search[", Slot(forbidden="]\\n"), "]")      search[<up to 80 characters, no "]">]
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    """Free text the model writes inside an action: 1 to `max_chars` characters, none of them in
    `forbidden` (e.g. the closing bracket of the action), the first one not whitespace."""

    forbidden: str = ""
    max_chars: int = 80

    def __post_init__(self) -> None:
        if self.max_chars < 1:
            raise ValueError(f"a slot holds at least one character, max_chars={self.max_chars}")


ActionPattern = tuple[str | Slot, ...]  # literal pieces and slots, in order


def fixed(action: str) -> ActionPattern:
    """The pattern of one action without free text."""
    return (action,)


def matches(pattern: ActionPattern, text: str) -> bool:
    """True when `text` is exactly one action of `pattern` (literals verbatim, slots filled)."""
    return _match(pattern, 0, text, 0)


def _match(pattern: ActionPattern, index: int, text: str, at: int) -> bool:
    if index == len(pattern):
        return at == len(text)
    piece = pattern[index]
    if isinstance(piece, str):
        return text.startswith(piece, at) and _match(pattern, index + 1, text, at + len(piece))
    if at >= len(text) or text[at].isspace():
        return False
    end = at
    while end < len(text) and end - at < piece.max_chars and text[end] not in piece.forbidden:
        end += 1
        if _match(pattern, index + 1, text, end):
            return True
    return False
