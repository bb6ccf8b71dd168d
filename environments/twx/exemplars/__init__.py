"""The exemplar sets E0, E1 and E2 of each TextWorldExpress task set, and ReAct worked steps.

`<task set>_<E0|E1|E2>.jsonl` holds two states from dev-fold games that are in no split (seeds
from 10000 on; `make.exemplar_games` says which), played along a reproducible solution
(`gold.solution`): the first step of one game and the last step of the other. Each state has two
experiences: the solution's action (Q = what the rest of the path earned from there, the
undiscounted return) and a valid action that earns nothing or loses score (Q = its own reward).
`python -m environments.twx.exemplars.make` rebuilds the files from the real game.

One line per experience, in the JSON shape of the memory's JSONL pools (`env`, `task`,
`observation`, `available_actions`, `history`, `action`, `reason`, `q`, `visits`, `reward`,
`pattern`, `provenance`; no `id`, which the memory computes), plus `fields`: the environment's own
stored fields (`state.STATE_FIELDS`) and `task_index`: the game seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from environments.errors import EnvironmentDataError

EXEMPLAR_SETS = ("E0", "E1", "E2")


def exemplar_path(task_set: str, set_name: str) -> Path:
    """Where one exemplar set's file lives (it may not exist)."""
    return Path(str(resources.files(__name__))) / f"{task_set}_{set_name}.jsonl"


def load_exemplars(task_set: str, set_name: str) -> list[dict]:
    """The experiences of exemplar set `set_name` of `task_set`, as JSON objects in file order."""
    if set_name not in EXEMPLAR_SETS:
        raise EnvironmentDataError(f"unknown exemplar set {set_name!r} (known: {', '.join(EXEMPLAR_SETS)})")
    path = exemplar_path(task_set, set_name)
    if not path.is_file():
        raise EnvironmentDataError(f"no exemplar set {set_name} for {task_set!r} ({path} is missing)")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                raise EnvironmentDataError(f"{path}:{number}: not JSON ({exc})") from None
    return records


@dataclass(frozen=True)
class ReactStep:
    """A ReAct worked step: a state (an exemplar record), thoughts about it, then the action."""

    state: dict
    thoughts: tuple[str, ...]
    action: str


def react_steps(task_set: str, set_name: str) -> list[ReactStep]:
    """One worked step per exemplar state: why the useless action would not help, why the gold
    action does, then the gold action (the highest Q; ties: file order)."""
    by_state: dict[str, list[dict]] = {}
    for record in load_exemplars(task_set, set_name):
        key = json.dumps([record["task"], record["observation"], record["available_actions"]])
        by_state.setdefault(key, []).append(record)
    steps = []
    for records in by_state.values():
        ranked = sorted(enumerate(records), key=lambda item: (-item[1]["q"], item[0]))
        best = ranked[0][1]
        thoughts = [f"{r['action']} would not help: {r['reason']}" for _, r in ranked[1:] if r["q"] <= 0]
        steps.append(ReactStep(state=best, thoughts=(*thoughts, best["reason"]), action=best["action"]))
    return steps


__all__ = ["EXEMPLAR_SETS", "ReactStep", "exemplar_path", "load_exemplars", "react_steps"]
