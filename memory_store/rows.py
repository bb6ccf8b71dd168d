"""How one experience is laid out as a Chroma row, and back (the schema in store.py's docstring).

Kept apart from the store so that retrieval, the state index and the updater can read rows
without importing the store (and the store can import them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from environments.ranking import ranked
from environments.registry import spec
from memory_store.records import (
    ActionRecord, Experience, State, dumps_history, loads_history,
)


class Row(NamedTuple):
    """One stored row as plain data: its id, its document (the observation) and its metadata."""

    id: str
    document: str
    metadata: dict


def pattern_of(state: State) -> str:
    """The state's pattern label, as its environment's spec computes it."""
    return spec(state.env).similarity.pattern(state)


def experience_metadata(exp: Experience, pattern: str) -> dict:
    """The row's metadata: the common keys, then the environment's own state fields."""
    state = exp.state
    meta = {
        "env": state.env, "task": state.task, "task_id": state.task_id,
        "state_id": state.state_id, "action": exp.action, "reason": exp.reason,
        "q": float(exp.q), "visits": int(exp.visits), "reward": float(exp.reward),
        "pattern": pattern, "history": dumps_history(state.history),
        "provenance": exp.provenance,
        "created_at": float(exp.created_at), "updated_at": float(exp.updated_at),
    }
    for item in spec(state.env).fields:
        meta[item.name] = item.to_metadata(state.get(item.name))
    return meta


def state_from_row(document: str, meta: dict) -> State:
    """The stored state of a row. Keys of fields its environment does not declare are ignored
    (schema-1 rows carry every bundled environment's fields)."""
    env_spec = spec(meta["env"])
    return State(env_spec.name, meta["task"], document or "",
                 loads_history(meta.get("history", "")),
                 {f.name: f.from_metadata(meta.get(f.name)) for f in env_spec.fields})


def row_to_experience(document: str, meta: dict) -> Experience:
    return Experience(
        state=state_from_row(document, meta), action=meta["action"],
        q=float(meta.get("q", 0.0)),
        visits=int(meta.get("visits", 0)), reward=float(meta.get("reward", 0.0)),
        reason=meta.get("reason", ""), pattern=meta.get("pattern", ""),
        provenance=meta.get("provenance", ""), created_at=float(meta.get("created_at", 0.0)),
        updated_at=float(meta.get("updated_at", 0.0)), seq=row_seq(meta),
    )


def best_actions_first(actions: Iterable[ActionRecord]) -> list[ActionRecord]:
    """Highest Q first; equal Q values in the order of the action text (then row id)."""
    return ranked(actions, score=lambda a: a.q, ident=lambda a: (a.action, a.id))


def action_record(row_id: str, meta: dict) -> ActionRecord:
    return ActionRecord(
        action=meta["action"], q=float(meta.get("q", 0.0)), visits=int(meta.get("visits", 0)),
        reason=meta.get("reason", ""), reward=float(meta.get("reward", 0.0)), id=row_id,
        seq=row_seq(meta),
    )


def row_seq(meta: dict) -> int | None:
    """The row's creation sequence number, None for a row written before rows were numbered."""
    seq = meta.get("seq")
    return None if seq is None else int(seq)
