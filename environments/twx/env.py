"""`TwxEnv`: TextWorldExpress games behind the Gymnasium API, one game seed per task.

    env = TwxEnv("twx")                                    # twc, 1-2 rooms, 2-3 objects
    observation, info = env.reset(options={"task": 20000})  # a test-fold seed
    observation, reward, terminated, truncated, info = env.step("take notebook")

The observation is the game's own reply; `info` carries the task description, the room
description (`look`), the inventory, the valid actions (`available_actions`, sorted), the score
(0..1), `success`/`failure` as the game reports them, and `valid` (whether the action was one of
the valid actions). The reward is the change of the game's score. An episode terminates when
the game reports success or failure and is truncated after `max_steps` steps. Stepping before
`reset` or after the end raises `EnvironmentDataError`, as in WikiHowEnv.

The game engine (a JVM) starts on the first `reset`; `close()` stops it.
"""

from __future__ import annotations

import numbers
import string
from typing import Any

import gymnasium
from gymnasium import spaces

from environments.errors import EnvironmentDataError
from environments.twx.actions import parse_action
from environments.twx.runtime import require, start_engine
from environments.twx.state import document
from environments.twx.tasks import FOLDS, TaskSet, fold_of, task_set

_CHARSET = string.printable


class TwxEnv(gymnasium.Env):
    """One TextWorldExpress task set; `reset(options={"task": seed})` picks the game seed."""

    metadata = {"render_modes": ["ansi", "human"]}

    def __init__(self, task_set_name: str = "twx", max_steps: int | None = None,
                 render_mode: str | None = None, data_dir: str | None = None) -> None:
        if data_dir is not None:  # accepted for the shared `make(data_dir=...)` call of `play`
            raise EnvironmentDataError("TextWorldExpress generates its games from seeds and "
                                       "reads no data folder; leave out --data-dir")
        self.task_set: TaskSet = task_set(task_set_name)
        if max_steps is None:
            max_steps = self.task_set.max_steps
        if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
            raise EnvironmentDataError(f"max_steps must be a positive integer, got {max_steps!r}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise EnvironmentDataError(
                f"unknown render_mode {render_mode!r}; use one of {self.metadata['render_modes']}")
        require()  # fail now, in one line, if the package or Java is missing
        self.max_steps = max_steps
        self.render_mode = render_mode
        self.observation_space = spaces.Text(max_length=100_000, min_length=0, charset=_CHARSET)
        self.action_space = spaces.Text(max_length=1_000, min_length=0, charset=_CHARSET)
        self._engine: Any = None
        self._loaded: str | None = None  # the game parameters the engine has loaded
        self._seed: int | None = None
        self._observation = ""
        self._info: dict[str, Any] = {}
        self._steps = 0
        self._over = False

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if options and "task" in options:
            task = _task_index(options["task"])
        else:  # a random seed of the train fold
            task = int(self.np_random.integers(FOLDS["train"].start, FOLDS["train"].stop))
        fold = fold_of(task)
        engine = self._load(self.task_set.params(task))
        observation, raw = engine.reset(seed=task, gameFold=fold, generateGoldPath=True)
        self._seed, self._steps, self._over = task, 0, False
        return self._observe(observation, raw, valid=True)

    def step(self, action: str):
        if self._seed is None:
            raise EnvironmentDataError("call reset() before step()")
        if self._over:
            raise EnvironmentDataError("the TextWorldExpress episode is over; call reset() to start another")
        self._steps += 1
        chosen = parse_action(action, self._info["available_actions"])
        # An action the game does not list is still sent (the game answers "Unknown action"
        # and nothing changes), so the reply the agent sees is the game's own.
        observation, reward, _, raw = self._engine.step(chosen or str(action))
        terminated = bool(raw["tasksuccess"] or raw["taskfailure"])
        truncated = not terminated and self._steps >= self.max_steps
        self._over = terminated or truncated
        observation, info = self._observe(observation, raw, valid=chosen is not None)
        return observation, float(reward), terminated, truncated, info

    def render(self) -> str | None:
        if self._seed is None:
            return None
        text = document(self._observation, self._info)
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def close(self) -> None:
        if self._engine is not None:
            engine, self._engine, self._loaded = self._engine, None, None
            engine.close()

    # ------------------------------------------------------------------ the episode
    @property
    def task(self) -> int | None:
        """The game seed of the current episode (None before the first reset)."""
        return self._seed

    def gold_actions(self) -> list[str]:
        """The game's own solution for the current episode from its start, without the
        `look around` it begins with (the first observation already is the room description)."""
        if self._seed is None:
            raise EnvironmentDataError("call reset() before gold_actions()")
        actions = [str(a) for a in self._engine.getGoldActionSequence()]
        return actions[1:] if actions[:1] == ["look around"] else actions

    def _load(self, params: str) -> Any:
        if self._engine is None:
            self._engine = start_engine()
        if self._loaded != params:
            try:
                self._engine.load(self.task_set.game, params)
            except ValueError as exc:  # the engine rejects the game or its parameters
                raise EnvironmentDataError(f"TextWorldExpress: {' '.join(str(exc).split())}") from None
            self._loaded = params
        return self._engine

    def _observe(self, observation: str, raw: dict[str, Any], valid: bool) -> tuple[str, dict[str, Any]]:
        self._observation = str(observation)
        self._info = {
            "task_description": str(raw.get("taskDescription", "")).strip(),
            "look": str(raw.get("look", "")),
            "inventory": str(raw.get("inventory", "")),
            # sorted: the engine's own order is that of a hash table
            "available_actions": sorted(str(a) for a in raw.get("validActions", ())),
            "score": float(raw.get("score", 0.0)),
            "success": bool(raw.get("tasksuccess", False)),
            "failure": bool(raw.get("taskfailure", False)),
            "valid": valid,
            "task": self._seed,
            "game": self.task_set.game,
            "steps": self._steps,
        }
        if self.render_mode == "human":
            self.render()
        return self._observation, dict(self._info)


def _task_index(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise EnvironmentDataError(f"a TextWorldExpress task is a game seed (an integer), got {value!r}")
    return int(value)


# One factory per task set, addressable as an entry point ("environments.twx.env:make_twx_coin").
def make_twx(**kwargs: Any) -> TwxEnv:
    return TwxEnv("twx", **kwargs)


def make_twx_coin(**kwargs: Any) -> TwxEnv:
    return TwxEnv("twx-coin", **kwargs)


def make_twx_cooking(**kwargs: Any) -> TwxEnv:
    return TwxEnv("twx-cooking", **kwargs)


ENTRY_POINTS = {"twx": "environments.twx.env:make_twx", "twx-coin": "environments.twx.env:make_twx_coin",
                "twx-cooking": "environments.twx.env:make_twx_cooking"}
