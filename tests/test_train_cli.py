"""`rememberer train` / `test` as a user runs them, with the fake test LLM (`--llm fake`): short
runs on both environments check the run folder and summary; bad input is one line and exit 2."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import one_error_line

from memory_store.client import MemoryClient
from tests.raw_chroma import raw_client

ROOT = Path(__file__).resolve().parent.parent
CONSOLE_SCRIPT = Path(sys.executable).parent / "rememberer"


def run_cli(*args, cwd: Path, script: bool = False) -> subprocess.CompletedProcess:
    command = ([sys.executable, str(ROOT / "scripts" / "train.py")] if script
               else [str(CONSOLE_SCRIPT)])
    env = {**os.environ, "REMEMBERER_CACHE_DIR": str(cwd / "cache")}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run([*command, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


def in_process(capsys, *args) -> tuple[int, str, str]:
    from agent.cli import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def memory_rows(path: Path) -> dict[str, dict]:
    with MemoryClient.connect(path, read_only=True) as client:
        rows = raw_client(client).get_collection("rememberer").get(include=["metadatas"])
    return dict(zip(rows["ids"], rows["metadatas"]))


def check_run_folder(run: Path, *, env: str, passes: list[tuple[str, int]]) -> dict:
    """What every finished training run leaves, checked against its own episodes."""
    summary = json.loads((run / "summary.json").read_text())
    assert summary["status"] == "finished" and summary["env"] == env
    assert summary["command"] == "train" and summary["llm"] == "fake"
    assert [(p["split"], p["epoch"]) for p in summary["passes"]] == passes
    records = [json.loads(line) for line in (run / "episodes.jsonl").read_text().splitlines()]
    assert len(records) == summary["episodes"] == sum(p["episodes"] for p in summary["passes"])
    for row in summary["passes"]:
        mine = [r for r in records if (r["split"], r["epoch"]) == (row["split"], row["epoch"])]
        assert row["episodes"] == len(mine)
        if mine:
            assert row["score"] == pytest.approx(sum(r["score"] for r in mine) / len(mine), abs=1e-4)
            assert row["successes"] == sum(r["success"] for r in mine)
            assert row["llm_calls"] == sum(r["llm_calls"] for r in mine) > 0
    for record in records:
        assert record["episode_id"] == (f"{summary['run']}/{record['split']}/epoch"
                                        f"{record['epoch']}/task{record['task']}")
        assert record["n_steps"] == len(record["steps"]) >= 1 and record["task_text"]
        for step in record["steps"]:
            assert {"action", "reward", "parse_ok", "attempts", "llm_calls"} <= step.keys()
        assert record["total_reward"] == pytest.approx(sum(s["reward"] for s in record["steps"]))
        assert ("memory_update" in record) == (record["split"] == "train")
    config = tomllib.loads((run / "config.toml").read_text())
    assert config["env"] == env and config["llm"] == "fake" and "api-key" not in config
    assert summary["memory"]["location"] == str(run / "memory")
    rows = memory_rows(run / "memory")
    assert len(rows) == summary["memory"]["experiences"] > summary["memory"]["experiences_at_start"] == 4
    # the memory learned from the training episodes: new rows carry their episode ids
    learned = [m for m in rows.values() if m["provenance"].startswith(summary["run"] + "/train/")]
    assert learned and any(m["q"] > 0 for m in learned)
    return summary


def test_webshop_train_and_test_through_the_cli(tmp_path, monkeypatch, capsys):
    run = tmp_path / "runs" / "ws"
    result = run_cli("train", "--env", "webshop", "--llm", "fake", "--train-set", "500:503",
                     "--test-set", "0:4", "--epochs", "2", "--run-dir", run, "--concurrency", "2",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = check_run_folder(run, env="webshop", passes=[("train", 1), ("test", 1),
                                                            ("train", 2), ("test", 2)])
    assert all(0.0 <= p["score"] <= 1.0 for p in summary["passes"] if p["episodes"])
    out = result.stdout
    assert "Run ws: webshop, rememberer policy, LLM fake (finished)" in out
    assert "score = mean final reward" in out and "success = a perfect purchase" in out
    table = [line.split() for line in out.splitlines() if re.match(r"(train|test)\s+\d", line)]
    assert [row[:2] for row in table] == [["train", "1"], ["test", "1"], ["train", "2"], ["test", "2"]]
    assert "epoch 1/2 train" in result.stderr and "success" in result.stderr  # progress bars

    # `rememberer test` on the trained memory (in this process): a new run folder; the memory is
    # read and left unchanged
    monkeypatch.chdir(tmp_path)
    before = memory_rows(run / "memory")
    code, out, err = in_process(capsys, "test", "--env", "webshop", "--llm", "fake", "--memory",
                                run / "memory", "--test-set", "10:12", "--run-dir", "runs/t",
                                "--no-progress")
    assert code == 0, err
    assert memory_rows(run / "memory") == before
    test_summary = json.loads((tmp_path / "runs" / "t" / "summary.json").read_text())
    assert [(p["split"], p["epoch"], p["episodes"]) for p in test_summary["passes"]] == [("test", 0, 2)]
    assert test_summary["command"] == "test" and "already holds" in out


def test_wikihow_train_through_the_script(tmp_path):
    run = tmp_path / "wh"
    result = run_cli("--env", "wikihow", "--llm", "fake", "--train-set", "70:73", "--test-set",
                     "0:3", "--epochs", "2", "--run-dir", run, "--no-progress",
                     cwd=tmp_path, script=True)
    assert result.returncode == 0, result.stderr
    summary = check_run_folder(run, env="wikihow", passes=[("train", 1), ("test", 1),
                                                            ("train", 2), ("test", 2)])
    first = summary["passes"][0]
    # tasks solved in epoch 1 are not trained again
    assert summary["passes"][2]["episodes"] + summary["passes"][2]["skipped"] == 3
    assert summary["passes"][2]["skipped"] == first["successes"]
    assert "reward = mean total reward" in result.stdout


# --- one-line errors (in this process: cheaper) ----------------------------------------------

@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("REMEMBERER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def test_unknown_task_range_is_one_line_and_leaves_no_run(workdir, capsys):
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake",
                              "--test-set", "5:99999", "--run-dir", "r")
    line = one_error_line(code, err)
    assert "unknown task range --test-set 5:99999" in line and "valid goals are 0.." in line
    assert not (workdir / "r").exists()
    code, _, err = in_process(capsys, "train", "--env", "wikihow", "--llm", "fake",
                              "--train-set", "S9", "--run-dir", "r")
    assert "unknown --train-set 'S9'" in one_error_line(code, err)


def test_config_errors_are_one_line(workdir, capsys):
    (workdir / "c.toml").write_text('env = "webshop"\nepochz = 2\n')
    code, _, err = in_process(capsys, "train", "--config", "c.toml", "--llm", "fake")
    assert "unknown key 'epochz'" in one_error_line(code, err)
    (workdir / "c.toml").write_text("epochs = 2\n")
    code, _, err = in_process(capsys, "test", "--config", "c.toml")
    assert "missing setting 'env'" in one_error_line(code, err)


def test_a_memory_built_with_another_embedding_model_is_refused(workdir, capsys):
    from tests.fakes import FakeEmbedderForTests
    from memory_store.store import ExperienceStore

    with ExperienceStore.open("rememberer", path=workdir / "mem", embedder=FakeEmbedderForTests()):
        pass
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake",
                              "--memory", "mem", "--run-dir", "r", "--no-progress")
    line = one_error_line(code, err)
    assert "built with embedding model fake-hashing-embedder-for-tests" in line
    assert "--embedding-model" in line


def test_unreachable_servers_are_one_line(workdir, capsys):
    from tests.conftest import free_port

    port = free_port()  # nothing listens there
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake",
                              "--chroma-host", "127.0.0.1", "--chroma-port", port, "--run-dir", "r1")
    assert f"cannot reach the Chroma server at 127.0.0.1:{port}" in one_error_line(code, err)
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "openai",
                              "--base-url", f"http://127.0.0.1:{port}/v1", "--max-retries", "1",
                              "--no-cache", "--run-dir", "r2", "--no-progress")
    line = one_error_line(code, err)
    assert f"cannot reach the LLM server at http://127.0.0.1:{port}/v1" in line
    assert "(after 1 retr" in line
    assert not (workdir / "r1" / "config.toml").exists()  # the memory is checked first


def test_an_existing_run_folder_needs_resume(workdir, capsys):
    (workdir / "r").mkdir()
    (workdir / "r" / "config.toml").write_text('env = "webshop"\n')
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake", "--run-dir", "r")
    assert "already holds a run; continue it with --resume" in one_error_line(code, err)


def test_concurrent_test_episodes_on_a_server_llm_match_sequential_ones(workdir, capsys):
    """--concurrency 3 against a real OpenAI-compatible server on loopback: requests overlap, and
    the episodes are the ones a sequential pass plays."""
    import threading
    import time

    from environments.registry import spec
    from tests.fakes import FakePlayerForTests
    from tests.openai_test_server import OpenAITestServer

    player = FakePlayerForTests(spec("wikihow"))
    lock, in_flight, most = threading.Lock(), [0], [0]

    def respond(prompt: str) -> str:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.02)
        with lock:
            in_flight[0] -= 1
        return player(prompt)

    episodes = {}
    with OpenAITestServer(responder=respond) as server:
        for workers in (1, 3):
            run = f"c{workers}"
            code, _, err = in_process(
                capsys, "test", "--env", "wikihow", "--llm", "openai", "--model", "test-chat",
                "--base-url", server.base_url, "--no-cache", "--test-set", "0:6",
                "--concurrency", workers, "--run-dir", run, "--name", "same", "--no-progress")
            assert code == 0, err
            records = [json.loads(line) for line in (workdir / run / "episodes.jsonl").open()]
            episodes[workers] = sorted((r["episode_id"], [s["action"] for s in r["steps"]],
                                        r["total_reward"]) for r in records)
            if workers == 1:
                assert most[0] == 1
    assert most[0] > 1
    assert episodes[1] == episodes[3] and len(episodes[1]) == 6


def test_compare_plays_the_baseline_on_the_same_test_tasks_and_prints_the_effect(workdir, capsys,
                                                                                monkeypatch):
    """--compare llm-only: a last pass of the baseline on the test tasks, the paired difference in
    the summary and the printed table; only training answers carry a reason (the test and the
    baseline pass freeze the memory, so their answers end after the value)."""
    from tests.fakes import FakeLLMForTests

    reasons: list[bool] = []
    complete = FakeLLMForTests.complete

    def recording(self, prompt, *, constraint=None, **kwargs):
        reasons.append(constraint.reason)
        return complete(self, prompt, constraint=constraint, **kwargs)

    monkeypatch.setattr(FakeLLMForTests, "complete", recording)
    code, out, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake", "--no-cache",
                                "--train-set", "500:502", "--test-set", "0:3", "--compare",
                                "llm-only", "--run-dir", "r", "--no-progress")
    assert code == 0, err
    summary = json.loads((workdir / "r" / "summary.json").read_text())
    passes = [(p["split"], p["epoch"], p["tasks"]) for p in summary["passes"]]
    assert passes == [("train", 1, [500, 501]), ("test", 1, [0, 1, 2]), ("llm-only", 0, [0, 1, 2])]
    records = [json.loads(line) for line in (workdir / "r" / "episodes.jsonl").read_text().splitlines()]
    test = {r["task"]: r["score"] for r in records if r["split"] == "test"}
    base = {r["task"]: r["score"] for r in records if r["split"] == "llm-only"}
    found = summary["comparison"]
    assert found["baseline"] == "llm-only" and found["tasks"] == 3 and found["test_epoch"] == 1
    effect = sum(test[t] - base[t] for t in test) / 3
    assert found["score"]["estimate"] == pytest.approx(effect, abs=1e-6)
    assert found["score"]["low"] <= found["score"]["estimate"] <= found["score"]["high"]
    assert summary["final_test"]["score"] == pytest.approx(sum(test.values()) / 3, abs=1e-4)
    assert "Memory's effect (rememberer minus llm-only on the same 3 test tasks" in out
    assert re.search(r"^llm-only\s+0\s+3\s", out, re.M)
    train_calls = sum(p["llm_calls"] for p in summary["passes"] if p["split"] == "train")
    assert reasons == [True] * train_calls + [False] * (len(reasons) - train_calls)
    assert len(reasons) > train_calls > 0


def test_compare_needs_the_rememberer_policy(workdir, capsys):
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake", "--policy",
                              "llm-only", "--compare", "react", "--run-dir", "r")
    assert "--compare react compares Rememberer with a baseline" in one_error_line(code, err)
    assert not (workdir / "r").exists()


def test_explore_takes_random_actions_in_training_only(workdir, capsys):
    """--explore 0.5: about half the training steps are random valid actions (logged as explored,
    learned like any other step); test passes never explore; out-of-range EPS is one line."""
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake", "--no-cache",
                              "--train-set", "500:504", "--test-set", "0:3", "--explore", "0.5",
                              "--run-dir", "r", "--no-progress")
    assert code == 0, err
    records = [json.loads(line) for line in (workdir / "r" / "episodes.jsonl").read_text().splitlines()]
    train = [s for r in records if r["split"] == "train" for s in r["steps"]]
    test = [s for r in records if r["split"] == "test" for s in r["steps"]]
    explored = [s for s in train if s.get("explored")]
    assert 0 < len(explored) < len(train) and not any(s.get("explored") for s in test)
    assert all(s["llm_calls"] == 0 and s["parse_ok"] for s in explored)
    learned = {m["action"] for m in memory_rows(workdir / "r" / "memory").values()}
    assert {s["action"] for s in explored} & learned
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake", "--explore",
                              "1.5", "--run-dir", "r2")
    assert "explore must be between 0 and 1, got 1.5" in one_error_line(code, err)
    assert not (workdir / "r2").exists()


def test_explore_choices_makes_requested_options_in_training_only(workdir, capsys):
    """--explore-choices 1: every training step on a page with an option the request names still
    open clicks it (logged as an explored choice, learned into the memory); test passes never do;
    a bad P or an environment without choices is one line and writes nothing."""
    from environments.webshop.env import WebShopEnv
    from environments.webshop.carry import open_choice
    from environments.webshop.spec import SPEC

    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake", "--no-cache",
                              "--train-set", "20:24", "--test-set", "0:2", "--epochs", "1",
                              "--explore-choices", "1", "--run-dir", "r", "--no-progress")
    assert code == 0, err
    records = [json.loads(line) for line in (workdir / "r" / "episodes.jsonl").read_text().splitlines()]
    env, open_steps = WebShopEnv(), {"train": 0, "test": 0}
    for record in records:
        observation, info = env.reset(options={"goal": record["task"]})
        for step in record["steps"]:
            wanted = open_choice(SPEC.state(observation, info))
            if wanted is not None:
                open_steps[record["split"]] += 1
            if record["split"] == "train":
                assert bool(step.get("choice")) is (wanted is not None)
                assert step["action"] == wanted or wanted is None
            else:
                assert "choice" not in step and "explored" not in step
            observation, _, _, _, info = env.step(step["action"])
    assert open_steps["train"] >= 4  # goals 20-23 (the fake player alone buys 23 unchosen)
    chosen = {s["action"] for r in records for s in r["steps"] if s.get("choice")}
    assert chosen <= {m["action"] for m in memory_rows(workdir / "r" / "memory").values()}
    assert tomllib.loads((workdir / "r" / "config.toml").read_text())["explore-choices"] == 1.0
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake",
                              "--explore-choices", "2", "--run-dir", "r2")
    assert "explore-choices must be between 0 and 1, got 2.0" in one_error_line(code, err)
    code, _, err = in_process(capsys, "train", "--env", "wikihow", "--llm", "fake",
                              "--explore-choices", "0.5", "--run-dir", "r2")
    assert "wikihow names no choices for a task to explore" in one_error_line(code, err)
    assert not (workdir / "r2").exists()


def test_test_every_leaves_out_the_test_passes_between(workdir, capsys):
    """--test-every 2 with 3 epochs: test passes after epochs 2 and 3 only (the last is always
    tested); training is unchanged; 0 is one line and no run folder."""
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake", "--no-cache",
                              "--train-set", "500:502", "--test-set", "0:2", "--epochs", "3",
                              "--test-every", "2", "--run-dir", "r", "--no-progress")
    assert code == 0, err
    records = [json.loads(line) for line in (workdir / "r" / "episodes.jsonl").read_text().splitlines()]
    assert sorted({r["epoch"] for r in records if r["split"] == "test"}) == [2, 3]
    assert {r["epoch"] for r in records if r["split"] == "train"} <= {1, 2, 3}
    assert [r["epoch"] for r in records if r["split"] == "train"][:2] == [1, 1]
    summary = json.loads((workdir / "r" / "summary.json").read_text())
    assert [p["epoch"] for p in summary["passes"] if p["split"] == "test"] == [2, 3]
    assert summary["final_test"]["epoch"] == 3
    assert tomllib.loads((workdir / "r" / "config.toml").read_text())["test-every"] == 2
    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake",
                              "--test-every", "0", "--run-dir", "r2")
    assert "test-every must be at least 1, got 0" in one_error_line(code, err)
    assert not (workdir / "r2").exists()


def test_the_random_reference_never_asks_a_model(workdir, capsys):
    """--policy random plays random valid actions: an LLM server that does not exist is never
    called, the run names no LLM; as --compare it gives the memory's effect over random play."""
    from tests.conftest import free_port

    nowhere = ["--llm", "openai", "--base-url", f"http://127.0.0.1:{free_port()}/v1",
               "--max-retries", "1", "--no-cache", "--no-progress"]
    code, out, err = in_process(capsys, "test", "--env", "wikihow", "--policy", "random",
                                "--test-set", "0:4", "--max-steps", "5", "--run-dir", "r", *nowhere)
    assert code == 0, err
    assert "LLM: none   memory: (none)" in out
    summary = json.loads((workdir / "r" / "summary.json").read_text())
    assert summary["llm"] == "none" and summary["policy"] == "random"
    records = [json.loads(line) for line in (workdir / "r" / "episodes.jsonl").read_text().splitlines()]
    steps = [s for r in records for s in r["steps"]]
    assert len(records) == 4 and all(s["llm_calls"] == 0 and s["parse_ok"] for s in steps)
    assert sum(r["total_reward"] for r in records) == pytest.approx(4 * summary["passes"][0]["score"])
    # the same seed plays the same episodes
    code, _, err = in_process(capsys, "test", "--env", "wikihow", "--policy", "random",
                              "--test-set", "0:4", "--max-steps", "5", "--run-dir", "r2", *nowhere)
    again = [json.loads(line) for line in (workdir / "r2" / "episodes.jsonl").read_text().splitlines()]
    assert [[s["action"] for s in r["steps"]] for r in again] == [[s["action"] for s in r["steps"]]
                                                                  for r in records]
    code, out, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake", "--no-cache",
                                "--train-set", "500:502", "--test-set", "0:3", "--compare",
                                "random", "--run-dir", "r3", "--no-progress")
    assert code == 0, err
    summary = json.loads((workdir / "r3" / "summary.json").read_text())
    assert summary["llm"] == "fake" and summary["comparison"]["baseline"] == "random"
    assert [p["split"] for p in summary["passes"]][-1] == "random"


def test_greedy_test_leaves_training_as_the_paper_plays_it(workdir, capsys):
    """--greedy-test changes test passes only: the training episodes and the memory they leave
    are those of the paper's rule, action for action."""
    common = ["train", "--env", "webshop", "--llm", "fake", "--no-cache", "--train-set", "500:503",
              "--test-set", "0:3", "--epochs", "2", "--no-progress"]
    for run, extra in (("paper", []), ("greedy", ["--greedy-test"])):
        code, _, err = in_process(capsys, *common, "--run-dir", run, *extra)
        assert code == 0, err

    def training(run):
        records = [json.loads(line) for line in (workdir / run / "episodes.jsonl").read_text().splitlines()]
        return [(r["epoch"], r["task"], [s["action"] for s in r["steps"]], r["total_reward"])
                for r in records if r["split"] == "train"]

    assert training("greedy") == training("paper") and training("paper")
    rows = {run: {k: (m["q"], m["visits"]) for k, m in memory_rows(workdir / run / "memory").items()}
            for run in ("paper", "greedy")}
    assert rows["greedy"] == rows["paper"]
    assert tomllib.loads((workdir / "greedy" / "config.toml").read_text())["greedy-test"] is True


def test_carry_over_needs_an_advice_policy_and_an_environment_that_offers_it(workdir, capsys):
    code, _, err = in_process(capsys, "train", "--env", "twx", "--llm", "fake",
                              "--carry-over", "--run-dir", "r")
    assert "twx cannot carry actions over" in one_error_line(code, err)
    code, _, err = in_process(capsys, "test", "--env", "wikihow", "--llm", "fake",
                              "--policy", "react", "--carry-over", "--run-dir", "r")
    assert "the react policy has none" in one_error_line(code, err)
    code, _, err = in_process(capsys, "test", "--env", "webshop", "--llm", "fake",
                              "--policy", "llm-only", "--carry-choices", "--run-dir", "r")
    assert "add --carry-over" in one_error_line(code, err)
    code, _, err = in_process(capsys, "test", "--env", "wikihow", "--llm", "fake", "--policy",
                              "llm-only", "--carry-over", "--carry-choices", "--run-dir", "r")
    assert "wikihow has no choices to carry over" in one_error_line(code, err)
    assert not (workdir / "r").exists()


def test_carry_over_shows_the_memory_s_article_clicks_where_the_article_is_now(workdir, capsys):
    """WikiHow with --carry-over: test steps are shown the memory's good actions carried over to
    their own screen; replaying the episodes, every carried click on a results page opens the
    article the command asks for, wherever the page lists it."""
    from environments.wikihow.env import WikiHowEnv
    from environments.wikihow.oracle import parse_screen

    code, _, err = in_process(capsys, "train", "--env", "wikihow", "--llm", "fake", "--no-cache",
                              "--train-set", "70:73", "--test-set", "0:4", "--epochs", "1",
                              "--carry-over", "--no-progress", "--run-dir", "carry")
    assert code == 0, err
    assert tomllib.loads((workdir / "carry" / "config.toml").read_text())["carry-over"] is True
    records = [json.loads(line) for line in (workdir / "carry" / "episodes.jsonl").read_text().splitlines()]
    env, article_clicks = WikiHowEnv(), 0
    for record in (r for r in records if r["split"] == "test"):
        observation, info = env.reset(options={"task": record["task"]})
        for step in record["steps"]:
            wanted = re.fullmatch(r'Access the article "(.+)"', info["instruction"])
            for action in step.get("carried", []):
                clicked = re.fullmatch(r"CLICK\((\d+)\)", action)
                if wanted and clicked:
                    label = next(e.text for e in parse_screen(observation) if e.id == int(clicked.group(1)))
                    assert label == wanted.group(1)
                    article_clicks += 1
            observation, _, _, _, info = env.step(step["action"])
    assert article_clicks > 0


@pytest.mark.parametrize("choices", [[], ["--carry-choices"]])
def test_carry_over_on_webshop_offers_only_actions_the_page_allows(workdir, capsys, choices):
    """Replaying a --carry-over run's test episodes (with --carry-choices too): every carried
    click is one of the page's available actions and every carried search is made on a page
    with a search box."""
    from environments.webshop.env import WebShopEnv

    code, _, err = in_process(capsys, "train", "--env", "webshop", "--llm", "fake", "--no-cache",
                              "--train-set", "500:503", "--test-set", "0:4", "--epochs", "1",
                              "--carry-over", *choices, "--no-progress", "--run-dir", "carry")
    assert code == 0, err
    config = tomllib.loads((workdir / "carry" / "config.toml").read_text())
    assert config["carry-choices"] is bool(choices)
    records = [json.loads(line) for line in (workdir / "carry" / "episodes.jsonl").read_text().splitlines()]
    env, carried = WebShopEnv(), 0
    for record in (r for r in records if r["split"] == "test"):
        _, info = env.reset(options={"goal": record["task"]})
        for step in record["steps"]:
            for action in step.get("carried", []):
                label = re.fullmatch(r"(?:click\[(.+)\]|search\[.+\])", action)
                assert label and (label.group(1) or "search") in info["available_actions"]
                carried += 1
            _, _, _, _, info = env.step(step["action"])
    assert carried > 0
