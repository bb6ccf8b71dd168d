"""The exemplar sets E0, E1 and E2 of each TextWorldExpress task set.

`<task set>/<E0|E1|E2>.jsonl` (the spec's `exemplar_dir` is `exemplar_dir(name)`) holds two
states from dev-fold games that are in no split (seeds from 10000 on; `make.exemplar_games` says
which), played along a reproducible solution (`gold.solution`): the first step of one game and
the last step of the other. Each state has two experiences: the solution's action (Q = what the
rest of the path earned from there, the undiscounted return) and a valid action that earns
nothing or loses score (Q = its own reward). The agent makes its ReAct worked steps from the same
states. `python -m environments.twx.exemplars.make` rebuilds the files from the real game.

One line per experience in the memory's JSON form (`memory_store.records.experience_to_json`):
env, task, observation, the environment's own fields (`state.FIELDS`, in order), history, then
action, reason, q, visits, reward, pattern, provenance, created_at, updated_at. The `id` is left
out: the memory computes it on loading.
"""

from __future__ import annotations

from pathlib import Path

EXEMPLAR_SETS = ("E0", "E1", "E2")


def exemplar_dir(name: str) -> Path:
    """The folder holding task set `name`'s E0.jsonl, E1.jsonl and E2.jsonl."""
    return Path(__file__).parent / name


def exemplar_path(name: str, set_name: str) -> Path:
    return exemplar_dir(name) / f"{set_name}.jsonl"


__all__ = ["EXEMPLAR_SETS", "exemplar_dir", "exemplar_path"]
