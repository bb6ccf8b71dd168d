"""`rememberer experiment` with the fake test LLM (`llm = "fake"`): a small grid end to end, resume
after an interruption, settings that changed under a started run, and the results files."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import one_error_line

from agent.cli import main
from agent.experiment import Overrides, check_runs
from agent.experiment_config import load_plan
from agent.experiment_report import headline, results_page
from agent.report import _duration
from agent.runner import RunFolder

ROOT = Path(__file__).resolve().parent.parent


def make_results_page(argv: list[str]) -> int:
    """scripts/make_results_page.py, called in this process."""
    spec = importlib.util.spec_from_file_location("make_results_page",
                                                  ROOT / "scripts" / "make_results_page.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

GRID = """
name = "grid"
description = "A small grid for the tests."
seeds = [0]
resamples = 500

[settings]
env = "webshop"
llm = "fake"
test-set = "0:4"
train-set = "500:502"
epochs = 2
max-steps = 6

[[arm]]
name = "llm-only"
policy = "llm-only"
vary = { initial-memory = ["E0", "E1"] }

[[arm]]
name = "react"
policy = "react"

[[arm]]
name = "random"
policy = "random"   # the reference without a model

[[arm]]
name = "rememberer"
vary = { initial-memory = ["E0", "E1"] }

[[arm]]
name = "no-discouraged"
no-discouraged = true
compare-to = "rememberer"
test-every = 2   # tested after the last epoch only
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("REMEMBERER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["experiment", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def episodes(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "episodes.jsonl").read_text().splitlines()]


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    return struct.unpack(">II", data[16:24])


def test_a_small_grid_end_to_end(workdir, capsys):
    config = write(workdir / "grid.toml", GRID)
    code, out, err = run(capsys, config, "--no-progress", "--concurrency", "2")
    assert code == 0, err
    folder = workdir / "experiments" / "grid"
    names = ["llm-only-E0", "llm-only-E1", "react", "random", "rememberer-E0", "rememberer-E1",
             "no-discouraged"]
    assert sorted(p.name for p in (folder / "runs").iterdir()) == sorted(f"{n}-seed0" for n in names)
    assert "[7/7] no-discouraged-seed0: finished in" in out

    # --plan counts what the runner plays: every finished run played exactly its planned episodes
    code, plan_out, _ = run(capsys, config, "--plan")
    rows = plan_rows(plan_out)
    assert sorted(rows) == sorted(f"{n}-seed0" for n in names)
    played = {name: len(episodes(folder / "runs" / name)) for name in rows}
    for name, cells in rows.items():
        assert cells[1] == "finished" and cells[2] == f"{played[name]}/{played[name]}"
        assert cells[-1] == "0s"
    total = sum(played.values())
    assert plan_out.splitlines()[-1] == (f"{total}/{total} episodes played; about 0s of play "
                                         "left at the pace so far, one run after another.")

    # every run folder is an ordinary run: baselines test once, Rememberer trains for 2 epochs
    for name in names:
        run_dir = folder / "runs" / f"{name}-seed0"
        summary = json.loads((run_dir / "summary.json").read_text())
        assert summary["status"] == "finished" and summary["run"] == f"{name}-seed0"
        assert summary["settings"]["concurrency"] == 2 and summary["settings"]["test_set"] == "0:4"
        learns = name.startswith(("rememberer", "no-discouraged"))
        assert summary["command"] == ("train" if learns else "test")
        passes = [(p["split"], p["epoch"]) for p in summary["passes"]]
        assert passes == ([("train", 1), ("train", 2), ("test", 2)] if name == "no-discouraged"
                          else [("train", 1), ("test", 1), ("train", 2), ("test", 2)] if learns
                          else [("test", 0)])
        assert (run_dir / "config.toml").exists()
    assert json.loads((folder / "runs" / "no-discouraged-seed0" / "summary.json").read_text())[
        "settings"]["no_discouraged"] is True
    assert json.loads((folder / "runs" / "llm-only-E1-seed0" / "summary.json").read_text())[
        "settings"]["initial_memory"] == "E1"

    # the results, recomputed here from the episodes
    results = json.loads((folder / "results" / "results.json").read_text())
    assert results["complete"] and results["test_tasks"] == 4 and results["llm"] == ["fake"]
    arms = {arm["name"]: arm for arm in results["arms"]}
    assert list(arms) == names
    for name, arm in arms.items():
        records = episodes(folder / "runs" / f"{name}-seed0")
        last = max(r["epoch"] for r in records if r["split"] == "test")
        final = [r for r in records if r["split"] == "test" and r["epoch"] == last]
        assert arm["final"]["epoch"] == last and arm["final"]["tasks"] == 4
        assert arm["final"]["score"]["estimate"] == pytest.approx(mean(r["score"] for r in final))
        assert arm["final"]["success_rate"]["estimate"] == pytest.approx(
            mean(float(r["success"]) for r in final))
        for key in ("score", "success_rate"):
            interval = arm["final"][key]
            assert interval["low"] <= interval["estimate"] <= interval["high"]
        assert [p["epoch"] for p in arm["curve"]] == (
            [2] if name == "no-discouraged" else [1, 2] if last else [0])
        assert arm["state"] == "finished"
    assert arms["no-discouraged"]["own"] == {"no-discouraged": True, "test-every": 2}
    # behaviour: counted again here from the episodes
    for name, arm in arms.items():
        records = episodes(folder / "runs" / f"{name}-seed0")
        last = [r for r in records if r["split"] == "test" and r["epoch"] == arm["final"]["epoch"]]
        train = [r for r in records if r["split"] == "train"]
        found = arm["behaviour"]
        assert found["test_epoch"] == arm["final"]["epoch"] and found["test_episodes"] == 4
        assert found["test_ended"] == sum(r["terminated"] for r in last)
        assert found["test_steps"] == sum(len(r["steps"]) for r in last)
        assert found["train_episodes"] == len(train) == (4 if name.startswith(("rememberer", "no-")) else 0)
        assert found["train_zero"] == sum(r["total_reward"] == 0 for r in train)
        assert found["train_explored"] == 0
        first = {r["task"]: [s["action"] for s in r["steps"]] for r in train if r["epoch"] == 1}
        second = [r for r in train if r["epoch"] == 2]
        assert found["train_later"] == len(second)
        assert found["train_replayed"] == sum([s["action"] for s in r["steps"]] == first[r["task"]]
                                              for r in second)
        advised = [s for r in last for s in r["steps"] if s.get("encouraged")]
        assert found["test_advised"] == len(advised) == (
            0 if name in ("react", "random") else found["test_steps"])
        assert found["test_followed"] == sum(s["action"] in s["encouraged"] for s in advised)

    # comparisons: the baseline with the same exemplar set (not among the baseline's own arms),
    # and the ablation also to the full method
    pairs = [(c["arm"], c["to"]) for c in results["comparisons"]]
    assert pairs == [("react", "llm-only-E0"), ("random", "llm-only-E0"),
                     ("rememberer-E0", "llm-only-E0"), ("rememberer-E1", "llm-only-E1"),
                     ("no-discouraged", "llm-only-E0"), ("no-discouraged", "rememberer-E0")]
    # every test pass of an arm against its first baseline (the learning curve's differences);
    # the last one is the final comparison
    for name in ("rememberer-E0", "rememberer-E1"):
        curve = arms[name]["curve"]
        assert [p["difference"]["to"] for p in curve] == [f"llm-only-{name[-2:]}"] * len(curve)
        final = next(c for c in results["comparisons"] if c["arm"] == name)
        assert curve[-1]["difference"]["score"] == final["score"]
    assert all(p.get("difference") is None for p in arms["llm-only-E0"]["curve"])
    for comparison in results["comparisons"]:
        mine, theirs = arms[comparison["arm"]]["final"], arms[comparison["to"]]["final"]
        assert comparison["tasks"] == 4
        assert comparison["score"]["estimate"] == pytest.approx(
            mine["score"]["estimate"] - theirs["score"]["estimate"])

    # outputs: Markdown, HTML with the plots inside, PNGs, the table printed
    md = (folder / "results" / "results.md").read_text()
    assert "| rememberer-E1 | rememberer |" in md and "| rememberer-E1 | llm-only-E1 | 4 |" in md
    assert "500 bootstrap resamples (seed 0)" in md and "Command: `rememberer experiment" in md
    assert "summed over the run invocations that logged their time" in md
    assert "## Behaviour" in md and "| llm-only-E0 | 0 |" in md
    html = (folder / "results" / "results.html").read_text()
    assert html.count("data:image/png;base64,") == 2 and "no-discouraged" in html
    for name in ("curves.png", "differences.png"):
        width, height = png_size(folder / "results" / name)
        assert width > 600 and height > 100
    assert "score = mean final reward" in out

    # docs/results.md: the results copied under docs/results/ and the page rendered from them
    docs = workdir / "docs"
    readme = workdir / "README.md"
    readme.write_text("# R\n\n<!-- results:headline -->\nold\n<!-- /results:headline -->\n\nrest\n")
    assert make_results_page(["--add", str(folder), "--docs", str(docs), "--readme", str(readme)]) == 0
    # one headline row per Rememberer arm against its LLM-only baseline
    block = readme.read_text().split("<!-- results:headline -->\n")[1].split("\n<!-- /")[0]
    assert [row.split(" | ")[1] for row in block.splitlines()[2:]] == [
        "rememberer-E0", "rememberer-E1", "no-discouraged"]
    assert readme.read_text().endswith("<!-- /results:headline -->\n\nrest\n")
    assert sorted(p.name for p in (docs / "results" / "grid").iterdir()) == [
        "curves.png", "differences.png", "results.json"]
    page = (docs / "results.md").read_text()
    assert page == results_page(docs) and "## grid" in page and "Smoke run" not in page
    assert "| rememberer-E1 | llm-only-E1 | 4 |" in page
    for link in re.findall(r"\]\(([^)]+\.png)\)", page):
        assert (docs / link).is_file()
    check = ["--docs", str(docs), "--readme", str(readme), "--check"]
    assert make_results_page(check) == 0
    (docs / "results.md").write_text(page.replace("| 4 |", "| 5 |"))  # a number typed by hand
    assert make_results_page(check) == 1
    assert make_results_page(["--docs", str(docs), "--readme", str(readme)]) == 0
    readme.write_text(readme.read_text().replace("rememberer-E1", "rememberer-E2"))
    assert make_results_page(check) == 1
    assert re.search(r"^rememberer-E0\s+llm-only-E0\s+4\s+[-+]\d", out, re.M)


RESUME_GRID = """
name = "resume"
resamples = 200
[settings]
env = "wikihow"
llm = "fake"
test-set = "0:3"
train-set = "70:74"
epochs = 2
[[arm]]
name = "llm-only"
policy = "llm-only"
[[arm]]
name = "rememberer"
"""


def plan_rows(out: str) -> dict[str, list[str]]:
    """`--plan`'s table: run name -> its other cells (split on whitespace)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("run "))
    return {line.split()[0]: line.split()[1:] for line in lines[start + 1:-1]}


def comparable(records: list[dict]) -> list[tuple]:
    return sorted((r["episode_id"], r["total_reward"], tuple(s["action"] for s in r["steps"]))
                  for r in records)


def test_resume_skips_finished_runs_and_resumes_an_interrupted_one(workdir, capsys, monkeypatch):
    config = write(workdir / "resume.toml", RESUME_GRID)
    code, out, _ = run(capsys, config, "--plan", "--dir", "reference")
    assert code == 0 and plan_rows(out) == {
        "llm-only-seed0": ["test", "new", "0/3", "0s", "-"],
        "rememberer-seed0": ["train", "new", "0/14", "0s", "-"]}  # 4 + 4 training, 2 x 3 tests
    assert out.splitlines()[-1] == ("0/17 episodes played; 2 run(s) with no played episode to "
                                    "estimate from.")
    assert not (workdir / "reference").exists()  # --plan writes nothing
    code, _, err = run(capsys, config, "--dir", "reference", "--no-progress")
    assert code == 0, err

    real_append = RunFolder.append
    appended = []

    def stop_in_the_second_run(self, record):
        if record["episode_id"].startswith("rememberer-seed0/"):
            appended.append(record["episode_id"])
            if len(appended) == 3:
                raise KeyboardInterrupt  # mid-way through the Rememberer run's first epoch
        real_append(self, record)

    monkeypatch.setattr(RunFolder, "append", stop_in_the_second_run)
    code, _, err = run(capsys, config, "--no-progress")
    assert code == 130, err
    monkeypatch.setattr(RunFolder, "append", real_append)
    folder = workdir / "experiments" / "resume"
    finished = folder / "runs" / "llm-only-seed0"
    before = {name: (finished / name).read_bytes() for name in ("episodes.jsonl", "summary.json")}
    assert len(episodes(folder / "runs" / "rememberer-seed0")) == 2

    # the analysis alone, on the half-finished experiment: nothing is played
    code, out, err = run(capsys, config, "--report-only")
    assert code == 0, err
    results = json.loads((folder / "results" / "results.json").read_text())
    assert not results["complete"]
    assert [a["state"] for a in results["arms"]] == ["finished", "partial"]
    assert results["arms"][1]["final"] is None and results["comparisons"] == []
    assert len(episodes(folder / "runs" / "rememberer-seed0")) == 2
    code, out, _ = run(capsys, config, "--plan")
    rows = plan_rows(out)
    assert rows["llm-only-seed0"][:4] == ["test", "finished", "3/3", rows["llm-only-seed0"][3]]
    assert rows["llm-only-seed0"][-1] == "0s"
    played = episodes(folder / "runs" / "rememberer-seed0")
    solved = sum(r["success"] for r in played if r["split"] == "train" and r["epoch"] == 1)
    planned = 4 + (4 - solved) + 2 * 3  # epoch 1, epoch 2 without the solved tasks, two tests
    assert rows["rememberer-seed0"][:3] == ["train", "started", f"2/{planned}"]
    pace = mean(r["seconds"] for r in played)
    assert rows["rememberer-seed0"][-1] == _duration((planned - 2) * pace)
    assert out.splitlines()[-1].startswith(f"5/{3 + planned} episodes played; about ")
    # a run not started yet is estimated at the pace of every played episode that asked the model
    later = write(workdir / "later.toml", RESUME_GRID + '[[arm]]\nname = "later"\n'
                                                      'policy = "llm-only"\nm = 3\n')
    code, out, _ = run(capsys, later, "--plan", "--dir", folder)
    asked = played + episodes(finished)
    assert plan_rows(out)["later-seed0"] == ["test", "new", "0/3", "0s",
                                             _duration(3 * mean(r["seconds"] for r in asked))]
    # episodes the response cache answered say nothing about the pace, however long they took
    copy = workdir / "cached-copy"
    shutil.copytree(folder, copy)
    log = copy / "runs" / "llm-only-seed0" / "episodes.jsonl"
    cached = [{**r, "seconds": 600.0, "steps": [{**s, "cached_calls": s["llm_calls"]}
                                               for s in r["steps"]]} for r in episodes(finished)]
    log.write_text("".join(json.dumps(r) + "\n" for r in cached))
    code, out, _ = run(capsys, later, "--plan", "--dir", copy)
    assert plan_rows(out)["later-seed0"][-1] == _duration(3 * pace)

    code, out, err = run(capsys, config, "--no-progress")
    assert code == 0, err
    assert "[1/2] llm-only-seed0: finished before, not played again" in out
    assert "[2/2] rememberer-seed0: resuming" in out
    assert {name: (finished / name).read_bytes() for name in before} == before  # never redone
    for name in ("llm-only-seed0", "rememberer-seed0"):
        assert comparable(episodes(folder / "runs" / name)) == comparable(
            episodes(workdir / "reference" / "runs" / name))
    timing = [json.loads(line) for line in (folder / "timing.jsonl").read_text().splitlines()]
    assert [(t["run"], t["outcome"]) for t in timing] == [
        ("llm-only-seed0", "finished"), ("rememberer-seed0", "interrupted"),
        ("rememberer-seed0", "finished")]
    results = json.loads((folder / "results" / "results.json").read_text())
    reference = json.loads((workdir / "reference" / "results" / "results.json").read_text())
    assert results["complete"] and results["arms"] == reference["arms"]
    assert results["comparisons"] == reference["comparisons"]

    # test passes never change the memory: reading the same runs as tested after the last epoch
    # only (test-every = 2) leaves the final results as they were and the epoch-1 pass out
    write(config, RESUME_GRID.replace("epochs = 2", "epochs = 2\ntest-every = 2"))
    code, _, err = run(capsys, config, "--report-only")
    assert code == 0, err
    last_only = json.loads((folder / "results" / "results.json").read_text())
    arm = {a["name"]: a for a in last_only["arms"]}["rememberer"]
    full = {a["name"]: a for a in results["arms"]}["rememberer"]
    assert [p["epoch"] for p in arm["curve"]] == [2] and arm["final"] == full["final"]
    row = next(r for r in last_only["runs"] if r["arm"] == "rememberer")
    assert row["test_episodes"] == row["expected_test_episodes"] == 3
    assert last_only["comparisons"] == results["comparisons"]

    # a run started with other settings is an error before anything plays
    write(config, RESUME_GRID.replace('name = "rememberer"', 'name = "rememberer"\nm = 3'))
    code, _, err = run(capsys, config, "--no-progress")
    line = one_error_line(code, err)
    assert "run rememberer-seed0" in line and "cannot resume with m = 3" in line


HOLD_LOCK = """
import sys
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire(timeout=10)
print("held", flush=True)
sys.stdin.read()  # until the test closes the pipe
"""


def test_a_run_another_process_holds_is_left_to_it(workdir, capsys, monkeypatch):
    config = write(workdir / "resume.toml", RESUME_GRID)
    folder = workdir / "experiments" / "resume"
    stale = check_runs(load_plan(config), folder, Overrides())  # both runs new, as checked now
    lock_file = folder / "locks" / "rememberer-seed0.lock"
    lock_file.parent.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock_file)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code, out, err = run(capsys, config, "--no-progress")
        assert code == 0, err
        assert "[2/2] rememberer-seed0: being played by another process, left to it" in out
        assert "1 run(s) left to another process: rememberer-seed0" in out
        assert not (folder / "runs" / "rememberer-seed0").exists()
        code, out, _ = run(capsys, config, "--plan")
        assert plan_rows(out)["rememberer-seed0"][1] == "playing"
        assert plan_rows(out)["llm-only-seed0"][1] == "finished"
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    code, out, _ = run(capsys, config, "--plan")
    assert plan_rows(out)["rememberer-seed0"][1] == "new"  # the lock died with its process

    # the lock is free now: this process plays the run; interrupt it mid-way
    real_append = RunFolder.append
    appended = []

    def stop_early(self, record):
        appended.append(record["episode_id"])
        if len(appended) == 3:
            raise KeyboardInterrupt
        real_append(self, record)

    monkeypatch.setattr(RunFolder, "append", stop_early)
    code, _, err = run(capsys, config, "--no-progress")
    assert code == 130, err
    monkeypatch.setattr(RunFolder, "append", real_append)
    assert len(episodes(folder / "runs" / "rememberer-seed0")) == 2

    # a process whose plan was checked before the run started (it saw it new) resumes it anyway
    monkeypatch.setattr("agent.experiment.check_runs", lambda *args: stale)
    code, out, err = run(capsys, config, "--no-progress")
    assert code == 0, err
    assert "[2/2] rememberer-seed0: resuming" in out
    played = episodes(folder / "runs" / "rememberer-seed0")
    ids = [r["episode_id"] for r in played]
    assert len(ids) == len(set(ids)) == 14 - sum(  # 4 + 4 training, minus the solved, 2 x 3 tests
        r["success"] for r in played if r["split"] == "train" and r["epoch"] == 1)
    assert json.loads((folder / "results" / "results.json").read_text())["complete"]


def test_two_processes_on_one_experiment_play_each_run_once(workdir):
    config = write(workdir / "resume.toml", RESUME_GRID)
    command = [str(Path(sys.executable).parent / "rememberer"), "experiment", str(config),
               "--no-progress"]
    processes = [subprocess.Popen(command, cwd=workdir, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=600) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    said = "".join(out for out, _ in outputs)
    for name in ("llm-only-seed0", "rememberer-seed0"):
        assert len(re.findall(rf"\] {name}: starting", said)) == 1, said
    folder = workdir / "experiments" / "resume"
    timing = [json.loads(line) for line in (folder / "timing.jsonl").read_text().splitlines()]
    assert sorted((t["run"], t["outcome"]) for t in timing) == [
        ("llm-only-seed0", "finished"), ("rememberer-seed0", "finished")]
    for name in ("llm-only-seed0", "rememberer-seed0"):
        ids = [r["episode_id"] for r in episodes(folder / "runs" / name)]
        assert len(ids) == len(set(ids))
    assert json.loads((folder / "results" / "results.json").read_text())["complete"]


@pytest.mark.parametrize(("change", "message"), [
    (("[[arm]]\nname = \"llm-only\"", "[[arm]]\nname = \"llm-only\"\ntest-set = \"0:9\""),
     "arm 'llm-only' sets 'test-set': every arm plays the same test tasks"),
    (("seeds = [0]", "seeds = [0]\nwhatever = 1"), "unknown key 'whatever'"),
    (("seeds = [0]", "seeds = [0]\nbaseline = \"nobody\""), "baseline 'nobody' is not an arm"),
    (("vary = { initial-memory = [\"E0\", \"E1\"] }\n\n[[arm]]\nname = \"react\"",
      "vary = { initial-memory = [\"E0\"] }\n\n[[arm]]\nname = \"react\""),
     "arm 'rememberer-E1' has no single arm of 'llm-only' to compare with (it needs one with "
     "initial-memory = 'E1')"),
    (("max-steps = 6", "max-steps = \"six\""), "max-steps must be a whole number"),
    (("train-set = \"500:502\"", "train-set = \"S7\""), "unknown --train-set 'S7'"),
    (("[settings]", "[settings]\nrun-dir = \"x\""), "[settings] sets 'run-dir'"),
    (("compare-to = \"rememberer\"", "compare-to = \"nobody\""), "compares to 'nobody'"),
])
def test_experiment_file_errors_are_one_line(workdir, capsys, change, message):
    old, new = change
    assert old in GRID
    config = write(workdir / "bad.toml", GRID.replace(old, new, 1))
    code, _, err = run(capsys, config)
    assert message in one_error_line(code, err)
    assert not (workdir / "experiments").exists()


def test_a_missing_experiment_file_is_one_line(workdir, capsys):
    code, _, err = run(capsys, workdir / "nope.toml")
    assert "experiment file" in one_error_line(code, err) and "does not exist" in err


def test_the_committed_experiment_files_are_valid():
    from agent.experiment_config import load_plan, task_splits
    from agent.run_config import parse_task_set

    files = sorted((ROOT / "scripts" / "configs" / "experiments").glob("*.toml"))
    assert {f.stem for f in files} >= {f"{env}-{kind}" for env in ("webshop", "wikihow")
                                       for kind in ("main", "exemplars", "ablations")}
    for path in files:
        plan = load_plan(path)
        tasks = len(parse_task_set(plan.settings["test-set"], "test-set",
                                   task_splits(plan.env)))
        assert plan.name == path.stem and plan.settings["llm"] == "local"
        assert "rememberer experiment scripts/configs/experiments/" + path.name in plan.text
        assert "# Cost:" in plan.text and "COST_" not in plan.text  # measured, not a placeholder
        if plan.smoke:
            continue
        assert tasks >= (50 if path.stem.endswith("-main") else 20)
        policies = {arm.policy for arm in plan.arms}
        assert {"llm-only", "rememberer"} <= policies and plan.baseline == "llm-only"
        assert ("random" in policies) == path.stem.endswith("-main")  # the no-model reference
        assert all(arm.compare_to for arm in plan.arms if arm.family != "llm-only")


def test_the_committed_results_page_is_the_render_of_the_committed_results():
    """docs/results.md is generated: it must equal a fresh render of docs/results/*/results.json,
    and every plot it shows must be committed next to its results."""
    docs = ROOT / "docs"
    page = (docs / "results.md").read_text(encoding="utf-8")
    assert page == results_page(docs), "run python scripts/make_results_page.py"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"<!-- results:headline -->\n{headline(docs)}\n<!-- /results:headline -->" in readme
    for link in re.findall(r"\]\(([^)]+\.png)\)", page):
        assert (docs / link).is_file(), link
    for path in (docs / "results").glob("*/results.json"):
        results = json.loads(path.read_text(encoding="utf-8"))
        # an experiment still running may be published, but its section must say so
        section = page.split(f"## {results['experiment']}\n", 1)[1].split("\n## ", 1)[0]
        assert results["complete"] or "the numbers are partial" in section, path
        assert results["llm"] and "fake" not in results["llm"]  # real runs only
        assert f"## {results['experiment']}" in page


def test_the_headline_row_is_rememberer_against_llm_only_from_the_results_file():
    from agent.experiment_report import headline_rows

    results = json.loads((ROOT / "docs" / "results" / "webshop-smoke" / "results.json").read_text())
    assert headline_rows([results])[1] == []  # a smoke run is never a headline
    results["smoke"] = False
    headers, rows = headline_rows([results])
    arms = {arm["name"]: arm for arm in results["arms"]}
    (diff,) = [c for c in results["comparisons"] if (c["arm"], c["to"]) == ("rememberer", "llm-only")]
    assert len(rows) == 1 and rows[0][1:4] == ["rememberer", "1 of 1", diff["tasks"]]
    assert rows[0][4].startswith(f"score {arms['rememberer']['final']['score']['estimate']:.3f}")
    assert rows[0][5].startswith(f"score {arms['llm-only']['final']['score']['estimate']:.3f}")
    assert rows[0][6] == (f"{diff['score']['estimate']:+.3f} [{diff['score']['low']:+.3f}, "
                          f"{diff['score']['high']:+.3f}]")
    assert rows[0][8] == f"{len(results['runs'])} of {len(results['runs'])}"
    # an arm still training: its latest test pass, marked by its epoch
    arms["rememberer"]["epochs"] = [1, 2, 3]
    assert headline_rows([results])[1][0][2] == "1 of 3"
    # an experiment declared `headline = false` (the ablations, the exemplar sets) stays off it
    results["headline"] = False
    assert headline_rows([results])[1] == []


def test_headline_false_is_read_from_the_experiment_file(workdir):
    from agent.experiment_config import load_plan

    assert load_plan(write(workdir / "main.toml", GRID)).headline is True
    plan = load_plan(write(workdir / "table.toml", "headline = false\n" + GRID))
    assert plan.headline is False


def test_behaviour_counts_on_hand_made_episodes():
    """Loops are steps repeating an action the episode already took; training episodes whose
    rewards sum to 0 and exploration steps are counted over every training pass."""
    from agent.experiment_report import behaviour, behaviour_counts, repeated_steps

    def episode(split, epoch, actions, total, terminated, explored=(), advice=None):
        return {"split": split, "epoch": epoch, "task": len(actions), "n_steps": len(actions),
                "total_reward": total,
                "terminated": terminated,
                "steps": [{"action": a, **({"explored": True} if i in explored else {}),
                           **(advice or {})} for i, a in enumerate(actions)]}

    loop = ["search[a]", "click[x]", "click[back to search]", "search[a]", "click[x]"]
    assert repeated_steps(episode("test", 1, loop, 0.0, False)) == 2
    records = [
        episode("train", 1, ["search[a]", "click[buy now]"], 0.5, True, explored={1}),
        episode("train", 2, loop, 0.0, False, explored={0, 3}),
        episode("test", 1, loop, 0.0, False),
        episode("test", 2, loop, 0.0, False),
        episode("test", 2, ["search[b]", "click[y]", "click[buy now]"], 1.0, True,
                advice={"encouraged": ["click[buy now]", "search[b]"], "discouraged": ["click[y]"],
                        "carried": ["click[y]"]}),
    ]
    counts = behaviour_counts(records, 2)
    assert counts == {"test_episodes": 2, "test_ended": 1, "test_steps": 8, "test_repeats": 2,
                      "test_advised": 3, "test_followed": 2, "test_against": 1,
                      "test_carried": 3, "test_took_carried": 1,
                      "train_episodes": 2, "train_zero": 1, "train_steps": 7, "train_explored": 3,
                      "train_later": 0, "train_replayed": 0}
    shares = behaviour(counts)
    assert (shares["ended_share"], shares["repeat_share"]) == (0.5, 0.25)
    assert (shares["followed_share"], shares["against_share"]) == (round(2 / 3, 4), round(1 / 3, 4))
    assert (shares["train_zero_share"], shares["explored_share"]) == (0.5, round(3 / 7, 4))
    assert shares["took_carried_share"] == round(1 / 3, 4)
    assert behaviour(behaviour_counts([], None))["ended_share"] is None
    assert behaviour(behaviour_counts(records[:4], 2))["took_carried_share"] is None  # none shown


def test_the_carried_over_column_appears_only_when_an_arm_carried_advice():
    from agent.experiment_report import behaviour_rows

    def arm(name, took):
        return {"name": name, "behaviour": {
            "test_epoch": 1, "test_episodes": 2, "train_episodes": 0, "ended_share": 0.5,
            "repeat_share": 0.0, "followed_share": None, "against_share": None,
            "took_carried_share": took, "train_zero_share": None, "explored_share": None}}

    headers, rows = behaviour_rows({"arms": [arm("plain", None)]})
    assert "took a carried-over action" not in headers and len(rows[0]) == len(headers)
    headers, rows = behaviour_rows({"arms": [arm("plain", None), arm("carry", 0.25)]})
    column = headers.index("took a carried-over action")
    assert [row[column] for row in rows] == ["-", "25%"]


def test_replayed_training_episodes_are_counted_against_the_epoch_before():
    """A task's episode replays when its actions equal, step for step, the same task's episode in
    its latest earlier epoch (epoch 2 may skip a task solved in epoch 1)."""
    from agent.experiment_report import behaviour, behaviour_counts, replayed_episodes

    def train(epoch, task, actions):
        return {"split": "train", "epoch": epoch, "task": task, "n_steps": len(actions),
                "total_reward": 0.5, "terminated": True, "steps": [{"action": a} for a in actions]}

    same, other = ["search[a]", "click[x]", "click[buy now]"], ["search[a]", "click[y]"]
    records = [train(3, 1, same), train(1, 1, same), train(1, 2, same), train(2, 1, same),
               train(1, 3, same), train(2, 3, other), train(3, 3, other), train(3, 2, other)]
    # task 1: epochs 2 and 3 replay; task 2: skipped in epoch 2, changed in 3; task 3: changed, then replayed
    assert replayed_episodes(records) == (5, 3)
    assert replayed_episodes(records[:3]) == (1, 1)  # the order in the file does not matter
    shares = behaviour(behaviour_counts(records, None))
    assert (shares["train_later"], shares["train_replayed"], shares["replayed_share"]) == (5, 3, 0.6)
