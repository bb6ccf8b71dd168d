"""The records the experience memory holds and returns.

A *state* is what the agent saw at one step: the task text, the observation, and either the
available actions (WebShop) or the current step instruction (WikiHow). An *experience* is one
`(state, action)` pair with its Q value; it is one row of the Chroma collection.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property

_SPACES = re.compile(r"\s+")
_ACTION_END = re.compile(r"(?:[\])]|^[A-Za-z_]+): ")  # "<action>: <reason>" split point


def normalize_action(action: str) -> str:
    """The identity of an action: trimmed, inner whitespace collapsed (case is kept:
    WikiHow's `INPUT(3, How to Knit)` text matters; WebShop actions are already lowercase)."""
    return _SPACES.sub(" ", action.strip())


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


def _digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\x1f")  # unit separator keeps ("ab", "c") != ("a", "bc")
    return hasher.hexdigest()[:32]


def task_id_of(env: str, task: str) -> str:
    return _digest("task", env, task)


@dataclass(frozen=True)
class State:
    """What the agent saw at one step. `state_id` hashes everything except `history` and the
    rewards, as the original keyed its pools by (observation, task, actions/instruction)."""

    env: str
    task: str
    observation: str
    available_actions: tuple[str, ...] = ()  # WebShop
    instruction: str = ""  # WikiHow step instruction ("" before the first sub-goal)
    history: tuple[str, ...] = ()  # last actions, rendered with their reasons
    last_reward: float = 0.0  # WikiHow shows these in its prompt
    total_reward: float = 0.0

    @cached_property  # a frozen instance never changes, so its hashes are computed once
    def state_id(self) -> str:
        return _digest(
            "state", self.env, self.task, self.observation,
            "\n".join(self.available_actions), self.instruction,
        )

    @cached_property
    def task_id(self) -> str:
        return task_id_of(self.env, self.task)


def experience_id(state_id: str, action: str) -> str:
    return _digest("exp", state_id, normalize_action(action))


@dataclass
class Experience:
    """One row of the memory: a state, one action taken there, and what it earned."""

    state: State
    action: str
    q: float = 0.0
    visits: int = 0
    reward: float = 0.0  # last immediate reward seen after this action
    reason: str = ""  # the latest free-text reason the LLM gave for the action
    pattern: str = ""  # page / step pattern label (set by the store from the env profile)
    provenance: str = ""  # where it came from: run name, import file, "E0" …
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def id(self) -> str:
        return experience_id(self.state.state_id, self.action)


@dataclass
class ActionRecord:
    """One recorded action of a retrieved state."""

    action: str
    q: float
    visits: int
    reason: str = ""
    reward: float = 0.0
    id: str = ""


@dataclass
class RetrievedState:
    """A state returned by retrieval, with every recorded action and its scores."""

    state: State
    actions: list[ActionRecord] = field(default_factory=list)
    pattern: str = ""
    f_g: float = 0.0
    f_o: float = 0.0
    score: float = 0.0

    @property
    def visits(self) -> int:
        return sum(a.visits for a in self.actions)

    @property
    def state_id(self) -> str:
        return self.state.state_id


def dumps_history(history: tuple[str, ...] | list[str]) -> str:
    return json.dumps(list(history), ensure_ascii=False)


def loads_history(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


@dataclass
class Transition:
    """One step of an episode as the updater sees it: in `state` the agent took `action`
    (giving `reason`) and then received `reward`."""

    state: State
    action: str
    reward: float
    reason: str = ""


# --- JSON form: one experience per line in JSONL pools, and the E0-E2 exemplar files ---

_STATE_KEYS = ("env", "task", "observation", "available_actions", "instruction", "history",
               "last_reward", "total_reward")
_EXPERIENCE_KEYS = ("action", "reason", "q", "visits", "reward", "pattern", "provenance",
                    "created_at", "updated_at")


def experience_to_json(exp: Experience) -> dict:
    """A flat, ordered dict; lists stay lists (unlike Chroma metadata)."""
    out: dict = {"id": exp.id}
    for key in _STATE_KEYS:
        value = getattr(exp.state, key)
        out[key] = list(value) if isinstance(value, tuple) else value
    for key in _EXPERIENCE_KEYS:
        out[key] = getattr(exp, key)
    return out


def experience_from_json(data: dict) -> Experience:
    """Inverse of `experience_to_json` (the `id` is recomputed, not trusted)."""
    state = State(
        env=str(data["env"]), task=str(data["task"]), observation=str(data["observation"]),
        available_actions=tuple(data.get("available_actions", ())),
        instruction=str(data.get("instruction", "")),
        history=tuple(data.get("history", ())),
        last_reward=float(data.get("last_reward", 0.0)),
        total_reward=float(data.get("total_reward", 0.0)),
    )
    return Experience(
        state=state, action=str(data["action"]), q=float(data.get("q", 0.0)),
        visits=int(data.get("visits", 0)), reward=float(data.get("reward", 0.0)),
        reason=str(data.get("reason", "")), pattern=str(data.get("pattern", "")),
        provenance=str(data.get("provenance", "")),
        created_at=float(data.get("created_at", 0.0)), updated_at=float(data.get("updated_at", 0.0)),
    )
