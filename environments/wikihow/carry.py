"""Carrying a remembered WikiHow action over to another screen (`--carry-over`, not in the paper).

An action names a screen element by id, and ids mean nothing across screens: the requested
article is the 3rd search result for one task and the 9th for the next. What an action did is
better told by the element's label. So a remembered `CLICK(i)` becomes the label of element i on
the remembered screen; a label that is one of the remembered command's named things (its article
title, author, category or search topic) becomes the same kind of thing of the current command;
and the carried action clicks the element with that label on the current screen. Every part of
a search result's row (its bullets, views, dates) opens the result, so a click on one of them
counts as a click on the row's title. An `INPUT` of
the remembered search topic becomes an `INPUT` of the current one. Scrolling and going back need
no element and carry over as they are. Whatever has no counterpart on the current screen is not
carried (None).
"""

from __future__ import annotations

import re

from environments.state import State
from environments.wikihow.actions import Action, parse_action
from environments.wikihow.oracle import ScreenElement, parse_command, parse_screen

_NAME_VALUE = re.compile(r"^(?P<name>[^:]{1,40}):\s")  # "Last Updated: July 5, 2019"
# the parts of a search result's row after its title (screens.py: `_search`)
_ROW_DETAIL = re.compile(
    r"^(?:\u2022|[\d,]+ views|Updated(?: .+)?|\d+ \w+ ago|Expert Co-Authored)$")
_LABEL_KINDS = ("article", "author", "category")  # named things an element can be labelled with


def _label(element: ScreenElement) -> str:
    return element.text.strip() or element.attrs.get("alt", "").strip()


def _named(command: str) -> dict[str, str]:
    """The command's named things by kind (search topic, article, author, category)."""
    return {goal.kind: goal.target for goal in parse_command(command) if goal.target}


def _translate(label: str, source: State, target: State) -> str | None:
    """`label`, or the target command's counterpart when the label is the source command's
    article, author or category (None: the target command names no such thing). A result whose
    title merely equals the search topic is just another result."""
    mine, theirs = _named(source.task), _named(target.task)
    for kind in _LABEL_KINDS:
        if kind in mine and label.casefold() == mine[kind].casefold():
            return theirs.get(kind)
    return label


def _element(screen: list[ScreenElement], ident: int) -> ScreenElement | None:
    return next((e for e in screen if e.id == ident), None)


def _row_title(screen: list[ScreenElement], element: ScreenElement) -> ScreenElement:
    """The title of the search result whose row `element` belongs to (itself if it is no row
    detail)."""
    earlier = [e for e in screen if e.id <= element.id]
    while len(earlier) > 1 and _ROW_DETAIL.match(_label(earlier[-1])):
        earlier.pop()
    return earlier[-1] if earlier and earlier[-1].clickable else element


def _find(screen: list[ScreenElement], label: str, like: ScreenElement) -> ScreenElement | None:
    """The first clickable element labelled `label` (any case); else a `Name: value` label of
    the same name at the same place (a date that differs from article to article)."""
    wanted = label.casefold()
    for element in screen:
        if element.clickable and _label(element).casefold() == wanted:
            return element
    named = _NAME_VALUE.match(label)
    same_place = _element(screen, like.id)
    if named and same_place is not None and same_place.clickable and same_place.tag == like.tag:
        other = _NAME_VALUE.match(_label(same_place))
        if other and other.group("name") == named.group("name"):
            return same_place
    return None


def _topic(command: str) -> str | None:
    return _named(command).get("search")


def carry_over(action: str, source: State, target: State) -> str | None:
    """The action on `target`'s screen that does what `action` did on `source`'s, or None."""
    parsed = parse_action(action)
    if parsed is None:
        return None
    if parsed.kind in ("scroll", "goback"):
        return action.strip()
    screen = parse_screen(source.observation)
    there = _element(screen, parsed.target)
    if there is None:
        return None
    if parsed.kind == "click":
        there = _row_title(screen, there)
    label = _translate(_label(there), source, target)
    if not label:
        return None
    here = _find(parse_screen(target.observation), label, there)
    if here is None:
        return None
    if parsed.kind == "click":
        return f"CLICK({here.id})"
    return _carried_input(parsed, here, source, target)


def _carried_input(parsed: Action, here: ScreenElement, source: State, target: State) -> str | None:
    """An INPUT of the source's search topic (or of a text that contains it) becomes one of the
    target's topic; any other text belongs to the source task and is not carried."""
    old, new = _topic(source.task), _topic(target.task)
    if not old or not new or old.casefold() not in parsed.text.casefold():
        return None
    start = parsed.text.casefold().index(old.casefold())
    text = parsed.text[:start] + new + parsed.text[start + len(old):]
    return f"INPUT({here.id}, {text})"
