"""Which f_o finds the states where the same action was right? A measurement on solutions.

The memory is every state of the solutions (`gold.solution`: the game's gold path, or coin's
shortest walk) of `--memory-seeds` training-fold games, each with the action taken there. For every state of the held-out games (the `dev` split to
choose a candidate, the `test` split to report it), retrieval takes the stored state with the
highest f_o (ties: the earlier seed, then the earlier step — a total order) and we count how
often its gold action has the same shape as the held-out state's gold action (`take <x>`, `put
<x> in <y>`, ...: in twc the test fold's objects never occur in training, so exact actions rarely
can match) and how often it is exactly the same action. "majority" is the share of the most
common shape: what always retrieving one kind of state would score at best.

One f_o serves every task set, so the choice is the candidate with the highest mean
`same_shape` on dev over the task sets measured (printed last); the test split checks it.

    python -m environments.twx.measure                      # all task sets, 200 memory games
    python -m environments.twx.measure --task-set twx       # one task set
    python -m environments.twx.measure --json out.json      # also write the tables as JSON
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from environments.errors import EnvironmentDataError
from environments.twx.actions import template
from environments.twx.env import TwxEnv
from environments.twx.gold import gold_episode
from environments.twx.similarity import ObservationKey, f_o, jaccard, observation_key, text_similarity
from environments.twx.state import available, state_of
from environments.twx.tasks import TASK_SETS

GOLD_STEP_LIMIT = 100  # far above any gold path: gold episodes are never cut off
_ENTITY_VERBS = {"take": "see", "open": "closed", "close": "open", "move": "exit"}


@dataclass(frozen=True)
class Sample:
    """One gold-path state, with the keys the candidates compare."""

    seed: int
    step: int
    key: ObservationKey  # the f_o key: the document's words and the valid actions' shapes
    room: str
    entities: frozenset[str]  # the room, objects in view and in hand, containers, exits
    action: str  # what the solution did here


def _entities(room: str, actions: Sequence[str], carried: Sequence[str]) -> frozenset[str]:
    found = {f"room:{room}"} if room else set()
    for action in actions:
        verb, _, rest = action.partition(" ")
        if verb in _ENTITY_VERBS and rest and " in " not in f" {rest} ":
            found.add(f"{_ENTITY_VERBS[verb]}:{rest}")
    return frozenset(found | {f"hold:{item}" for item in carried})


Candidate = Callable[[Sample, Sample], float]

# "none" ranks every stored state equal, so retrieval falls back to the tie-break order.
CANDIDATES: dict[str, Candidate] = {
    "none": lambda a, b: 0.0,
    "room": lambda a, b: float(a.room == b.room),
    "entities": lambda a, b: jaccard(a.entities, b.entities),
    "affordances": lambda a, b: jaccard(a.key.affordances, b.key.affordances),
    "room+affordances": lambda a, b: 0.5 * (a.room == b.room) + 0.5 * jaccard(a.key.affordances, b.key.affordances),
    "room+entities+affordances": lambda a, b: (
        (a.room == b.room) + jaccard(a.entities, b.entities) + jaccard(a.key.affordances, b.key.affordances)) / 3,
    "text": lambda a, b: text_similarity(a.key.words, b.key.words),
    "text+affordances (f_o)": lambda a, b: f_o(a.key, b.key),
}
CHOSEN = "text+affordances (f_o)"


def samples(env: TwxEnv, seeds: Sequence[int]) -> list[Sample]:
    """The states of the solutions of `seeds`, in seed and step order. (Games are played
    grouped by parameter variant: switching variants reloads the game.)"""
    out = []
    for seed in sorted(seeds, key=lambda s: (env.task_set.variant_index(s), s)):
        for number, step in enumerate(gold_episode(env, seed)):
            state = state_of(env.task_set.name, step.observation, step.info)
            room = state.get("room")
            entities = _entities(room, available(state), state.get("inventory"))
            out.append(Sample(seed, number, observation_key(state), room, entities, step.action))
    return sorted(out, key=lambda sample: (sample.seed, sample.step))


def evaluate(candidate: Candidate, memory: Sequence[Sample], queries: Sequence[Sample]) -> dict[str, float]:
    """Shares of queries whose top-1 retrieved state's gold action has the same shape / is the
    same action. `memory` is in (seed, step) order, so max() over it keeps the earliest of ties."""
    same_shape = same_action = 0
    for query in queries:
        best = memory[0]
        best_score = candidate(query, best)
        for stored in memory[1:]:
            score = candidate(query, stored)
            if score > best_score:
                best, best_score = stored, score
        same_shape += template(best.action) == template(query.action)
        same_action += best.action == query.action
    n = max(len(queries), 1)
    return {"same_shape": round(same_shape / n, 4), "same_action": round(same_action / n, 4)}


def measure(task_set: str = "twx", memory_seeds: int = 200, held_out: int = 100,
            candidates: Sequence[str] = tuple(CANDIDATES)) -> dict:
    """The table: for each held-out split and candidate, the two shares; plus sizes and the
    majority-shape baseline."""
    env = TwxEnv(task_set, max_steps=GOLD_STEP_LIMIT)
    default_limit = env.task_set.max_steps
    try:
        splits = env.task_set.splits
        memory = samples(env, range(memory_seeds))
        held = {name: samples(env, splits[name][:held_out]) for name in ("dev", "test")}
    finally:
        env.close()
    everything = [*memory, *held["dev"], *held["test"]]
    table: dict = {"task_set": task_set, "memory_games": memory_seeds, "memory_states": len(memory),
                   "held_out_games": held_out, "max_steps": default_limit, "splits": {},
                   "longest_solution": max(sample.step + 1 for sample in everything)}
    for name, queries in held.items():
        shapes = Counter(template(q.action) for q in queries)
        rows = {label: evaluate(CANDIDATES[label], memory, queries) for label in candidates}
        table["splits"][name] = {"states": len(queries),
                                 "majority": round(max(shapes.values()) / max(len(queries), 1), 4),
                                 "candidates": rows}
    return table


def format_table(table: dict) -> str:
    lines = [f"task set {table['task_set']}: memory = solutions of {table['memory_games']} "
             f"train-fold games ({table['memory_states']} states); held out: first "
             f"{table['held_out_games']} games of each split", ""]
    splits = table["splits"]
    header = f"{'f_o candidate':<28}" + "".join(
        f"{name + ' shape':>12}{name + ' exact':>12}" for name in splits)
    lines += [header, "-" * len(header)]
    first = next(iter(splits.values()))
    for label in first["candidates"]:
        row = f"{label:<28}"
        for split in splits.values():
            cells = split["candidates"][label]
            row += f"{cells['same_shape']:>12.3f}{cells['same_action']:>12.3f}"
        lines.append(row)
    lines.append((f"{'majority shape':<28}" + "".join(
        f"{split['majority']:>12.3f}{'':>12}" for split in splits.values())).rstrip())
    lines.append("states: " + ", ".join(f"{name} {split['states']}" for name, split in splits.items()))
    lines.append(f"longest solution: {table['longest_solution']} steps (the task set's max_steps: "
                 f"{table['max_steps']})")
    return "\n".join(lines)


def mean_table(tables: Sequence[dict]) -> dict[str, dict[str, float]]:
    """Candidate -> split -> mean `same_shape` over the task sets' tables."""
    first = tables[0]["splits"]
    return {label: {split: round(sum(t["splits"][split]["candidates"][label]["same_shape"]
                                     for t in tables) / len(tables), 4) for split in first}
            for label in first[next(iter(first))]["candidates"]}


def format_means(means: dict[str, dict[str, float]], names: Sequence[str]) -> str:
    splits = list(next(iter(means.values())))
    header = f"{'f_o candidate':<28}" + "".join(f"{split + ' shape':>12}" for split in splits)
    lines = [f"mean over task sets {', '.join(names)}", "", header, "-" * len(header)]
    for label, row in means.items():
        lines.append(f"{label:<28}" + "".join(f"{row[split]:>12.3f}" for split in splits))
    best = max(means, key=lambda label: (means[label]["dev"], label))
    lines.append(f"best on dev: {best}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare f_o candidates on TextWorldExpress solutions.")
    parser.add_argument("--task-set", nargs="+", default=list(TASK_SETS), help="default: all")
    parser.add_argument("--memory-seeds", type=int, default=200, help="train-fold games in memory")
    parser.add_argument("--held-out", type=int, default=100, help="games from each of dev and test")
    parser.add_argument("--json", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args(argv)
    tables = []
    try:
        for name in args.task_set:
            tables.append(measure(name, args.memory_seeds, args.held_out))
            print(format_table(tables[-1]), end="\n\n", flush=True)
    except EnvironmentDataError as exc:
        print(f"measure: error: {exc}", file=sys.stderr)
        return 2
    means = mean_table(tables)
    print(format_means(means, args.task_set))
    if args.json:
        args.json.write_text(json.dumps({"tables": tables, "mean_same_shape": means}, indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
