"""The fixed exemplar sets E0, E1 and E2 of each environment.

Each set is a JSONL file `<set>.jsonl` in the environment's exemplar folder (its spec's
`exemplar_dir`, e.g. environments/<name>/exemplars/), one experience per line in the format
of `memory_store.records.experience_to_json`, so the same file can initialise a Rememberer memory
(as the paper did) or serve as the LLM-only baseline's fixed exemplars. A set holds two states
(taken from tasks outside the test and training splits); each state has one action that worked
(Q > 0) and one that did not (Q = 0), with reasons written for them.

The ReAct baseline uses the same states: its reasoning lines say why the action that failed would
not help and why the one that worked does; then it takes the one that worked.
"""

from __future__ import annotations

import json
from pathlib import Path

from agent.errors import AgentError
from environments.registry import spec
from agent.prompts import ReactExemplar, best_first
from memory_store.records import (ActionRecord, Experience, RetrievedState, experience_from_json)

EXEMPLAR_SETS = ("E0", "E1", "E2")


def exemplar_path(env: str, set_name: str) -> Path:
    """Where the file of one exemplar set lives (it may not exist)."""
    folder = spec(env).exemplar_dir
    if folder is None:
        raise AgentError(f"environment {env!r} has no exemplar sets; use --initial-memory none "
                         "or a pool file")
    return Path(folder) / f"{set_name}.jsonl"


def load_exemplars(env: str, set_name: str) -> list[Experience]:
    """The experiences of exemplar set `set_name` ("E0", "E1", "E2") of environment `env`."""
    if set_name not in EXEMPLAR_SETS:
        raise AgentError(f"unknown exemplar set {set_name!r} (known: {', '.join(EXEMPLAR_SETS)})")
    path = exemplar_path(env, set_name)
    if not path.is_file():
        raise AgentError(f"no exemplar set {set_name} for environment {env!r} ({path} is missing)")
    experiences: list[Experience] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            experiences.append(experience_from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise AgentError(f"{path}:{number}: not an experience record ({exc})") from exc
    return experiences


def group_states(experiences: list[Experience]) -> list[RetrievedState]:
    """Experiences grouped by state, in file order, each with its recorded actions."""
    states: dict[str, RetrievedState] = {}
    for exp in experiences:
        item = states.setdefault(exp.state.state_id, RetrievedState(state=exp.state, pattern=exp.pattern))
        item.actions.append(ActionRecord(action=exp.action, q=exp.q, visits=exp.visits,
                                         reason=exp.reason, reward=exp.reward, id=exp.id))
    return list(states.values())


def load_exemplar_states(env: str, set_name: str) -> list[RetrievedState]:
    """Exemplar set `set_name` as states with their actions (the LLM-only policy's exemplars)."""
    return group_states(load_exemplars(env, set_name))


def react_exemplars(states: list[RetrievedState]) -> list[ReactExemplar]:
    """ReAct worked steps from exemplar states: think about what works and what does not, then
    act with the best recorded action."""
    out: list[ReactExemplar] = []
    for item in states:
        ranked = best_first(item.actions)
        if not ranked:
            continue
        best = ranked[0]
        thoughts = [f"{a.action} would not help: {a.reason}" if a.reason else f"{a.action} would not help."
                    for a in ranked[1:] if a.q <= 0]
        thoughts += [best.reason] if best.reason else []
        out.append(ReactExemplar(state=item.state, thoughts=tuple(thoughts), action=best.action))
    return out


def load_react_exemplars(env: str, set_name: str) -> list[ReactExemplar]:
    return react_exemplars(load_exemplar_states(env, set_name))


__all__ = ["EXEMPLAR_SETS", "exemplar_path", "group_states", "load_exemplar_states",
           "load_exemplars", "load_react_exemplars", "react_exemplars"]
