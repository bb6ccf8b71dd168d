"""TextWorldExpress as a plug-in, as a user meets it: the specs come from the entry-point group,
`rememberer train --env twx|twx-coin` trains and tests on the real game with the fake test LLM,
`rememberer play twx` plays a solution typed on standard input, and a missing Java runtime or
package is one line with exit code 2 before anything is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from environments import registry
from environments.registry import PLUGIN_GROUP
from environments.twx import exemplar_dir, make_env, task_set
from environments.twx.gold import solution
from tests.test_train_cli import check_run_folder, run_cli

pytestmark = pytest.mark.xdist_group("twx")

CONSOLE_SCRIPT = Path(sys.executable).parent / "rememberer"
SPECS = {"twx": "SPEC", "twx-coin": "COIN", "twx-cooking": "COOKING"}


def test_the_task_sets_are_registered_through_the_entry_point_group():
    points = {point.name: point.value for point in entry_points(group=PLUGIN_GROUP)}
    init = (Path(registry.__file__).parent / "__init__.py").read_text(encoding="utf-8")
    for name, attribute in SPECS.items():
        assert points[name] == f"environments.twx.spec:{attribute}"
        assert f'"{name}"' not in init  # not a built-in registration
        spec = registry.spec(name)
        assert spec.name == name and spec.exemplar_dir == exemplar_dir(name)
        assert spec.splits == task_set(name).splits and spec.quick == task_set(name).quick
        assert (spec.exemplar_dir / "E0.jsonl").is_file()
    assert list(SPECS) == [n for n in registry.names() if n.startswith("twx")]


def test_the_spec_makes_the_game_and_reads_its_states():
    spec = registry.spec("twx-cooking")
    env = spec.make(max_steps=3)
    try:
        observation, info = env.reset(options=spec.reset_options(20000))
        state = spec.state(observation, info, ["look around"])
        assert state.env == "twx-cooking" and state.task == spec.task_of(info)
        assert state.history == ("look around",) and state.observation.startswith("You are in")
        assert [p[0] for p in spec.action_patterns(state)] == info["available_actions"]
        line = spec.syntax.match_line(f"{info['available_actions'][-1]} -> 0.5 why not")
        assert spec.syntax.canonical(line) == info["available_actions"][-1]
    finally:
        env.close()


def _trained(tmp_path: Path, env: str, train: str, test: str) -> dict:
    run = tmp_path / env
    result = run_cli("train", "--env", env, "--llm", "fake", "--train-set", train, "--test-set",
                     test, "--epochs", "1", "--run-dir", run, "--no-progress", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = check_run_folder(run, env=env, passes=[("train", 1), ("test", 1)])
    assert "score = mean final game score" in result.stdout
    return summary


def test_train_twx_through_the_cli(tmp_path):
    summary = _trained(tmp_path, "twx", "0:2", "20000:20002")
    lines = (tmp_path / "twx" / "episodes.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["task"] for r in records] == [0, 1, 20000, 20001]
    assert all(r["n_steps"] <= task_set("twx").max_steps for r in records)
    assert all(s["parse_ok"] for r in records for s in r["steps"])  # the fake reads the list
    assert summary["passes"][1]["episodes"] == 2


def test_train_twx_coin_through_the_cli(tmp_path):
    summary = _trained(tmp_path, "twx-coin", "0:3", "20000:20003")
    # the fake takes the coin whenever it is in view, so some walk reaches it
    assert sum(p["successes"] for p in summary["passes"]) >= 1


def test_play_twx_along_its_solution():
    env = make_env("twx", max_steps=50)
    try:
        actions = solution(env, 3)
        env.reset(options={"task": 3})
        first = env.step(actions[0])[4]["available_actions"]
    finally:
        env.close()
    number = str(first.index(actions[1]) + 1)  # the second action by its number in the list
    typed = [actions[0], "dance wildly", number, *actions[2:]]
    result = subprocess.run([str(CONSOLE_SCRIPT), "play", "twx", "--task", "3"],
                            input="\n".join(typed) + "\n", capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Type one of the valid actions") and "Task: Your task is to" in out
    assert "not a valid action here" in out  # the dance
    assert "1) " in out and "Score: 0.00" in out
    assert "episode finished: total reward 1.0" in out


def test_play_with_a_data_folder_is_one_line(tmp_path):
    result = subprocess.run([str(CONSOLE_SCRIPT), "play", "twx", "--data-dir", str(tmp_path)],
                            input="", capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "reads no data folder; leave out --data-dir" in result.stderr


def _cli_without(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "REMEMBERER_CACHE_DIR": str(tmp_path / "cache"), **env}
    return subprocess.run([str(CONSOLE_SCRIPT), "train", "--env", "twx", "--llm", "fake",
                           "--run-dir", str(tmp_path / "run"), "--no-progress"],
                          cwd=tmp_path, env=environment, capture_output=True, text=True,
                          timeout=300)


def _one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("rememberer: error:")
    return result.stderr


def test_without_java_train_is_one_line_and_writes_nothing(tmp_path):
    (tmp_path / "bin").mkdir()
    line = _one_line(_cli_without(tmp_path, PATH=str(tmp_path / "bin")))
    assert "no `java` was found on PATH" in line and "default-jre-headless" in line
    assert not (tmp_path / "run").exists()


def test_without_the_package_train_is_one_line_and_writes_nothing(tmp_path):
    hidden = tmp_path / "hide" / "textworld_express"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text('raise ImportError("hidden by the test")\n')
    path = os.pathsep.join([str(tmp_path / "hide"), os.environ["PYTHONPATH"]])
    line = _one_line(_cli_without(tmp_path, PYTHONPATH=path))
    assert "need the textworld-express package: pip install -e '.[textworld]'" in line
    assert not (tmp_path / "run").exists()
