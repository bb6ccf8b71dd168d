"""Run summaries, the printed table, and `rememberer report` (PNG curves, tables, HTML page)."""

from __future__ import annotations

import base64
import json
import re
import struct
from pathlib import Path

import pytest

from agent.report import format_summary, scoring_for, summarize, write_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def record(split: str, epoch: int, task: int, reward: float, *, env: str = "webshop",
           terminated: bool = True, steps: int = 3) -> dict:
    rec = {"episode_id": f"r/{split}/epoch{epoch}/task{task}", "split": split, "epoch": epoch,
           "task": task, "n_steps": steps, "final_reward": reward, "total_reward": reward,
           "terminated": terminated, "noops": 0, "llm_calls": steps, "cached_calls": 0,
           "prompt_tokens": 100 * steps, "completion_tokens": 10 * steps, "seconds": 2.0}
    rec["score"] = scoring_for(env).score(rec)
    rec["success"] = scoring_for(env).success(rec)
    return rec


def make_summary(records, *, run="r", env="webshop", policy="rememberer", command="train",
                 skipped=None) -> dict:
    return summarize(records, run=run, run_dir=f"runs/{run}", command=command, status="finished",
                     env=env, policy=policy, llm="fake", memory=None,
                     settings={"initial_memory": "E0", "lam": 0.5, "m": 2, "train_set": "S0",
                               "test_set": "0:4"}, skipped=skipped)


def write_run(folder: Path, summary: dict) -> Path:
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text(json.dumps(summary))
    return folder


def test_summary_rows_are_the_papers_numbers_per_pass():
    records = [record("train", 1, 500, 1.0), record("train", 1, 501, 0.5),
               record("test", 1, 0, 1.0), record("test", 1, 1, 0.25), record("test", 1, 2, 0.0),
               record("train", 2, 501, 0.75),
               record("test", 2, 0, 1.0), record("test", 2, 1, 1.0), record("test", 2, 2, 0.5)]
    summary = make_summary(records, skipped={("train", 2): 1})
    rows = {(p["split"], p["epoch"]): p for p in summary["passes"]}
    assert list(rows) == [("train", 1), ("test", 1), ("train", 2), ("test", 2)]
    assert rows["test", 1]["score"] == pytest.approx(1.25 / 3, abs=1e-4)
    assert rows["test", 1]["success_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert rows["test", 2]["successes"] == 2 and rows["train", 2]["skipped"] == 1
    assert summary["final_test"] == {"epoch": 2, "score": pytest.approx(2.5 / 3, abs=1e-4),
                                     "success_rate": pytest.approx(2 / 3, abs=1e-4)}
    text = format_summary(summary)
    assert re.search(r"\ntest\s+2\s+3\s+0\.833\s+2/3 = 67%", text)
    assert "1 (+1 skipped)" in text and "score = mean final reward" in text


def test_wikihow_scores_total_reward_and_succeeds_when_every_subgoal_is_done():
    done = record("test", 1, 0, 3.0, env="wikihow", terminated=True)
    cut = record("test", 1, 1, 2.0, env="wikihow", terminated=False)
    summary = make_summary([done, cut], env="wikihow")
    assert summary["passes"][0]["score"] == 2.5 and summary["passes"][0]["success_rate"] == 0.5
    assert summary["score_label"] == "reward"


def test_a_pass_whose_tasks_were_all_solved_before_is_shown_as_skipped():
    summary = make_summary([record("train", 1, 500, 1.0), record("test", 1, 0, 0.5),
                            record("test", 2, 0, 1.0)], skipped={("train", 2): 1})
    empty = [p for p in summary["passes"] if p["episodes"] == 0]
    assert [(p["split"], p["epoch"], p["skipped"]) for p in empty] == [("train", 2, 1)]
    assert "0 (+1 skipped)" in format_summary(summary)


def test_report_writes_a_readable_png_tables_and_a_self_contained_html(tmp_path):
    learner = make_summary([record("train", e, 500 + t, r) for e, t, r in
                            ((1, 0, 0.5), (1, 1, 1.0), (2, 0, 1.0))]
                           + [record("test", e, t, r) for e, t, r in
                              ((1, 0, 0.5), (1, 1, 0.0), (2, 0, 1.0), (2, 1, 0.5))], run="learner")
    baseline = make_summary([record("test", 0, 0, 0.5), record("test", 0, 1, 0.25)],
                            run="baseline", policy="llm-only")
    runs = [write_run(tmp_path / "learner", learner), write_run(tmp_path / "baseline", baseline)]
    paths = write_report(runs, tmp_path / "out")

    png = paths["curves.png"].read_bytes()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert width >= 1000 and height >= 400

    text = paths["comparison.txt"].read_text()
    assert re.search(r"learner\s+webshop\s+rememberer\s+fake .*\s2\s+0\.750 \(score\)\s+50\.0%", text)
    assert re.search(r"baseline\s+webshop\s+llm-only", text)
    markdown = paths["comparison.md"].read_text()
    assert markdown.startswith("| run | env | policy |") and "| learner | webshop |" in markdown

    page = paths["report.html"].read_text()
    assert page.count("<table>") == 3  # comparison + one per run
    assert "<td>learner</td>" in page and "<td>baseline</td>" in page
    embedded = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert embedded and base64.b64decode(embedded.group(1)) == png
    assert "http" not in page.replace("<!doctype html>", "")  # nothing fetched from elsewhere


def test_report_command_prints_the_table_and_rejects_a_folder_that_is_no_run(tmp_path, capsys):
    from agent.cli import main

    run = write_run(tmp_path / "one", make_summary([record("test", 0, 0, 1.0)], run="one"))
    assert main(["report", str(run)]) == 0
    out = capsys.readouterr().out
    assert "one" in out and "100.0%" in out and (run / "report" / "report.html").is_file()
    assert main(["report", str(run), str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not a run folder (no summary.json)" in err[0]
