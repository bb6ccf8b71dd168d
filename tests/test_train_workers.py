"""`train --workers N`: synchronous rounds. N episodes play at once against the memory as it stood
at the round's start, then their updates are applied in task order; reruns leave identical
memories, and a run that crashes in the middle of applying a round resumes to the same memory."""

from __future__ import annotations

import json
import threading

import pytest

import agent.runner as runner_module
from agent.runner import RunFolder
from memory_store.updater import Updater
from tests.test_runner_resume import RUN, comparable, episode_lines, memory_state

WORKERS = ["--workers", "3"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return tmp_path


def test_rounds_play_against_the_memory_of_the_rounds_start(workdir, monkeypatch):
    from agent.cli import main

    events, lock = [], threading.Lock()
    real_play, real_apply = runner_module.play_episode, Updater.apply_round

    def play(*args, **kwargs):
        with lock:
            events.append(("start", kwargs["episode"]))
        episode = real_play(*args, **kwargs)
        with lock:
            events.append(("end", kwargs["episode"]))
        return episode

    def apply_round(self, episodes):
        with lock:
            events.extend(("apply", episode_id) for episode_id, _ in episodes)
        return real_apply(self, episodes)

    monkeypatch.setattr(runner_module, "play_episode", play)
    monkeypatch.setattr(Updater, "apply_round", apply_round)
    assert main([*RUN, *WORKERS, "--epochs", "1", "--run-dir", "rounds"]) == 0
    train = [(kind, i) for kind, i in events if "/train/" in i]
    tasks = [f"same/train/epoch1/task{t}" for t in range(70, 78)]
    for first in range(0, len(tasks), 3):
        round_ids = tasks[first:first + 3]
        mine = [(kind, i) for kind, i in train if i in round_ids]
        plays = [e for e in mine if e[0] != "apply"]
        assert sorted(i for kind, i in plays if kind == "start") == round_ids
        # every episode of the round ends before the round's first update ...
        assert mine[len(plays):] == [("apply", i) for i in round_ids]  # ... applied in task order
        earlier = tasks[:first]
        position = train.index(mine[0])
        # ... and nothing of the round started before the previous round was applied
        assert {i for kind, i in train[:position] if kind == "apply"} == set(earlier)


def test_reruns_with_workers_end_with_identical_memories(workdir):
    from agent.cli import main

    assert main([*RUN, *WORKERS, "--run-dir", "one"]) == 0
    assert main([*RUN, *WORKERS, "--run-dir", "two"]) == 0
    assert memory_state(workdir / "one" / "memory") == memory_state(workdir / "two" / "memory")
    assert comparable(episode_lines(workdir / "one")) == comparable(episode_lines(workdir / "two"))
    config = (workdir / "one" / "config.toml").read_text()
    assert "workers = 3" in config


def test_a_crash_in_the_middle_of_a_round_resumes_to_the_uninterrupted_memory(
        workdir, monkeypatch, capsys):
    from agent.cli import main

    assert main([*RUN, *WORKERS, "--run-dir", "full"]) == 0
    real_append = RunFolder.append
    calls = []

    def crash_on_the_second(self, *records):
        calls.append([record["episode_id"] for record in records])
        if len(calls) == 2:  # the 2nd round: its updates are written, its episodes not logged
            raise KeyboardInterrupt
        real_append(self, *records)

    monkeypatch.setattr(RunFolder, "append", crash_on_the_second)
    assert main([*RUN, *WORKERS, "--run-dir", "crashed"]) == 130
    pending = json.loads((workdir / "crashed" / "pending-episode.json").read_text())
    assert [e["record"]["task"] for e in pending["episodes"]] == [73, 74, 75]
    monkeypatch.setattr(RunFolder, "append", real_append)
    capsys.readouterr()

    assert main(["train", "--run-dir", "crashed", "--resume", "--no-progress"]) == 0
    assert not (workdir / "crashed" / "pending-episode.json").exists()
    assert memory_state(workdir / "crashed" / "memory") == memory_state(workdir / "full" / "memory")
    assert comparable(episode_lines(workdir / "crashed")) == comparable(episode_lines(workdir / "full"))


def test_double_q_rounds_number_their_episodes_as_one_by_one(workdir):
    """With double Q-learning each episode of a round goes to its own side, numbered among the
    run's training episodes exactly as without rounds (turn: a, b, a, ...)."""
    from agent.cli import main

    assert main([*RUN, *WORKERS, "--double-q", "--epochs", "1", "--run-dir", "dq"]) == 0
    train = [r for r in episode_lines(workdir / "dq") if r["split"] == "train"]
    assert [r["task"] for r in train] == list(range(70, 78))
    assert [r["memory_update"]["side"] for r in train] == ["a", "b"] * 4
    assert all(r["memory_update"]["applied"] for r in train)
