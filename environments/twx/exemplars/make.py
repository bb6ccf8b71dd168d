"""Rebuild the exemplar sets E0-E2 of every TextWorldExpress task set from the real game.

    python -m environments.twx.exemplars.make           # rewrite environments/twx/exemplars/*.jsonl
    python -m environments.twx.exemplars.make --check   # exit 1 if a file differs from a fresh build
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from environments.errors import EnvironmentDataError
from environments.regenerate import regenerate
from environments.state import HISTORY_LENGTH, State, history_entry
from environments.twx.env import TwxEnv
from environments.twx.exemplars import EXEMPLAR_SETS, exemplar_path
from environments.twx.gold import GoldStep, gold_episode, shortest_rest
from environments.twx.reasons import helps, useless
from environments.twx.similarity import pattern
from environments.twx.state import FIELDS, state_of
from environments.twx.tasks import TASK_SETS

FIRST_SEED = 10000  # dev-fold games 10000-10099 are in no split: the exemplars come from there
MIN_GOLD_STEPS = 2  # skip games solved by one action (the coin in the first room)
BLAND = ("inventory", "look around")  # avoided actions of last resort: they teach little
STEP_LIMIT = 100  # gold paths are never cut off


Game = tuple[int, list[GoldStep]]  # a seed and its gold episode


def exemplar_games(env: TwxEnv) -> dict[str, list[Game]]:
    """Two gold episodes per exemplar set: the first dev-fold games from FIRST_SEED whose gold
    path has at least MIN_GOLD_STEPS steps, in seed order (E0 gets the first two)."""
    games: list[Game] = []
    seed = FIRST_SEED
    while len(games) < 2 * len(EXEMPLAR_SETS):
        if seed >= env.task_set.splits["dev"].start:
            raise EnvironmentDataError(f"{env.task_set.name}: too few long enough games for the exemplars")
        steps = gold_episode(env, seed)
        if len(steps) >= MIN_GOLD_STEPS:
            games.append((seed, steps))
        seed += 1
    return {name: games[2 * i:2 * i + 2] for i, name in enumerate(EXEMPLAR_SETS)}


def _history(steps: list[GoldStep], at: int) -> list[str]:
    return [history_entry(s.action) for s in steps[:at]][-HISTORY_LENGTH:]


def _useless_action(env: TwxEnv, seed: int, steps: list[GoldStep], at: int) -> tuple[str, float]:
    """A valid action at step `at` that earns nothing or loses score, with its reward: one of the
    gold action's verb first (`put x in <wrong place>`), `inventory` and `look around` last;
    each candidate is tried in the real game, and where the shortest rest of a solution is known
    (coin), one that leaves an equally short way is passed over."""
    gold = steps[at].action
    verb = gold.split(" ", 1)[0]
    options = [a for a in steps[at].info["available_actions"] if a != gold]
    order = lambda a: (a.split(" ", 1)[0] != verb, a in BLAND, a)  # noqa: E731
    before = [step.action for step in steps[:at]]
    for action in sorted(options, key=order):
        env.reset(options={"task": seed})
        for previous in before:
            env.step(previous)
        _, reward, terminated, _, info = env.step(action)
        if not info["valid"] or reward > 0:
            continue
        rest = None if terminated else shortest_rest(env, seed, [*before, action])
        if rest is None or rest >= len(steps) - at:  # not another way as short as the gold one
            return action, reward
    raise EnvironmentDataError(f"task {seed} step {at}: every valid action earns something")


def _record(state: State, set_name: str, action: str, reason: str, q: float, reward: float) -> dict:
    """One experience in the memory's JSON form, without the `id` (see the package docstring)."""
    out: dict = {"env": state.env, "task": state.task, "observation": state.observation}
    for item in FIELDS:
        value = item.coerce(state.get(item.name))
        out[item.name] = list(value) if isinstance(value, tuple) else value
    out["history"] = list(state.history)
    out.update(action=action, reason=reason, q=round(q, 4), visits=1, reward=round(reward, 4),
               pattern=pattern(state), provenance=set_name, created_at=0.0, updated_at=0.0)
    return out


def build(env: TwxEnv, set_name: str, games: list[Game]) -> list[dict]:
    """The four experiences of one exemplar set: the first step of its first game and the last
    step of its second, each with the gold action (Q = the rest of the path's return) and a
    useless one (Q = its own reward, 0 or less)."""
    records = []
    for number, (seed, steps) in enumerate(games):
        at = 0 if number == 0 else len(steps) - 1
        step = steps[at]
        state = state_of(env.task_set.name, step.observation, step.info, _history(steps, at))
        q = sum(s.reward for s in steps[at:])
        avoid, lost = _useless_action(env, seed, steps, at)
        records.append(_record(state, set_name, step.action, helps(step.action), q, step.reward))
        records.append(_record(state, set_name, avoid, useless(avoid, lost), lost, lost))
    return records


def render_files() -> dict[Path, str]:
    """File path -> JSONL text, for every task set and exemplar set."""
    files = {}
    for name in TASK_SETS:
        env = TwxEnv(name, max_steps=STEP_LIMIT)
        try:
            for set_name, games in exemplar_games(env).items():
                lines = [json.dumps(r, ensure_ascii=False) for r in build(env, set_name, games)]
                files[exemplar_path(name, set_name)] = "\n".join(lines) + "\n"
        finally:
            env.close()
    return files


def main(argv: list[str] | None = None) -> int:
    return regenerate("python -m environments.twx.exemplars.make",
                      "Rebuild the TextWorldExpress exemplar sets.", render_files,
                      EnvironmentDataError, argv)


if __name__ == "__main__":
    sys.exit(main())
