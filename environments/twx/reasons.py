"""Reasons written for gold-path actions and for the actions an exemplar warns against.

The exemplar sets are played from the game's gold paths, which come without reasons; these
templates say, per verb, why an action helps or does not. They are written for the three task
sets here (twc, coin, cookingworld).
"""

from __future__ import annotations

from environments.twx.actions import normalize

_HELPS = {
    "take": "The {x} is needed for the task, so pick it up.",
    "put": "The {x} belongs in the {y}, so it goes there.",
    "open": "The {x} is closed; open it to use what is inside or to put things in it.",
    "close": "The {x} is done with; close it.",
    "move": "Nothing more is needed here for now; go {x} to the next room.",
    "read": "Read the {x} to learn what the task asks for.",
    "examine": "Look closely at the {x} before using it.",
    "cook": "The recipe wants the {x} cooked; the {y} does that.",
    "slice": "The recipe wants the {x} sliced.",
    "dice": "The recipe wants the {x} diced.",
    "chop": "The recipe wants the {x} chopped.",
    "prepare": "Everything the recipe asks for is ready; prepare the meal.",
    "eat": "The meal is ready; eating it finishes the task.",
    "drop": "The {x} is not needed; put it down.",
    "look": "Look around to see the room and what lies in it.",
    "inventory": "Check what is being carried.",
}

_USELESS = {
    "put": "A {x} is not kept in the {y}; putting it there {outcome}.",
    "open": "Nothing needed now is in the {x}, and nothing held belongs there yet.",
    "close": "Closing the {x} does not bring the task closer.",
    "move": "Going {x} now leads away from where the task goes on.",
    "look": "The room is already described; looking again changes nothing.",
    "inventory": "What is carried is already shown; checking again changes nothing.",
}
_USELESS_OTHER = "This {outcome} here and does not bring the task closer."


def _parts(action: str) -> tuple[str, str, str]:
    """(verb, object, place): `put apple in fridge` -> ("put", "apple", "fridge")."""
    verb, _, rest = normalize(action).partition(" ")
    thing, _, place = rest.partition(" in ")
    return verb.lower(), thing.strip(), place.strip()


def helps(action: str) -> str:
    """Why a gold-path action is the right one."""
    verb, thing, place = _parts(action)
    return _HELPS.get(verb, "This brings the task closer.").format(x=thing, y=place)


def useless(action: str, reward: float = 0.0) -> str:
    """Why an action that earns nothing (reward 0) or loses score (reward < 0) should be avoided."""
    verb, thing, place = _parts(action)
    outcome = "loses score" if reward < 0 else "earns nothing"
    return _USELESS.get(verb, _USELESS_OTHER).format(x=thing, y=place, outcome=outcome)
