"""`rememberer play wikihow --task 3` driven as a subprocess through piped standard input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rememberer(*args: str, stdin: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "rememberer"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "agent.cli"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_play_wikihow_task_3_to_the_end():
    result = rememberer("play", "wikihow", "--task", "3",
                        stdin="SCROLL(RIGHT)\nINPUT(2, language exchange partner)\nCLICK(11)\nCLICK(9)\n")
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
