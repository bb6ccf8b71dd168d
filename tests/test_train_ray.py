"""`train --workers N --ray-address HOST:PORT`: the rounds played by Ray actors leave the same
memory as the same rounds played in threads. A real Ray head (`ray start --head --block`, 2 CPUs,
loopback only) is started here and stopped at the end; it is slow to start on 2 cores, so the
tests share it and stay small."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.test_runner_resume import VOLATILE, comparable, episode_lines, memory_state

RAY_BIN = Path(sys.executable).parent / "ray"
# WebShop: its retrieval compares task embeddings, so the workers' query vectors matter.
RUN = ["train", "--env", "webshop", "--llm", "fake", "--train-set", "500:505", "--test-set",
       "0:2", "--epochs", "2", "--workers", "2", "--name", "same", "--no-progress"]

pytestmark = pytest.mark.xdist_group("ray")


@pytest.fixture(scope="module")
def ray_head():
    """HOST:PORT of a one-node Ray cluster on 127.0.0.1 with 2 CPUs."""
    port = free_port()
    folder = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray puts sockets in it
    process = subprocess.Popen(
        [str(RAY_BIN), "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
         "--port", str(port), "--num-cpus", "2", "--include-dashboard", "false",
         "--disable-usage-stats", "--temp-dir", folder,
         "--dashboard-agent-listen-port", str(free_port())],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "ray start exited early"
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "the Ray head did not listen within 120 s"
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()  # `ray start --block` stops the processes it started
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return tmp_path


def test_ray_workers_leave_the_memory_that_threads_leave(ray_head, workdir, monkeypatch):
    import agent.runner
    from agent.cli import main

    assert main([*RUN, "--run-dir", "threads"]) == 0
    played_here = []
    real_play = agent.runner.play_episode

    def play_here(*args, **kwargs):
        played_here.append(kwargs["split"])
        return real_play(*args, **kwargs)

    monkeypatch.setattr(agent.runner, "play_episode", play_here)
    assert main([*RUN, "--run-dir", "ray", "--ray-address", ray_head]) == 0
    assert played_here == ["test"] * 4  # every training episode was played by a Ray actor
    assert memory_state(workdir / "ray" / "memory") == memory_state(workdir / "threads" / "memory")
    assert comparable(episode_lines(workdir / "ray")) == comparable(episode_lines(workdir / "threads"))
    learned = [meta for meta in memory_state(workdir / "ray" / "memory")[0].values()
               if meta["provenance"].startswith("same/train/")]
    assert learned  # the rounds really wrote to the memory
    assert f'ray-address = "{ray_head}"' in (workdir / "ray" / "config.toml").read_text()


def _one_line_error(capsys, argv: list[str]) -> str:
    from agent.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rememberer: error:"), err
    return lines[0]


def test_an_unreachable_cluster_is_one_line_and_nothing_is_written(workdir, capsys):
    line = _one_line_error(capsys, [*RUN, "--run-dir", "r", "--ray-address", f"127.0.0.1:{free_port()}"])
    assert "cannot reach the Ray cluster at 127.0.0.1:" in line
    assert not (workdir / "r" / "config.toml").exists()
    line = _one_line_error(capsys, [*RUN, "--run-dir", "r", "--ray-address", "head-node"])
    assert "give auto or HOST:PORT" in line


def test_without_ray_installed_the_flag_is_one_line(workdir, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when it is missing
    line = _one_line_error(capsys, [*RUN, "--run-dir", "r", "--ray-address", "auto"])
    assert "needs Ray, which is not installed" in line
    assert not (workdir / "r" / "config.toml").exists()


def test_an_error_inside_a_worker_is_the_same_one_line(ray_head, workdir, capsys):
    """An LLM server that is down fails the worker's first call; the user sees the backend's own
    line, not a Ray traceback, and nothing of the round is applied."""
    dead = f"http://127.0.0.1:{free_port()}/v1"
    line = _one_line_error(capsys, [
        *RUN[:3], "--llm", "openai", "--base-url", dead, "--api-key", "k", "--max-retries", "0",
        *RUN[5:], "--run-dir", "down", "--ray-address", ray_head])
    assert f"cannot reach the LLM server at {dead}" in line
    assert not (workdir / "down" / "episodes.jsonl").exists()


def test_ray_workers_with_double_q_leave_the_memory_that_threads_leave(ray_head, workdir):
    """The snapshot of a double-Q memory is its merged view; each side ends as with threads."""
    from agent.cli import main
    from memory_store.client import SIDE_B, MemoryClient
    from tests.raw_chroma import raw_client

    def sides(run: str) -> list[dict]:
        out = []
        with MemoryClient.connect(workdir / run / "memory", read_only=True) as client:
            for name in ("rememberer", "rememberer" + SIDE_B):
                got = raw_client(client).get_collection(name).get(include=["metadatas"])
                out.append({i: {k: v for k, v in meta.items() if k not in VOLATILE}
                            for i, meta in zip(got["ids"], got["metadatas"])})
        return out

    run = ["train", "--env", "webshop", "--llm", "fake", "--train-set", "500:504", "--test-set",
           "0:1", "--epochs", "1", "--workers", "2", "--name", "same", "--no-progress",
           "--double-q"]
    assert main([*run, "--run-dir", "dq-threads"]) == 0
    assert main([*run, "--run-dir", "dq-ray", "--ray-address", ray_head]) == 0
    assert sides("dq-ray") == sides("dq-threads") and all(sides("dq-ray"))


def test_ray_workers_explore_as_threads_do(ray_head, workdir):
    """--explore: an actor draws the same exploration steps for an episode as a thread would."""
    from agent.cli import main

    run = ["train", "--env", "webshop", "--llm", "fake", "--train-set", "500:504", "--test-set",
           "0:1", "--epochs", "1", "--workers", "2", "--name", "same", "--no-progress",
           "--explore", "0.5"]
    assert main([*run, "--run-dir", "ex-threads"]) == 0
    assert main([*run, "--run-dir", "ex-ray", "--ray-address", ray_head]) == 0
    lines = comparable(episode_lines(workdir / "ex-ray"))
    assert lines == comparable(episode_lines(workdir / "ex-threads"))
    assert any(step.get("explored") for record in episode_lines(workdir / "ex-ray")
               for step in record["steps"])
    assert memory_state(workdir / "ex-ray" / "memory") == memory_state(workdir / "ex-threads" / "memory")
