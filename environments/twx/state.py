"""What the memory keeps of one TextWorldExpress step, read off the game's observation and info.

The game's observation after an action is only its reply ("You take the notebook."); the room
description (`info["look"]`) and the inventory (`info["inventory"]`) come with every step. A
stored state is the three together (the memory document), plus fields read off them:

- `room`: where the player is ("kitchen"; "" in games without rooms);
- `in_view`: the objects lying in view, i.e. those the game lets you take;
- `inventory`: the objects carried;
- `feedback`: the game's last reply;
- the valid actions (the common `available_actions` field), sorted.

`info` is the adapter's (`TwxEnv`), not the raw engine's.

List fields are stored as one string, items sorted and joined by "; " (memory metadata holds
flat scalars only).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

STATE_FIELDS = ("room", "in_view", "inventory", "feedback")  # the environment's own stored fields
SEPARATOR = "; "
_ROOM = re.compile(r"You are in the ([^.\n]+)\.")
_ARTICLE = re.compile(r"^(?:a|an|some|the)\s+", re.IGNORECASE)
_EMPTY_INVENTORY = "your inventory is currently empty"


def task_of(info: Mapping[str, Any]) -> str:
    """The task text (the game's task description)."""
    return str(info.get("task_description", "")).strip()


def room_of(look: str) -> str:
    match = _ROOM.search(look or "")
    return match.group(1).strip() if match else ""


def inventory_items(inventory: str) -> tuple[str, ...]:
    """The carried objects of the game's inventory text, without articles, sorted."""
    items = []
    for line in (inventory or "").splitlines()[1:]:  # the first line is the "Inventory:" header
        line = line.strip()
        if line and not line.lower().startswith(_EMPTY_INVENTORY):
            items.append(_ARTICLE.sub("", line))
    return tuple(sorted(items))


def objects_in_view(valid_actions: Sequence[str]) -> tuple[str, ...]:
    """The objects the game lets the player take, sorted."""
    return tuple(sorted(a[len("take "):] for a in valid_actions if a.startswith("take ")))


def available_actions(info: Mapping[str, Any]) -> tuple[str, ...]:
    """The step's valid actions (the adapter's info lists them sorted)."""
    return tuple(str(a) for a in info.get("available_actions", ()))


def document(observation: str, info: Mapping[str, Any]) -> str:
    """The text the memory stores and the prompt shows: the reply, the room, the inventory (the
    reply is left out when it is the room description itself, as after `look around`)."""
    look = str(info.get("look", "")).strip()
    parts = [observation.strip()] if observation.strip() and observation.strip() != look else []
    parts += [look, str(info.get("inventory", "")).strip()]
    return "\n".join(part for part in parts if part)


def state_fields(observation: str, info: Mapping[str, Any]) -> dict[str, str]:
    """The environment's own stored fields of a step (see STATE_FIELDS)."""
    return {
        "room": room_of(str(info.get("look", ""))),
        "in_view": SEPARATOR.join(objects_in_view(available_actions(info))),
        "inventory": SEPARATOR.join(inventory_items(str(info.get("inventory", "")))),
        "feedback": observation.strip(),
    }


def split_field(value: str) -> tuple[str, ...]:
    """A stored list field back as a tuple."""
    return tuple(value.split(SEPARATOR)) if value else ()
