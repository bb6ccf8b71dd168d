"""Playing an episode by a solution: the game's own gold path, or for `coin` a shortest one.

TextWorldExpress draws coin's gold path at random (the same game gives paths of different
lengths from one reset to the next), so exemplars and measurements built on it would change
from run to run. For coin the solution is instead the shortest walk to the coin, found by
breadth-first search over the `move` actions (in sorted order, so ties always fall the same way).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from environments.errors import EnvironmentDataError
from environments.twx.env import TwxEnv

COIN = "take coin"


@dataclass(frozen=True)
class GoldStep:
    """One step of a gold episode: what was seen, the action taken there and its reward."""

    observation: str
    info: dict[str, Any]
    action: str
    reward: float


def _replay(env: TwxEnv, seed: int, actions: list[str]) -> dict[str, Any]:
    _, info = env.reset(options={"task": seed})
    for action in actions:
        info = env.step(action)[4]
    return info


def shortest_coin_walk(env: TwxEnv, seed: int, start: Sequence[str] = ()) -> list[str]:
    """After the actions `start`, the fewest `move`s to a room where the coin can be taken, then
    `take coin`."""
    queue: deque[list[str]] = deque([list(start)])
    seen = {_replay(env, seed, list(start))["look"]}
    while queue:
        path = queue.popleft()
        info = _replay(env, seed, path)
        if COIN in info["available_actions"]:
            return [*path[len(start):], COIN]
        for action in info["available_actions"]:
            if action.startswith("move "):
                room = _replay(env, seed, [*path, action])["look"]
                if room not in seen:
                    seen.add(room)
                    queue.append([*path, action])
    raise EnvironmentDataError(f"coin task {seed}: no room with the coin can be reached")


def solution(env: TwxEnv, seed: int) -> list[str]:
    """A reproducible solution of game `seed`: coin's shortest walk, else the game's gold path."""
    if env.task_set.game == "coin":
        return shortest_coin_walk(env, seed)
    env.reset(options={"task": seed})
    return env.gold_actions()


def shortest_rest(env: TwxEnv, seed: int, actions: Sequence[str]) -> int | None:
    """How many actions still solve game `seed` after `actions`, where that is known (coin);
    None for games whose only solutions are the game's gold paths from the start."""
    if env.task_set.game != "coin":
        return None
    return len(shortest_coin_walk(env, seed, actions))


def gold_episode(env: TwxEnv, seed: int) -> list[GoldStep]:
    """Play game `seed` along its solution up to the game's success (EnvironmentDataError if the
    solution is not accepted or does not end in success within the env's step limit)."""
    actions = solution(env, seed)
    observation, info = env.reset(options={"task": seed})
    steps: list[GoldStep] = []
    for action in actions:
        if action not in info["available_actions"]:
            raise EnvironmentDataError(f"{env.task_set.name} task {seed}: gold action {action!r} is not valid")
        after, reward, terminated, truncated, next_info = env.step(action)
        steps.append(GoldStep(observation, info, action, reward))
        observation, info = after, next_info
        if terminated or truncated:
            break
    if not info["success"]:
        raise EnvironmentDataError(f"{env.task_set.name} task {seed}: the gold path did not succeed")
    return steps
