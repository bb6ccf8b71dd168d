"""The records the experience memory holds and returns.

A *state* (`environments.state.State`) is what the agent saw at one step: the task text, the
observation, the latest actions and the environment's own fields. An *experience* is one
`(state, action)` pair with its Q value; it is one row of the Chroma collection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from environments.registry import spec
from environments.state import State, digest, history_entry, task_id_of

__all__ = ["ActionRecord", "Experience", "RetrievedState", "State", "Transition",
           "experience_from_json", "experience_id", "experience_to_json", "history_entry",
           "normalize_action", "state_order", "task_id_of"]

_SPACES = re.compile(r"\s+")


def normalize_action(action: str) -> str:
    """The identity of an action: trimmed, inner whitespace collapsed (case is kept:
    `INPUT(3, How to Knit)` text matters)."""
    return _SPACES.sub(" ", action.strip())


def experience_id(state_id: str, action: str) -> str:
    return digest("exp", state_id, normalize_action(action))


@dataclass
class Experience:
    """One row of the memory: a state, one action taken there, and what it earned."""

    state: State
    action: str
    q: float = 0.0
    visits: int = 0
    reward: float = 0.0  # last immediate reward seen after this action
    reason: str = ""  # the latest free-text reason the LLM gave for the action
    pattern: str = ""  # the state's pattern label (set by the store from the env's spec)
    provenance: str = ""  # where it came from: run name, import file, "E0" …
    created_at: float = 0.0
    updated_at: float = 0.0
    seq: int | None = None  # creation sequence number, set by the store when the row is written

    @property
    def id(self) -> str:
        return experience_id(self.state.state_id, self.action)


UNNUMBERED = (2, 0)


def state_order(seqs: Iterable[int | None]) -> tuple[int, int]:
    """A state's place in insertion order, from its rows' creation sequence numbers: (0, the
    oldest row's number); `UNNUMBERED` for a state with no numbered row (written before rows
    were numbered: such states come after all others, and rankings then order them by state
    id). Group 1 is left for states whose first row is about to be written (the updater)."""
    numbered = [s for s in seqs if s is not None]
    return (0, min(numbered)) if numbered else UNNUMBERED


@dataclass
class ActionRecord:
    """One recorded action of a retrieved state."""

    action: str
    q: float
    visits: int
    reason: str = ""
    reward: float = 0.0
    id: str = ""
    seq: int | None = None  # the row's creation sequence number (None: written before numbering)


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

    @property
    def order(self) -> tuple[int, int]:
        """The state's place in insertion order (see `state_order`)."""
        return state_order(a.seq for a in self.actions)


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
#
# A flat object: id, env, task, observation, the environment's own fields (in its spec's
# order), history, then the experience's keys.

_EXPERIENCE_KEYS = ("action", "reason", "q", "visits", "reward", "pattern", "provenance",
                    "created_at", "updated_at")


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def experience_to_json(exp: Experience) -> dict:
    """A flat, ordered dict; lists stay lists (unlike Chroma metadata)."""
    state = exp.state
    out: dict = {"id": exp.id, "env": state.env, "task": state.task,
                 "observation": state.observation}
    for item in spec(state.env).fields:
        out[item.name] = _plain(item.coerce(state.get(item.name)))
    out["history"] = list(state.history)
    for key in _EXPERIENCE_KEYS:
        out[key] = getattr(exp, key)
    return out


def is_empty(value: Any) -> bool:
    """True for "", 0, 0.0, False, [] and None: what files written before specs held for
    fields of other environments (they wrote every environment's fields on every line)."""
    return not value


def experience_from_json(data: dict) -> Experience:
    """Inverse of `experience_to_json` (the `id` is recomputed, not trusted)."""
    env_spec = spec(str(data["env"]))
    state = State(
        env=env_spec.name, task=str(data["task"]), observation=str(data["observation"]),
        history=tuple(data.get("history", ())),
        details={f.name: f.coerce(data.get(f.name)) for f in env_spec.fields},
    )
    return Experience(
        state=state, action=str(data["action"]), q=float(data.get("q", 0.0)),
        visits=int(data.get("visits", 0)), reward=float(data.get("reward", 0.0)),
        reason=str(data.get("reason", "")), pattern=str(data.get("pattern", "")),
        provenance=str(data.get("provenance", "")),
        created_at=float(data.get("created_at", 0.0)), updated_at=float(data.get("updated_at", 0.0)),
    )
