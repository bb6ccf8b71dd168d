"""`rememberer play`: run as a user would (a subprocess with actions piped into stdin), plus
in-process checks of the smaller rules."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import pytest

from agent.commands.play import play as play_in_process
from agent.errors import AgentError
from environments.webshop import WebShopEnv
from environments.webshop.oracle import oracle_actions

ROOT = Path(__file__).resolve().parents[1]


def play(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent.cli", "play", *args], input=stdin,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_play_a_goal_to_the_end():
    env = WebShopEnv()
    observation, info = env.reset(options={"goal": 3})
    actions = oracle_actions(env)
    done = play("webshop", "--goal", "3", stdin="\n".join(actions) + "\n")
    assert done.returncode == 0, done.stderr
    assert info["instruction"] in done.stdout
    assert observation.strip("\n") in done.stdout  # the search page as the env renders it
    assert "Available: search[...]" in done.stdout
    assert "Your score (min 0.0, max 1.0): 1.0" in done.stdout
    assert done.stdout.rstrip().endswith("episode finished: total reward 1.0")


def test_numbers_click_listed_actions_and_bad_actions_are_reported():
    done = play("webshop", "--goal", "0", stdin="search[deodorant]\nclick[nowhere]\n1\nquit\n")
    assert done.returncode == 0, done.stderr
    assert "Available: 1) back to search  2) next >  3) b0" in done.stdout
    assert "(not a valid action here: nothing changed)" in done.stdout
    assert done.stdout.count("WebShop \nInstruction:") == 2  # "1" clicked back to search
    assert done.stdout.rstrip().endswith("bye")


def test_unknown_goal_is_one_line_with_exit_code_2():
    done = play("webshop", "--goal", "99999")
    assert done.returncode == 2
    last = len(WebShopEnv().catalogue.goals) - 1
    assert done.stderr.strip().splitlines() == [
        f"rememberer: error: unknown WebShop goal 99999: valid goals are 0..{last}"]


def args(env: str, **values) -> argparse.Namespace:
    base = dict(env=env, goal=None, task=None, data_dir=None, max_steps=15)
    return argparse.Namespace(**{**base, **values})


def run(env: str, stdin: str, **values) -> str:
    out = io.StringIO()
    assert play_in_process(env, args(env, **values), io.StringIO(stdin), out) == 0
    return out.getvalue()


def test_end_of_input_and_step_limit():
    assert run("webshop", "", goal=1).rstrip().endswith("(end of input)")
    text = run("webshop", "click[x]\n\nclick[y]\nclick[z]\n", goal=1, max_steps=2)
    assert text.rstrip().endswith("step limit reached: total reward 0.0")
    assert text.count("reward 0.0  (not a valid action here") == 2


def test_wrong_index_flag_is_a_user_error():
    with pytest.raises(AgentError, match="--task is not used by webshop; pick the episode with --goal"):
        play_in_process("webshop", args("webshop", task=2), io.StringIO(""), io.StringIO())
    with pytest.raises(AgentError, match="--goal is not used by wikihow"):
        play_in_process("wikihow", args("wikihow", goal=2), io.StringIO(""), io.StringIO())


def test_wikihow_is_playable_too():
    text = run("wikihow", "quit\n", task=1)
    assert "Task: " in text and text.rstrip().endswith("bye")
