"""The TextWorldExpress plug-in specs: one `EnvSpec` per task set (see environments/spec.py).

They are registered through the `rememberer.environments` entry-point group in pyproject.toml,
as a separately installed plug-in would be, not in `environments/__init__.py`. Importing this
module needs neither the textworld-express package nor Java: the engine starts with the first
environment `make()` creates.
"""

from __future__ import annotations

from functools import partial

from environments.spec import EnvSpec
from environments.twx.actions import NOOP, SYNTAX, action_patterns, valid_actions
from environments.twx.env import ENTRY_POINTS
from environments.twx.exemplars import exemplar_dir
from environments.twx.play import PLAY
from environments.twx.prompts import INSTRUCTIONS, REACT_INSTRUCTIONS, render
from environments.twx.scoring import SCORING
from environments.twx.similarity import SIMILARITY
from environments.twx.state import FIELDS, state_of
from environments.twx.tasks import task_set


def spec(name: str) -> EnvSpec:
    """The spec of task set `name` ("twx", "twx-coin" or "twx-cooking")."""
    tasks = task_set(name)
    return EnvSpec(
        name=name,
        entry_point=ENTRY_POINTS[name],
        task_option="task",
        task_info="task_description",
        build_state=partial(state_of, name),
        render=render,
        instructions=INSTRUCTIONS,
        react_instructions=REACT_INSTRUCTIONS,
        syntax=SYNTAX,
        valid_actions=valid_actions,
        action_patterns=action_patterns,
        similarity=SIMILARITY,
        splits=tasks.splits,
        quick=tasks.quick,
        paper=tasks.paper,
        fields=FIELDS,
        noop=NOOP,
        scoring=SCORING,
        play=PLAY,
        exemplar_dir=exemplar_dir(name),
    )


SPEC, COIN, COOKING = spec("twx"), spec("twx-coin"), spec("twx-cooking")
