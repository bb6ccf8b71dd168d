"""What `rememberer play` shows of a TextWorldExpress step, and its number shortcut."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from environments.spec import PlayView

PLAY_HINT = ("Type one of the valid actions (or its number), e.g. take notebook; "
             "quit to stop.")


def describe(info: Mapping[str, Any]) -> list[str]:
    """The lines printed under each observation (the game's reply): the task, the room (after
    the first step: at the start the observation is the room), the inventory, the score and
    the numbered valid actions."""
    lines = [f"Task: {info.get('task_description', '')}"]
    if info.get("steps", 0):
        lines += [line.rstrip() for line in str(info.get("look", "")).splitlines() if line.strip()]
    lines += [line.rstrip() for line in str(info.get("inventory", "")).splitlines() if line.strip()]
    lines.append(f"Score: {float(info.get('score', 0.0)):.2f}")
    actions = info.get("available_actions") or []
    lines.append("Valid actions: " + "  ".join(f"{i}) {a}" for i, a in enumerate(actions, 1)))
    return lines


def expand(line: str, info: Mapping[str, Any]) -> str:
    """A bare number picks that numbered valid action; anything else is passed on as typed."""
    actions = info.get("available_actions") or []
    if line.strip().isdigit() and 1 <= int(line) <= len(actions):
        return actions[int(line) - 1]
    return line


PLAY = PlayView(hint=PLAY_HINT, index_flag="task", describe=describe, expand=expand)
