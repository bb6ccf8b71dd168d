"""What the memory keeps of one TextWorldExpress step, read off the adapter's observation and info.

The game's observation after an action is only its reply ("You take the notebook."); the room
description (`info["look"]`) and the inventory (`info["inventory"]`) come with every step. A
stored state (`environments.state.State`) holds:

- observation: the *document*, the reply, the room description and the inventory together;
- task: the game's task description;
- the environment's own fields (`FIELDS`, in this order):
  `available_actions` (the sorted valid actions; part of the state's identity, as in WebShop),
  `room` ("kitchen"; "" in games without rooms), `in_view` (the objects the game lets you take),
  `inventory` (the objects carried, articles dropped), `feedback` (the game's last reply).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from environments.spec import StateField
from environments.state import State

FIELDS = (
    StateField("available_actions", tuple, identity=True, flag="--action",
               help="a valid action of the state (repeat for each, in sorted order)"),
    StateField("room", str, flag="--room", help="the room the player is in"),
    StateField("in_view", tuple, help="an object the player can take"),
    StateField("inventory", tuple, help="an object the player carries"),
    StateField("feedback", str, help="the game's last reply"),
)
STATE_FIELDS = tuple(f.name for f in FIELDS)
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


def document(observation: str, info: Mapping[str, Any]) -> str:
    """The text the memory stores and the prompt shows: the reply, the room, the inventory (the
    reply is left out when it is the room description itself, as after `look around`)."""
    look = str(info.get("look", "")).strip()
    parts = [observation.strip()] if observation.strip() and observation.strip() != look else []
    parts += [look, str(info.get("inventory", "")).strip()]
    return "\n".join(part for part in parts if part)


def state_fields(observation: str, info: Mapping[str, Any]) -> dict[str, Any]:
    """The environment's own fields of a step (see FIELDS)."""
    actions = tuple(str(a) for a in info.get("available_actions", ()))
    return {
        "available_actions": actions,
        "room": room_of(str(info.get("look", ""))),
        "in_view": objects_in_view(actions),
        "inventory": inventory_items(str(info.get("inventory", ""))),
        "feedback": observation.strip(),
    }


def state_of(name: str, observation: str, info: Mapping[str, Any],
             history: Sequence[str] = ()) -> State:
    """The memory's state of one step of task set `name` (`history`: rendered past actions)."""
    return State(name, task_of(info), document(observation, info), tuple(history),
                 state_fields(observation, info))


def available(state: State) -> tuple[str, ...]:
    """A state's valid actions."""
    return tuple(state.get("available_actions", ()))
