"""`rememberer play wikihow --task 3` driven as a subprocess through piped standard input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from environments.wikihow import WikiHowEnv
from tests.test_wikihow_env import line_of

ROOT = Path(__file__).resolve().parents[1]


def rememberer(*args: str, stdin: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "rememberer"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "agent.cli"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def target_click(task: int, query: str) -> str:
    """The click on the task's target article in the results of `query` (found by its title)."""
    env = WikiHowEnv()
    env.reset(options={"task": task})
    observation, *_ = env.step(f"INPUT(2, {query})")
    title = env.corpus.articles[env.task.article].title
    return f"CLICK({line_of(observation, title)})"


def test_play_wikihow_task_3_to_the_end():
    click = target_click(3, "language exchange partner")
    result = rememberer("play", "wikihow", "--task", "3",
                        stdin=f"SCROLL(RIGHT)\nINPUT(2, language exchange partner)\n{click}\nCLICK(9)\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert '<img class="search button" alt="Search" id="2" clickable="true">' in out
    assert "Task: Search an article to learn how to find a language exchange partner." in out
    assert "not a valid action here" in out  # SCROLL(RIGHT) is a no-op step
    assert 'Step instruction: Access the article "How to Find a Language Exchange Partner"' in out
    assert "Step instruction: Check the reference list" in out
    assert "episode finished: total reward 3.0" in out


def test_play_wikihow_unknown_task_is_one_line_exit_2():
    result = rememberer("play", "wikihow", "--task", "9999", stdin="")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "valid tasks are 0..199" in result.stderr
