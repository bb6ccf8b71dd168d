"""How an environment's actions are written: one regular expression and its canonical form.

The agent's parsers (`agent.parsing`) read model output with an environment's `ActionSyntax`;
the environment's spec says which syntax applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# An optional list marker in front of an advice line: "- ", "* ", "1. ", "2) ".
_BULLET = r"(?:[-*\u2022]\s*|\d{1,3}[.)]\s+)?"
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"


@dataclass(frozen=True)
class ActionSyntax:
    """One environment's action grammar.

    `pattern` matches exactly one action (no anchors; it is embedded in larger patterns; its
    named groups must not be called `value` or `reason`); `canonical` turns a match of it into
    the action string the environment is given, or None when the match is not acceptable after
    all (e.g. an empty search query).
    """

    name: str
    pattern: str
    canonical: Callable[[re.Match[str]], str | None]
    flags: int = re.IGNORECASE

    def __post_init__(self) -> None:
        # Compiled once per syntax; dataclass is frozen, so go through object.__setattr__.
        object.__setattr__(self, "_full", re.compile(rf"\s*(?:{self.pattern})\s*", self.flags))
        object.__setattr__(self, "_line", re.compile(
            rf"\s*{_BULLET}(?:{self.pattern})"
            rf"\s*->\s*(?P<value>{_NUMBER})?\s*(?P<reason>.*?)\s*",
            self.flags | re.DOTALL,
        ))

    def canonicalize(self, text: str) -> str | None:
        """The canonical form of `text` if it is exactly one valid action, else None."""
        match = self._full.fullmatch(text)  # type: ignore[attr-defined]
        return self.canonical(match) if match else None

    def match_line(self, line: str) -> re.Match[str] | None:
        """A match of one advice line `<action> -> <value> <reason>` (None if it is not one)."""
        return self._line.fullmatch(line)  # type: ignore[attr-defined]
