"""Parsing of WikiHow actions: CLICK(i), INPUT(i, text), SCROLL(UP|DOWN|LEFT|RIGHT), GOBACK."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLICK = re.compile(r"CLICK\(\s*(\d+)\s*\)")
_INPUT = re.compile(r"INPUT\(\s*(\d+)\s*,(.*)\)", re.DOTALL)
_SCROLL = re.compile(r"SCROLL\(\s*(UP|DOWN|LEFT|RIGHT)\s*\)")
_GOBACK = re.compile(r"GOBACK(?:\(\s*\))?")
_QUOTES = ('"', "'")


@dataclass(frozen=True)
class Action:
    kind: str  # click | input | scroll | goback
    target: int = -1  # element id (click, input)
    text: str = ""  # input text, or the scroll direction


def parse_action(action: str) -> Action | None:
    """The action, or None when the text does not match the action syntax exactly (the
    whole string, after trimming outer whitespace; verbs are upper case)."""
    text = action.strip()
    if m := _CLICK.fullmatch(text):
        return Action("click", int(m.group(1)))
    if m := _INPUT.fullmatch(text):
        value = m.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in _QUOTES:
            value = value[1:-1].strip()
        return Action("input", int(m.group(1)), value)
    if m := _SCROLL.fullmatch(text):
        return Action("scroll", text=m.group(1))
    if _GOBACK.fullmatch(text):
        return Action("goback")
    return None
