"""A third task set plugs in from outside the repository: a toy Gymnasium environment and its
spec in a temporary package, found through the `rememberer.environments` entry-point group, and
trained and queried through the `rememberer` command line with the test LLM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONSOLE_SCRIPT = Path(sys.executable).parent / "rememberer"

ENV_PY = '''
import gymnasium
from gymnasium import spaces

from environments.errors import EnvironmentDataError

TASKS = [1, 2, 3, 4]  # task i: walk from cell 0 to cell TASKS[i]


class Corridor(gymnasium.Env):
    """Cells 0..4 in a row; reach the task's cell with `left` / `right` (reward 1, the end)."""

    def __init__(self, max_steps=6, data_dir=None):
        self.max_steps = max_steps
        self.observation_space = spaces.Text(200)
        self.action_space = spaces.Text(20)
        self.target = self.cell = self.steps = None

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        index = (options or {}).get("task", 0)
        if not 0 <= index < len(TASKS):
            raise EnvironmentDataError(f"unknown corridor task {index}; valid tasks are 0..3")
        self.target, self.cell, self.steps = TASKS[index], 0, 0
        return self._observe()

    def step(self, action):
        self.steps += 1
        move = {"left": -1, "right": 1}.get(action.strip().lower())
        if move is not None:
            self.cell = min(4, max(0, self.cell + move))
        observation, info = self._observe(valid=move is not None)
        terminated = self.cell == self.target
        truncated = not terminated and self.steps >= self.max_steps
        return observation, float(terminated), terminated, truncated, info

    def _observe(self, valid=True):
        info = {"goal": f"walk to cell {self.target}", "cell": self.cell, "valid": valid}
        return f"You stand in cell {self.cell} of a corridor of 5 cells.", info
'''

SPEC_PY = '''
from environments.spec import EnvSpec, Similarity, StateField, history_lines
from environments.state import State
from environments.syntax import ActionSyntax

SPEC = EnvSpec(
    name="corridor",
    entry_point="toycorridor.env:Corridor",
    task_option="task",
    task_info="goal",
    build_state=lambda obs, info, history: State("corridor", info["goal"], obs, history,
                                                 {"cell": int(info["cell"])}),
    render=lambda s: "\\n".join([f"Goal: {s.task}", *history_lines(s), s.observation,
                                 "Moves: right, left"]),
    instructions="Walk along a corridor. Answer `<move> -> <value> <reason>`.",
    react_instructions="Walk along a corridor. Think, then give `Action: <move>`.",
    syntax=ActionSyntax("corridor", r"(?P<move>left|right)", lambda m: m.group("move").lower()),
    valid_actions=lambda state, rng: ["left", "right"],
    similarity=Similarity(observation_key=lambda s: s.get("cell"),
                          observation_similarity=lambda a, b: 1.0 - abs(a - b) / 4,
                          pattern=lambda s: "corridor"),
    splits={"train": range(0, 2), "test": range(2, 4)},
    quick={"train_set": "train", "test_set": "test", "epochs": 1, "max_steps": 6},
    fields=(StateField("cell", int, identity=True, flag="--cell", help="the cell you stand in"),),
)
'''


@pytest.fixture(scope="module")
def plugin(tmp_path_factory) -> Path:
    """A folder holding the package `toycorridor` and the metadata of its installed
    distribution, whose entry point registers the spec (as `pip install` would leave it)."""
    site = tmp_path_factory.mktemp("site")
    package = site / "toycorridor"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "env.py").write_text(textwrap.dedent(ENV_PY))
    (package / "spec.py").write_text(textwrap.dedent(SPEC_PY))
    dist = site / "toycorridor-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toycorridor\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[rememberer.environments]\ncorridor = toycorridor.spec:SPEC\n")
    return site


def rememberer(plugin: Path, cwd: Path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "REMEMBERER_CACHE_DIR": str(cwd / "cache"),
           "PYTHONPATH": os.pathsep.join([str(plugin), os.environ["PYTHONPATH"]])}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run([str(CONSOLE_SCRIPT), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_a_plugin_environment_trains_and_is_queried_through_the_cli(plugin, tmp_path):
    run = tmp_path / "run"
    trained = rememberer(plugin, tmp_path, "train", "--env", "corridor", "--llm", "fake",
                         "--initial-memory", "none", "--run-dir", run, "--no-progress")
    assert trained.returncode == 0, trained.stderr
    summary = json.loads((run / "summary.json").read_text())
    assert summary["env"] == "corridor" and summary["status"] == "finished"
    assert [(p["split"], p["episodes"]) for p in summary["passes"]] == [("train", 2), ("test", 2)]
    assert summary["passes"][0]["successes"] == 2  # the fake walks right, to cells 1 and 2
    assert summary["memory"]["experiences"] > 0 and "reward = mean total reward" in trained.stdout

    found = rememberer(plugin, tmp_path, "memory", "query", "--path", run / "memory",
                       "--task", "walk to cell 2", "--cell", "1", "-m", "1", "--json",
                       "--observation", "You stand in cell 1 of a corridor of 5 cells.")
    assert found.returncode == 0, found.stderr
    (best,) = json.loads(found.stdout)
    assert best["task"] == "walk to cell 2" and best["f_o"] == 1.0 and best["f_g"] > 0.99
    assert best["actions"][0]["action"] == "right" and best["actions"][0]["q"] == 1.0
    assert best["pattern"] == "corridor"


def test_the_plugin_is_listed_and_its_own_flags_are_offered(plugin, tmp_path):
    helped = rememberer(plugin, tmp_path, "memory", "query", "--help")
    assert helped.returncode == 0 and "--cell" in helped.stdout
    wrong = rememberer(plugin, tmp_path, "train", "--env", "corridor", "--llm", "fake",
                       "--initial-memory", "none", "--train-set", "7:9", "--run-dir",
                       tmp_path / "r", "--no-progress")
    assert wrong.returncode == 2
    assert "unknown task range --train-set 7:9" in wrong.stderr and "valid tasks are 0..3" in wrong.stderr
    without = subprocess.run([str(CONSOLE_SCRIPT), "train", "--env", "corridor"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
    assert without.returncode == 2 and "invalid choice: 'corridor'" in without.stderr
