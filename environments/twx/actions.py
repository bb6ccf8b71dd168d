"""The action syntax of TextWorldExpress: short commands from the game's own valid-action list.

Every step the game lists the actions it accepts ("take notebook", "open fridge", "put notebook
in book case", "move north", "look around", ...). An answer is canonical when it is one of them,
spelled as the game spells it; matching is case- and space-insensitive, so "Take  Notebook"
becomes "take notebook". There are no free-text slots, so each valid action is one literal
action pattern (see the ACTION_PATTERNS contract: `("take notebook",)`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from environments.action_patterns import ActionPattern, fixed
from environments.state import State
from environments.syntax import ActionSyntax
from environments.twx.state import available

# One action inside a longer line, for `<action> -> <value> <reason>` advice lines and
# `Action: <action>` ReAct lines: letters, digits, spaces, hyphens and apostrophes, starting with
# a letter (TextWorldExpress actions are made of nothing else). Non-greedy, so the caller's
# pattern decides where it ends.
ACTION_REGEX = r"(?P<twx_action>[A-Za-z][A-Za-z0-9' -]*?)"
NOOP = "NOOP"  # what the agent sends when it has no usable answer; the game rejects it, no change
_SPACES = re.compile(r"\s+")
_QUOTES = "\"'`"


def normalize(text: str) -> str:
    """Trimmed, inner whitespace collapsed, surrounding quotes and a final period dropped."""
    text = _SPACES.sub(" ", text).strip().strip(_QUOTES).strip()
    return text[:-1].rstrip() if text.endswith(".") else text


def parse_action(text: str, valid_actions: Sequence[str] = ()) -> str | None:
    """The canonical action for `text`: the matching entry of `valid_actions` when given (None if
    there is none), else the normalized text (None when it is empty or not an action's shape)."""
    if not isinstance(text, str):
        return None
    action = normalize(text)
    if not action or not re.fullmatch(ACTION_REGEX, action):
        return None
    if not valid_actions:
        return action
    wanted = action.lower()
    for candidate in valid_actions:
        if candidate.lower() == wanted:
            return candidate
    return None


def action_patterns(state: State) -> list[ActionPattern]:
    """Every valid action of a state as a literal action pattern, in the state's order."""
    return [fixed(action) for action in available(state)]


def valid_actions(state: State, rng: random.Random) -> list[str]:
    """The state's valid actions, for random exploration (all concrete already; `rng` unused)."""
    return list(available(state))


def canonical(match: re.Match[str]) -> str | None:
    """The action of an `ACTION_REGEX` match (for `environments.syntax.ActionSyntax`)."""
    return parse_action(match.group("twx_action"))


SYNTAX = ActionSyntax(name="twx", pattern=ACTION_REGEX, canonical=canonical)


def template(action: str) -> str:
    """The shape of an action with its objects blanked: `put <x> in <y>`, `take <x>`, `inventory`.
    Used to compare what kinds of things two states allow, and by the f_o measurement."""
    verb, _, rest = normalize(action).partition(" ")
    if not rest:
        return verb.lower()
    return f"{verb.lower()} <x> in <y>" if " in " in f" {rest} " else f"{verb.lower()} <x>"
