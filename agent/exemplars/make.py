"""Regenerate the exemplar sets E0-E2 from the simulators.

Each exemplar is written, in its environment's package (`EnvSpec.exemplar_scripts`), as one
whole episode (actions with hand-written reasons) on a goal or task outside the test and
training splits, the step whose state becomes the exemplar, and one
action that should be avoided there. Playing the episode gives the real observation, the history
(the previous actions) and the encouraged action's Q value: the (undiscounted,
gamma = 1) return from that step to the end of the episode. The avoided action gets Q = 0.0, the
value the paper's memories give actions that led nowhere; it is checked to be accepted by the
environment and to earn nothing itself.

    python -m agent.exemplars.make            # rewrite environments/*/exemplars/E?.jsonl
    python -m agent.exemplars.make --check    # exit 1 if the files differ from a fresh build
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from agent.exemplars import exemplar_path
from environments import registry
from environments.regenerate import regenerate
from environments.spec import EnvSpec, ExemplarScript
from environments.state import history_entry
from memory_store.records import Experience, experience_to_json


class ExemplarError(RuntimeError):
    """A spec no longer plays as written (the simulator or its data changed)."""


def _as_played(spec: EnvSpec, action: str, observation: str, where: str) -> str:
    """The scripted action as sent on this screen (`EnvSpec.exemplar_action`, if any)."""
    if spec.exemplar_action is None:
        return action
    try:
        return spec.exemplar_action(action, observation)
    except ValueError as exc:
        raise ExemplarError(f"{where}: {exc}") from None


def _play(spec: EnvSpec, env, script: ExemplarScript, steps: int):
    """Reset to the script's task and play its first `steps` actions; (obs, info, history,
    rewards, the actions as played)."""
    observation, info = env.reset(options=spec.reset_options(script.index))
    history: list[str] = []
    rewards: list[float] = []
    played: list[str] = []
    where = f"{spec.name} {script.index}"
    for number, step in enumerate(script.path[:steps]):
        action = _as_played(spec, step.action, observation, where)
        observation, reward, terminated, truncated, info = env.step(action)
        if not info.get("valid", True):
            raise ExemplarError(f"{where}: step {number} {action} was not accepted")
        rewards.append(float(reward))
        played.append(action)
        history.append(history_entry(action))
        if (terminated or truncated) and number < len(script.path) - 1:
            raise ExemplarError(f"{where}: the episode ended early at step {number}")
    return observation, info, history, rewards, played


def build(spec: EnvSpec, script: ExemplarScript, env) -> list[Experience]:
    """The two experiences (encouraged, discouraged) of one exemplar."""
    observation, info, history, _, _ = _play(spec, env, script, script.at)
    state = spec.state(observation, info, history)
    _, _, _, rewards, played = _play(spec, env, script, len(script.path))
    good = script.path[script.at]
    # the avoided action must be accepted and earn nothing by itself
    _play(spec, env, script, script.at)
    avoid = _as_played(spec, script.avoid.action, observation, f"{spec.name} {script.index}")
    _, reward, _, _, after = env.step(avoid)
    if not after.get("valid", True) or reward != 0:
        raise ExemplarError(f"{spec.name} {script.index}: {avoid} is not a "
                            "zero-reward valid action")
    q = round(sum(rewards[script.at:]), 4)
    return [
        Experience(state=state, action=played[script.at], q=q, visits=1,
                   reward=rewards[script.at], reason=good.reason, provenance=script.set_name),
        Experience(state=state, action=avoid, q=0.0, visits=1, reward=0.0,
                   reason=script.avoid.reason, provenance=script.set_name),
    ]


def render_files(names: list[str] | None = None) -> dict[Path, str]:
    """File path -> JSONL text for every exemplar set of the environments (default: all)."""
    files: dict[Path, list[str]] = {}
    for name in names or registry.names():
        spec = registry.spec(name)
        if not spec.exemplar_scripts:
            continue
        env = spec.make()
        for script in spec.exemplar_scripts:
            path = exemplar_path(spec.name, script.set_name)
            for exp in build(spec, script, env):
                files.setdefault(path, []).append(json.dumps(experience_to_json(exp),
                                                             ensure_ascii=False))
    return {path: "\n".join(lines) + "\n" for path, lines in files.items()}


def main(argv: list[str] | None = None) -> int:
    return regenerate("python -m agent.exemplars.make", "Regenerate the E0-E2 exemplar sets.",
                      render_files, ExemplarError, argv)


if __name__ == "__main__":
    sys.exit(main())
