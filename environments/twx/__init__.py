"""TextWorldExpress (Jansen & Côté, 2022) as REMEMBERER task sets: real text games on a JVM.

Needs the optional extra (`pip install -e '.[textworld]'`) and a Java runtime. Three task sets,
each a game with its parameter variants; a task is a game seed, its fold fixed by the seed:

    from environments.twx import make_env
    env = make_env("twx")                                   # twc: 1-2 rooms, 2-3 objects
    observation, info = env.reset(options={"task": 20000})  # a test-fold game
    observation, reward, terminated, truncated, info = env.step(info["available_actions"][0])

Every part of an `environments.spec.EnvSpec` is a constant or function of this package, listed
in `__all__`; `environments.twx.spec` assembles them into one spec per task set, registered
through the `rememberer.environments` entry-point group (pyproject.toml).
"""

from __future__ import annotations

from typing import Any

from environments.twx.actions import (ACTION_REGEX, NOOP, SYNTAX, action_patterns, parse_action,
                                      template, valid_actions)
from environments.twx.env import ENTRY_POINTS, TwxEnv
from environments.twx.exemplars import EXEMPLAR_SETS, exemplar_dir
from environments.twx.play import PLAY, PLAY_HINT, describe, expand
from environments.twx.prompts import INSTRUCTIONS, REACT_INSTRUCTIONS, render
from environments.twx.runtime import TextWorldExpressUnavailable, require
from environments.twx.scoring import SCORE_LABEL, SCORE_TEXT, SCORING, SUCCESS_TEXT, score, success
from environments.twx.similarity import SIMILARITY, ObservationKey, f_o, observation_key, pattern
from environments.twx.state import FIELDS, STATE_FIELDS, document, state_fields, state_of, task_of
from environments.twx.tasks import FOLDS, TASK_SETS, TaskSet, fold_of, task_set

RESET_KEY = "task"  # reset(options={"task": seed})
TASK_KEY = "task_description"  # the info entry holding the task text


def make_env(name: str = "twx", **kwargs: Any) -> TwxEnv:
    """A `TwxEnv` for task set `name` (keyword arguments: max_steps, render_mode)."""
    return TwxEnv(name, **kwargs)


def splits(name: str = "twx") -> dict[str, range]:
    """The named task sets (seed ranges) of task set `name`."""
    return dict(task_set(name).splits)


SPLITS = splits("twx")

__all__ = [
    "ACTION_REGEX", "ENTRY_POINTS", "EXEMPLAR_SETS", "FIELDS", "FOLDS", "INSTRUCTIONS", "NOOP",
    "ObservationKey", "PLAY", "PLAY_HINT", "REACT_INSTRUCTIONS", "RESET_KEY", "SCORE_LABEL",
    "SCORE_TEXT", "SCORING", "SIMILARITY", "SPLITS", "STATE_FIELDS", "SUCCESS_TEXT", "SYNTAX",
    "TASK_KEY", "TASK_SETS", "TaskSet", "TextWorldExpressUnavailable", "TwxEnv",
    "action_patterns", "describe", "document", "exemplar_dir", "expand", "f_o", "fold_of",
    "make_env", "observation_key", "parse_action", "pattern", "render", "require", "score",
    "splits", "state_fields", "state_of", "success", "task_of", "task_set", "template",
    "valid_actions",
]
