"""What the agent saw at one step, as the memory stores it: the `State` every environment shares.

A state has the fields every environment has (the environment's name, the task text, the
observation text, the latest actions) plus the environment's own fields in `details`, which its
spec declares (`EnvSpec.fields`: WebShop's available actions, WikiHow's step instruction and
rewards, ...). The spec also says which of them identify the state.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

_ACTION_END = re.compile(r"(?:[\])]|^[A-Za-z_]+): ")  # "<action>: <reason>" split point
HISTORY_LENGTH = 5  # how many of the latest actions a state carries (and the prompt shows)


def digest(*parts: str) -> str:
    """A stable 32-hex-digit id of the parts (sha256; parts kept apart by a separator)."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\x1f")  # unit separator keeps ("ab", "c") != ("a", "bc")
    return hasher.hexdigest()[:32]


def task_id_of(env: str, task: str) -> str:
    return digest("task", env, task)


def history_entry(action: str) -> str:
    """How one past action is written into `State.history` and the prompt: the action alone.
    (Writing `action: reason` there taught the model to answer in that shape instead of the
    `action -> value reason` the prompt asks for; the reasons also cost many prompt tokens.)"""
    return " ".join(action.split())


def history_text(action: str, reason: str) -> str:
    """An imported history entry "<action>: <reason>" (the original pools keep both)."""
    reason = " ".join(reason.split())
    return f"{action}: {reason}" if reason else action


def history_pair(text: str) -> tuple[str, str]:
    """(action, reason) of a history entry: split at the first ": " after a complete action
    (an entry that is an action alone gives an empty reason)."""
    match = _ACTION_END.search(text)
    if match is None:
        return text, ""
    return text[:match.end() - 2], text[match.end():]


@dataclass(frozen=True)
class State:
    """One step as the memory sees it. `state_id` hashes the environment, task, observation and
    the identity parts its spec names (never the history), as the original keyed its pools."""

    env: str
    task: str
    observation: str
    history: tuple[str, ...] = ()  # last actions (history_entry; imported pools: history_text)
    details: Mapping[str, Any] = field(default_factory=dict)  # the environment's own fields

    def get(self, name: str, default: Any = None) -> Any:
        """One of the environment's own fields (`default` when this state lacks it)."""
        return self.details.get(name, default)

    @cached_property  # a frozen instance never changes, so its hashes are computed once
    def state_id(self) -> str:
        from environments.registry import spec

        return digest("state", self.env, self.task, self.observation,
                      *spec(self.env).identity(self))

    @cached_property
    def task_id(self) -> str:
        return task_id_of(self.env, self.task)
