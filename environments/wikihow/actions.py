"""WikiHow actions: CLICK(i), INPUT(i, text), SCROLL(UP|DOWN|LEFT|RIGHT), GOBACK. Parsing them,
and the patterns of every valid action of a screen (for constrained decoding)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from environments.action_patterns import ActionPattern, Slot, fixed

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


# --- the valid actions of a screen, for constrained decoding ---------------------------------

_ELEMENT = re.compile(r"<(?P<tag>[a-z]+)\b(?P<attrs>[^>]*)>")
_ID = re.compile(r"\bid=\"(?P<id>\d+)\"")
INPUT_TEXT = Slot(forbidden=")\n<>", max_chars=80)  # no <>: the prompt writes INPUT(<id>, <text>)
SCROLLS = ("UP", "DOWN", "LEFT", "RIGHT")


class _State(Protocol):
    observation: str


def screen_targets(screen: str) -> list[tuple[int, bool, bool]]:
    """(id, clickable, takes text) for every element of a rendered screen that is either, in
    screen order. Text goes into `input` elements and into the search button (which opens the
    search box with the text)."""
    targets: list[tuple[int, bool, bool]] = []
    for line in screen.splitlines():
        element = _ELEMENT.search(line)
        ident = _ID.search(element.group("attrs")) if element else None
        if element is None or ident is None:
            continue
        attrs = element.group("attrs")
        clickable = 'clickable="true"' in attrs
        typeable = element.group("tag") == "input" or 'alt="Search"' in attrs
        if clickable or typeable:
            targets.append((int(ident.group("id")), clickable, typeable))
    return targets


def action_patterns(state: _State) -> list[ActionPattern]:
    """CLICK(<id>) per clickable element and INPUT(<id>, <text>) per element that takes text (in
    screen order), then SCROLL(UP|DOWN|LEFT|RIGHT) and GOBACK: every action the syntax allows."""
    patterns: list[ActionPattern] = []
    for ident, clickable, typeable in screen_targets(state.observation):
        if clickable:
            patterns.append(fixed(f"CLICK({ident})"))
        if typeable:
            patterns.append((f"INPUT({ident}, ", INPUT_TEXT, ")"))
    patterns += [fixed(f"SCROLL({direction})") for direction in SCROLLS]
    patterns.append(fixed("GOBACK"))
    return patterns
