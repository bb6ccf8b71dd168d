"""Double Q-learning as a user meets it: `rememberer memory` on a double-Q memory (the merged view,
--side, export/import/copy/drop), runs that refuse a memory of the other kind, and a killed
--double-q run that resumes with the same turn. Real MiniLM embeddings, embedded folders."""

from __future__ import annotations

import json

import pytest

from agent.runner import RunFolder
from environments.registry import spec
from memory_store.client import MemoryClient
from memory_store.double import DoubleMemory
from memory_store.pools import loads_yaml
from memory_store.records import Experience
from memory_store.store import ExperienceStore
from tests.raw_chroma import raw_client

TASK = "i need a red ceramic coffee mug under 20 dollars"
RESULTS = spec("webshop").new_state(TASK, "Results: red mug, blue mug",
                                    available_actions=("back to search", "next >", "b01mug0001"))
ITEM = spec("webshop").new_state(TASK, "Red ceramic mug, $12",
                                 available_actions=("back to search", "< prev", "buy now"))
VOLATILE = ("created_at", "updated_at")


@pytest.fixture(scope="module")
def embedder():
    from memory_store.embedding import Embedder

    return Embedder()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return tmp_path


def cli(capsys, *args) -> tuple[int, str, str]:
    from agent.cli import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def error_of(capsys, *args) -> str:
    """The one error line a user error prints (exit code 2, no traceback; a model loader may
    print progress on stderr too)."""
    code, _, err = cli(capsys, *args)
    lines = [line for line in err.splitlines() if line.startswith("rememberer: error:")]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_memory_commands_see_the_merged_view_and_carry_both_sides(workdir, embedder, capsys):
    with DoubleMemory.open("rememberer", path=workdir / "memory", embedder=embedder) as memory:
        memory.a.add([Experience(ITEM, "click[buy now]", q=0.2, visits=1)])
        memory.b.add([Experience(ITEM, "click[buy now]", q=0.6, visits=3),
                      Experience(RESULTS, "click[b01mug0001]", q=0.5, visits=1)])
    code, out, _ = cli(capsys, "memory", "list")
    assert code == 0 and out.splitlines()[2].split() == [
        "rememberer", "2", "1", "0", "double-Q", "all-MiniLM-L6-v2"]
    code, out, _ = cli(capsys, "memory", "show")
    # buy now: Q (.2 + .6) / 2 = .4, visits 1 + 3 = 4
    assert out.splitlines()[1].split()[:5] == ["0.500", "1", "0.000", "results", "click[b01mug0001]"]
    assert out.splitlines()[2].split()[:5] == ["0.400", "4", "0.000", "item", "click[buy"]
    code, out, _ = cli(capsys, "memory", "show", "--side", "b", "--min-q", "0.55")
    assert out.splitlines()[1].split()[:2] == ["0.600", "3"] and len(out.splitlines()) == 3
    code, out, _ = cli(capsys, "memory", "stats", "--json")
    stats = json.loads(out)
    assert (stats["double_q"], stats["experiences"], stats["visits"]) == ("merged", 2, 5)
    code, out, _ = cli(capsys, "memory", "stats", "--side", "a")
    assert "double-Q memory: side a alone" in out
    code, out, _ = cli(capsys, "memory", "query", "--task", TASK, "--observation",
                       "Blue mug, $9", "--action", "back to search", "--action", "< prev",
                       "--action", "buy now", "-m", "1", "--json")
    (top,) = json.loads(out)
    assert top["actions"] == [{"action": "click[buy now]", "q": pytest.approx(0.4), "visits": 4,
                               "reason": ""}]

    assert cli(capsys, "memory", "export", "both.jsonl")[0] == 0
    sides = [json.loads(line)["side"] for line in (workdir / "both.jsonl").read_text().splitlines()]
    assert sides == ["a", "b", "b"]
    code, out, _ = cli(capsys, "memory", "import", "both.jsonl", "--collection", "back")
    assert code == 0 and "3 new, 0 already stored (kept as stored) (rows of both sides)" in out
    assert cli(capsys, "memory", "export", "again.jsonl", "--collection", "back")[0] == 0
    assert (workdir / "again.jsonl").read_bytes() == (workdir / "both.jsonl").read_bytes()
    assert "one side (--side a|b|merged)" in error_of(capsys, "memory", "export", "pool.yaml")
    assert cli(capsys, "memory", "export", "pool.yaml", "--side", "merged")[0] == 0
    pool = loads_yaml((workdir / "pool.yaml").read_text(encoding="utf-8"))
    assert sorted(a["qvalue"] for record in pool.values()
                  for a in record["action_dict"].values()) == [pytest.approx(0.4), 0.5]

    code, out, _ = cli(capsys, "memory", "copy", "rememberer", "twin")
    assert code == 0 and out.startswith(
        "copied the double-Q memory 'rememberer' (3 rows of its two sides)")
    code, out, _ = cli(capsys, "memory", "stats", "--json", "--collection", "twin")
    assert {k: v for k, v in json.loads(out).items() if k != "collection"} == \
        {k: v for k, v in stats.items() if k != "collection"}
    assert cli(capsys, "memory", "drop", "twin", "--yes")[0] == 0
    assert "merge combines single memories, and 'rememberer' is double-Q" in error_of(
        capsys, "memory", "merge", "rememberer", "--into", "flat")
    assert cli(capsys, "memory", "import", "pool.yaml", "--collection", "flat")[0] == 0
    assert "--side applies to double-Q memories" in error_of(
        capsys, "memory", "show", "--side", "a", "--collection", "flat")
    assert "'flat' is a single memory" in error_of(
        capsys, "memory", "import", "both.jsonl", "--collection", "flat")
    with MemoryClient.connect(workdir / "memory", read_only=True) as client:
        assert client.list_collections() == ["back", "flat", "rememberer"]
        names = {getattr(c, "name", c) for c in raw_client(client).list_collections()}
        assert {"rememberer.b", "back.b"} <= names and not any(n.startswith("twin") for n in names)


def test_runs_refuse_a_memory_of_the_other_kind(workdir, embedder, capsys):
    DoubleMemory.open("rememberer", path=workdir / "double", embedder=embedder).close()
    ExperienceStore.open("rememberer", path=workdir / "single", embedder=embedder).close()
    run = ["--env", "wikihow", "--llm", "fake", "--no-progress"]
    for command in ("train", "test"):
        line = error_of(capsys, command, *run, "--memory", "double", "--run-dir", f"r-{command}")
        assert "is a double-Q memory; open it with --double-q" in line
        assert not (workdir / f"r-{command}").exists()
    line = error_of(capsys, "train", *run, "--memory", "single", "--double-q", "--run-dir", "r")
    assert "is a single memory, not double-Q; drop --double-q" in line


RUN = ["train", "--env", "wikihow", "--llm", "fake", "--train-set", "70:74", "--test-set", "0:1",
       "--epochs", "1", "--name", "same", "--no-progress", "--double-q", "--n-step", "1"]


def memory_sides(path) -> list[dict]:
    """Each side's rows without timestamps."""
    with MemoryClient.connect(path, read_only=True) as client:
        out = []
        for name in ("rememberer", "rememberer.b"):
            rows = raw_client(client).get_collection(name).get(include=["metadatas"])
            out.append({row_id: {k: v for k, v in meta.items() if k not in VOLATILE}
                        for row_id, meta in zip(rows["ids"], rows["metadatas"])})
    return out


def train_sides(run) -> list[str]:
    records = [json.loads(line) for line in (run / "episodes.jsonl").read_text().splitlines()]
    return [r["memory_update"]["side"] for r in records if r["split"] == "train"]


def test_a_crashed_double_q_run_resumes_with_the_same_turn(workdir, monkeypatch, capsys):
    from agent.cli import main

    assert main([*RUN, "--run-dir", "full"]) == 0
    real_append = RunFolder.append
    calls = []

    def crash_on_the_third(self, record):
        calls.append(record["episode_id"])
        if len(calls) == 3:
            raise KeyboardInterrupt  # after the memory update of training episode 2 (side A)
        real_append(self, record)

    monkeypatch.setattr(RunFolder, "append", crash_on_the_third)
    assert main([*RUN, "--run-dir", "crashed"]) == 130
    monkeypatch.setattr(RunFolder, "append", real_append)
    assert train_sides(workdir / "crashed") == ["a", "b"]
    assert main(["train", "--run-dir", "crashed", "--resume", "--no-progress"]) == 0
    capsys.readouterr()
    assert train_sides(workdir / "full") == train_sides(workdir / "crashed") == ["a", "b", "a", "b"]
    full = memory_sides(workdir / "full" / "memory")
    assert memory_sides(workdir / "crashed" / "memory") == full
    # each side learned from its own episodes (the tasks differ, so their states do too)
    episodes = [{meta["last_episode"] for meta in side.values() if "last_episode" in meta}
                for side in full]
    assert episodes == [{"same/train/epoch1/task70", "same/train/epoch1/task72"},
                        {"same/train/epoch1/task71", "same/train/epoch1/task73"}]
