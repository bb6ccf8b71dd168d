"""Resume: a run killed mid-way (SIGKILL, a real process) and resumed leaves the same memory as an
uninterrupted run; so does a crash between the memory update and the episode log."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.runner import RunFolder
from tests.raw_chroma import raw_client
from memory_store.client import MemoryClient

CONSOLE_SCRIPT = Path(sys.executable).parent / "rememberer"
# Same run name in every folder, so episode ids (and so the memory rows' markers) are comparable.
RUN = ["train", "--env", "wikihow", "--llm", "fake", "--train-set", "70:78", "--test-set", "0:4",
       "--epochs", "2", "--name", "same", "--no-progress"]
VOLATILE = ("created_at", "updated_at")


def memory_state(path: Path) -> tuple[dict, list[str]]:
    """Every row's metadata without timestamps, and the ledger of applied episodes."""
    with MemoryClient.connect(path, read_only=True) as client:
        rows = raw_client(client).get_collection("rememberer").get(include=["metadatas"])
        ledger = raw_client(client).get_collection("rememberer.episodes").get(include=[])["ids"]
    state = {row_id: {k: v for k, v in meta.items() if k not in VOLATILE}
             for row_id, meta in zip(rows["ids"], rows["metadatas"])}
    return state, sorted(ledger)


def episode_lines(run: Path) -> list[dict]:
    path = run / "episodes.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def comparable(records: list[dict]) -> list[tuple]:
    return sorted((r["episode_id"], r["total_reward"], tuple(s["action"] for s in r["steps"]))
                  for r in records)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return tmp_path


@pytest.fixture
def reference(workdir):
    """The uninterrupted run (in this process)."""
    from agent.cli import main

    assert main([*RUN, "--run-dir", "full"]) == 0
    return workdir / "full"


def test_a_killed_run_resumes_to_the_memory_of_an_uninterrupted_run(workdir, reference):
    env = {**os.environ, "REMEMBERER_CACHE_DIR": str(workdir / "cache")}
    env.pop("OPENAI_API_KEY", None)
    process = subprocess.Popen([str(CONSOLE_SCRIPT), *RUN, "--run-dir", "killed"], cwd=workdir,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while len(episode_lines(workdir / "killed")) < 3:  # a few episodes in: mid-way through epoch 1
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    total = len(episode_lines(reference))
    done = len(episode_lines(workdir / "killed"))
    assert 3 <= done < total  # it really stopped part-way

    resumed = subprocess.run([str(CONSOLE_SCRIPT), "train", "--run-dir", "killed", "--resume",
                              "--no-progress"], cwd=workdir, env=env, capture_output=True,
                             text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert memory_state(workdir / "killed" / "memory") == memory_state(reference / "memory")
    assert comparable(episode_lines(workdir / "killed")) == comparable(episode_lines(reference))
    summary = json.loads((workdir / "killed" / "summary.json").read_text())
    assert summary["status"] == "finished" and summary["episodes"] == total
    assert "Run same: wikihow" in resumed.stdout


def test_a_crash_after_the_memory_update_is_finished_from_the_pending_file(
        workdir, reference, monkeypatch, capsys):
    """Killed after the updater wrote an episode but before episodes.jsonl got it: the pending
    file finishes that episode on resume, and nothing is counted twice."""
    from agent.cli import main

    real_append = RunFolder.append
    calls = []

    def crash_on_the_fourth(self, record):
        calls.append(record["episode_id"])
        if len(calls) == 4:
            raise KeyboardInterrupt  # after the memory update of this episode
        real_append(self, record)

    monkeypatch.setattr(RunFolder, "append", crash_on_the_fourth)
    assert main([*RUN, "--run-dir", "crashed"]) == 130
    assert "continue with `rememberer train --run-dir crashed --resume`" in capsys.readouterr().err
    assert calls[-1].startswith("same/train/") and (workdir / "crashed" / "pending-episode.json").exists()
    assert json.loads((workdir / "crashed" / "summary.json").read_text())["status"] == "interrupted"
    monkeypatch.setattr(RunFolder, "append", real_append)

    assert main(["train", "--run-dir", "crashed", "--resume", "--no-progress"]) == 0
    assert not (workdir / "crashed" / "pending-episode.json").exists()
    assert memory_state(workdir / "crashed" / "memory") == memory_state(reference / "memory")
    assert comparable(episode_lines(workdir / "crashed")) == comparable(episode_lines(reference))


def test_a_torn_last_line_is_dropped(tmp_path):
    folder = RunFolder(tmp_path)
    folder.append({"episode_id": "a"})
    with open(folder.episodes_path, "a") as handle:
        handle.write('{"episode_id": "b", "ste')
    assert folder.records() == [{"episode_id": "a"}]
    assert folder.episodes_path.read_text() == '{"episode_id": "a"}\n'
