"""TextWorldExpress (Jansen & Côté, 2022) as a REMEMBERER task set: real text games on a JVM.

Needs the optional extra (`pip install -e '.[textworld]'`) and a Java runtime. Three task sets,
each a game with its parameter variants; a task is a game seed, its fold fixed by the seed:

    from environments.twx import make_env
    env = make_env("twx")                                   # twc: 1-2 rooms, 2-3 objects
    observation, info = env.reset(options={"task": 20000})  # a test-fold game
    observation, reward, terminated, truncated, info = env.step(info["available_actions"][0])

Everything an environment plug-in spec needs is a plain function or constant of this package,
listed in `__all__` (docs/environments/textworld-express.md, "Wiring").
"""

from __future__ import annotations

from typing import Any

from environments.twx.actions import ACTION_REGEX, NOOP, action_patterns, parse_action, template
from environments.twx.env import TwxEnv
from environments.twx.exemplars import EXEMPLAR_SETS, ReactStep, load_exemplars, react_steps
from environments.twx.play import PLAY_HINT, expand, show
from environments.twx.prompts import INSTRUCTIONS, REACT_INSTRUCTIONS, prompt_view
from environments.twx.runtime import TextWorldExpressUnavailable, require
from environments.twx.scoring import SCORE_LABEL, SCORE_TEXT, SUCCESS_TEXT, score, success
from environments.twx.similarity import ObservationKey, f_o, observation_key, pattern
from environments.twx.state import STATE_FIELDS, document, state_fields, task_of
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
    "ACTION_REGEX", "EXEMPLAR_SETS", "FOLDS", "INSTRUCTIONS", "NOOP", "PLAY_HINT",
    "ObservationKey", "REACT_INSTRUCTIONS", "RESET_KEY", "SCORE_LABEL", "SCORE_TEXT", "SPLITS", "STATE_FIELDS",
    "SUCCESS_TEXT", "TASK_KEY", "TASK_SETS", "ReactStep", "TaskSet", "TextWorldExpressUnavailable",
    "TwxEnv", "action_patterns", "document", "expand", "f_o", "fold_of", "load_exemplars",
    "make_env", "observation_key", "parse_action", "pattern", "prompt_view", "react_steps", "require", "score",
    "show", "splits", "state_fields", "success", "task_of", "task_set", "template",
]
