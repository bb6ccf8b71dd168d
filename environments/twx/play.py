"""What `rememberer play` shows of a TextWorldExpress step, and its number shortcut."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from environments.twx.state import document

PLAY_HINT = ("Type one of the valid actions (or its number), e.g. take notebook; "
             "quit to stop.")


def show(observation: str, info: Mapping[str, Any]) -> list[str]:
    """The lines printed for one step: the task, the reply with the room and inventory, the
    score, and the numbered valid actions."""
    lines = [f"Task: {info.get('task_description', '')}"]
    lines += document(observation, info).splitlines()
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
