"""The results of an experiment, recomputed from its run folders: JSON, Markdown, HTML, PNG.

Per arm: the mean test score (WebShop) or reward (WikiHow) and the success rate of the last
epoch's test pass, with percentile bootstrap intervals over the test tasks; the same per epoch
(the learning curve); and for each comparison the paired difference with a paired bootstrap
interval (agent/stats.py). With several seeds a task's value is its mean over the seeds.

`docs/results.md` is rendered from copies of `results.json` committed under `docs/results/`
(`scripts/make_results_page.py`), so every number there comes from a run, never from a hand.
"""

from __future__ import annotations

import base64
import calendar
import html
import json
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent.errors import AgentError
from agent.experiment import RESULTS_DIR, Overrides, check_runs, read_timing, run_dir, run_state
from agent.experiment_config import ExperimentPlan, task_splits
from agent.policies import NO_LLM
from agent.report import _duration, _html_table, table
from agent.stats import Interval, bootstrap_mean, paired_difference

PLOTS = ("curves.png", "differences.png")
RESULTS_JSON = "results.json"


def scoring_words(env: str) -> dict[str, str]:
    """How the environment's results are named: the score's column name, what the score means and
    what a success is: the environment spec's scoring. (The one place that knows where it lives.)"""
    from environments import registry

    scoring = registry.spec(env).scoring
    return {"score_label": scoring.score_label, "score_meaning": scoring.score_meaning,
            "success_meaning": scoring.success_meaning}


# --- reading run folders ----------------------------------------------------------------------

def episode_records(path: Path) -> list[dict]:
    """The episodes of a run folder, read only (a line still being written is skipped; the
    run's own reader repairs the file when the run resumes)."""
    episodes = Path(path) / "episodes.jsonl"
    if not episodes.exists():
        return []
    records = []
    for line in episodes.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.endswith("\n"):
            break
        try:
            records.append(json.loads(line))
        except ValueError:
            break
    return records


def _summary(path: Path) -> dict:
    try:
        return json.loads((Path(path) / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# --- statistics -------------------------------------------------------------------------------

def _per_task(runs: Sequence[dict[int, dict]]) -> dict[int, tuple[float, float]]:
    """task -> (score, success) averaged over the runs (seeds) that all played it."""
    if not runs:
        return {}
    common = set(runs[0]).intersection(*runs[1:])
    return {task: (sum(r[task]["score"] for r in runs) / len(runs),
                   sum(float(bool(r[task]["success"])) for r in runs) / len(runs))
            for task in sorted(common)}


def _interval(values: list[float], stats: dict) -> dict:
    return bootstrap_mean(values, resamples=stats["resamples"], seed=stats["seed"],
                          level=stats["level"]).to_json()


def _pass_stats(epoch: int, tasks: dict[int, tuple[float, float]], stats: dict) -> dict:
    return {"epoch": epoch, "tasks": len(tasks), "task_ids": list(tasks),
            "score": _interval([v[0] for v in tasks.values()], stats),
            "success_rate": _interval([v[1] for v in tasks.values()], stats)}


def _difference(arm: dict, other: dict, stats: dict) -> dict | None:
    found = _paired(arm["_final_tasks"], other["_final_tasks"], stats)
    if found:
        found = {"arm": arm["name"], "to": other["name"], "tasks": found.pop("tasks"),
                 "epochs": [arm["final"]["epoch"], other["final"]["epoch"]], **found}
    return found


def _paired(mine: dict[int, tuple[float, float]], theirs: dict[int, tuple[float, float]],
            stats: dict) -> dict | None:
    """Paired differences (score, success) over the tasks both played, or None."""
    common = sorted(set(mine) & set(theirs))
    if not common:
        return None
    out: dict[str, Any] = {"tasks": len(common)}
    for index, key in ((0, "score"), (1, "success_rate")):
        out[key] = paired_difference([mine[t][index] for t in common],
                                     [theirs[t][index] for t in common],
                                     resamples=stats["resamples"], seed=stats["seed"],
                                     level=stats["level"]).to_json()
    return out


# --- behaviour: where the memory helps or fails, read off the episodes --------------------------

BEHAVIOUR_COUNTS = ("test_episodes", "test_ended", "test_steps", "test_repeats",
                    "test_advised", "test_followed", "test_against",
                    "test_carried", "test_took_carried",
                    "train_episodes", "train_zero", "train_steps", "train_explored",
                    "train_later", "train_replayed")


def repeated_steps(record: dict) -> int:
    """Steps whose action the episode had already taken (a loop: the same search again, the
    same click again)."""
    seen: set[str] = set()
    repeats = 0
    for step in record["steps"]:
        repeats += step["action"] in seen
        seen.add(step["action"])
    return repeats


def replayed_episodes(train: Sequence[dict]) -> tuple[int, int]:
    """Training episodes of a task after its first, and how many of them took step for step the
    actions of the task's episode in the epoch before: the memory only encouraged what the model
    had done, so that episode taught it nothing new (a greedy model without exploration)."""
    before: dict[Any, list[str]] = {}
    later = replayed = 0
    for record in sorted(train, key=lambda r: (r["epoch"], r["task"])):
        actions = [step["action"] for step in record["steps"]]
        if record["task"] in before:
            later += 1
            replayed += actions == before[record["task"]]
        before[record["task"]] = actions
    return later, replayed


def behaviour_counts(records: Sequence[dict], test_epoch: int | None) -> dict[str, int]:
    """Counts behind the behaviour table: the test pass of `test_epoch` (episodes that ended
    before the step limit, steps that repeat an earlier action, steps that took an action the
    prompt's advice Encouraged or Discouraged, word for word) and every training pass
    (episodes whose rewards summed to 0, which teach the memory only zeros; exploration steps;
    episodes that replayed the epoch before, see `replayed_episodes`)."""
    test = [r for r in records if r["split"] == "test" and r["epoch"] == test_epoch]
    train = [r for r in records if r["split"] == "train"]
    # steps with advice (logged from 2026-11-30 on; older runs count none)
    advised = [s for r in test for s in r["steps"] if s.get("encouraged")]
    carried = [s for r in test for s in r["steps"] if s.get("carried")]  # --carry-over
    later, replayed = replayed_episodes(train)
    return {
        "test_episodes": len(test),
        "test_ended": sum(bool(r["terminated"]) for r in test),
        "test_steps": sum(r["n_steps"] for r in test),
        "test_repeats": sum(map(repeated_steps, test)),
        "test_advised": len(advised),
        "test_followed": sum(s["action"] in s["encouraged"] for s in advised),
        "test_against": sum(s["action"] in s.get("discouraged", ()) for s in advised),
        "test_carried": len(carried),
        "test_took_carried": sum(s["action"] in s["carried"] for s in carried),
        "train_episodes": len(train),
        "train_zero": sum(r["total_reward"] == 0 for r in train),
        "train_steps": sum(r["n_steps"] for r in train),
        "train_explored": sum(bool(s.get("explored")) for r in train for s in r["steps"]),
        "train_later": later,
        "train_replayed": replayed,
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def behaviour(counts: dict[str, int]) -> dict[str, Any]:
    """Shares of the summed counts (None where there is nothing to divide)."""
    return {**counts,
            "ended_share": _share(counts["test_ended"], counts["test_episodes"]),
            "repeat_share": _share(counts["test_repeats"], counts["test_steps"]),
            "followed_share": _share(counts["test_followed"], counts["test_advised"]),
            "against_share": _share(counts["test_against"], counts["test_advised"]),
            "took_carried_share": _share(counts["test_took_carried"], counts["test_carried"]),
            "train_zero_share": _share(counts["train_zero"], counts["train_episodes"]),
            "explored_share": _share(counts["train_explored"], counts["train_steps"]),
            "replayed_share": _share(counts["train_replayed"], counts["train_later"])}


# --- collecting -------------------------------------------------------------------------------

def _read_run(run: Any, path: Path, epochs: list[int], tasks: int,
              timing: list[dict]) -> tuple[dict, dict[int, dict[int, dict]], list[dict]]:
    """A run's row of results.json, its test records by epoch and task, and all its records."""
    by_epoch: dict[int, dict[int, dict]] = {}
    records = episode_records(path)
    for record in records:
        if record.get("split") == "test" and record["epoch"] in epochs:  # (not a pass left out)
            by_epoch.setdefault(record["epoch"], {})[record["task"]] = record
    row = {"name": run.name, "arm": run.arm, "seed": run.seed, "command": run.command,
           "state": run_state(path), "llm": _summary(path).get("llm"),
           "test_episodes": sum(map(len, by_epoch.values())),
           "expected_test_episodes": len(epochs) * tasks,
           "wall_seconds": round(sum(t["seconds"] for t in timing if t["run"] == run.name), 1)}
    return row, by_epoch, records


def collect(plan: ExperimentPlan, folder: Path, *, config_path: str | None = None) -> dict:
    """Everything results.json holds, recomputed from the run folders."""
    from agent.run_config import parse_task_set

    _, planned = check_runs(plan, folder, Overrides(progress=False))
    stats = {"resamples": plan.resamples, "seed": plan.bootstrap_seed, "level": plan.level}
    timing = [t for t in read_timing(folder) if t.get("run") in {r.name for r, _ in planned}]
    test_set = planned[0][1].config.test_set  # the same for every run (a shared setting)
    tasks = len(parse_task_set(test_set, "test-set", task_splits(plan.env)))
    runs, by_arm = [], {}
    for run, inv in planned:
        epochs = inv.config.tested_epochs if run.command == "train" else [0]
        row, by_epoch, records = _read_run(run, run_dir(folder, run), epochs, tasks, timing)
        runs.append(row)
        data = by_arm.setdefault(run.arm, {"epochs": epochs, "runs": [], "records": []})
        data["runs"].append(by_epoch)
        data["records"].append(records)
    arms = [_arm_results(arm, by_arm[arm.name], runs, stats) for arm in plan.arms]
    named = {arm["name"]: arm for arm in arms}
    comparisons = []
    for arm in plan.arms:
        for target in arm.compare_to:
            if named[arm.name]["final"] and named[target]["final"]:
                found = _difference(named[arm.name], named[target], stats)
                if found:
                    comparisons.append(found)
    for arm, planned_arm in zip(arms, plan.arms):  # each test pass against the first baseline
        target = named[planned_arm.compare_to[0]] if planned_arm.compare_to else None
        for point in arm["curve"]:
            if target and target["final"]:
                found = _paired(arm["_epoch_tasks"][point["epoch"]], target["_final_tasks"], stats)
                point["difference"] = {"to": target["name"], **found} if found else None
    for arm in arms:
        arm.pop("_final_tasks")
        arm.pop("_epoch_tasks")
    started = sorted(t["started"] for t in timing)
    return {
        "experiment": plan.name, "description": plan.description, "smoke": plan.smoke,
        "headline": plan.headline,
        "command": f"rememberer experiment {config_path or plan.path}",
        "env": plan.env, "scoring": scoring_words(plan.env),
        "llm": list(dict.fromkeys(r["llm"] for r in runs if r["llm"] not in (None, NO_LLM))),
        "settings": plan.settings, "seeds": plan.seeds, "test_set": test_set, "test_tasks": tasks,
        "statistics": {**stats, "method": "percentile bootstrap over test tasks (numpy "
                       "default_rng, linear interpolation); differences resample task indices "
                       "jointly (paired)"},
        "wall_seconds": round(sum(t["seconds"] for t in timing), 1),
        "first_started": started[0] if started else None,
        "last_finished": _last_end(timing),
        "complete": all(r["state"] == "finished" for r in runs),
        "runs": runs, "arms": arms, "comparisons": comparisons,
        "generated_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def _last_end(timing: list[dict]) -> str | None:
    """When the last run invocation ended (timing.jsonl holds UTC start times)."""
    ends = [calendar.timegm(time.strptime(t["started"].rstrip("Z"), "%Y-%m-%dT%H:%M:%S"))
            + t["seconds"] for t in timing]
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(max(ends))) if ends else None


def _arm_results(arm: Any, data: dict, runs: list[dict], stats: dict) -> dict:
    mine = [r for r in runs if r["arm"] == arm.name]
    states = {r["state"] for r in mine}
    state = ("finished" if states == {"finished"} else "not run" if states == {"new"} else "partial")
    curve = []
    final_tasks: dict[int, tuple[float, float]] = {}
    epoch_tasks: dict[int, dict[int, tuple[float, float]]] = {}
    for epoch in data["epochs"]:
        tasks = _per_task([run.get(epoch, {}) for run in data["runs"]])
        if tasks:
            epoch_tasks[epoch] = tasks
            curve.append(_pass_stats(epoch, tasks, stats))
            final_tasks = tasks if epoch == data["epochs"][-1] else final_tasks
    final = curve[-1] if curve and curve[-1]["epoch"] == data["epochs"][-1] else None
    last = [run.get(data["epochs"][-1], {}) for run in data["runs"]]
    latest = curve[-1]["epoch"] if curve else None
    counts = [behaviour_counts(records, latest) for records in data["records"]]
    episodes = [record for run in last for record in run.values()]
    steps = sum(r["n_steps"] for r in episodes)
    return {
        "name": arm.name, "family": arm.family, "policy": arm.policy, "command": arm.command,
        "own": arm.own, "compare_to": list(arm.compare_to), "state": state,
        "epochs": data["epochs"], "final": final, "curve": curve,
        "steps_per_episode": round(steps / len(episodes), 2) if episodes else None,
        "noop_share": round(sum(r["noops"] for r in episodes) / steps, 4) if steps else None,
        "llm_calls_per_episode": (round(sum(r["llm_calls"] for r in episodes) / len(episodes), 2)
                                  if episodes else None),
        "behaviour": {"test_epoch": latest, **behaviour(
            {key: sum(c[key] for c in counts) for key in BEHAVIOUR_COUNTS})},
        "_final_tasks": final_tasks, "_epoch_tasks": epoch_tasks,
    }


# --- text -------------------------------------------------------------------------------------

def _ci(value: dict, *, percent: bool = False, signed: bool = False) -> str:
    scale, digits = (100, 1) if percent else (1, 3)
    sign = "+" if signed else ""
    est, low, high = (scale * value[k] for k in ("estimate", "low", "high"))
    return f"{est:{sign}.{digits}f} [{low:{sign}.{digits}f}, {high:{sign}.{digits}f}]"


def _own_text(arm: dict) -> str:
    parts = [f"{k} = {json.dumps(v)}" for k, v in arm["own"].items() if k != "policy"]
    return ", ".join(parts) if parts else "(shared settings)"


def arm_rows(results: dict) -> tuple[list[str], list[list[Any]]]:
    label = results["scoring"]["score_label"]
    level = round(100 * results["statistics"]["level"])
    headers = ["arm", "policy", "setting", "state", "test epoch", "tasks",
               f"{label} [{level}% CI]", f"success % [{level}% CI]", "steps/episode",
               "no-op steps"]
    rows = []
    for arm in results["arms"]:
        final = arm["final"]
        rows.append([
            arm["name"], arm["policy"], _own_text(arm), arm["state"],
            final["epoch"] if final else "-", final["tasks"] if final else 0,
            _ci(final["score"]) if final else "-",
            _ci(final["success_rate"], percent=True) if final else "-",
            f"{arm['steps_per_episode']:.1f}" if arm["steps_per_episode"] is not None else "-",
            f"{100 * arm['noop_share']:.0f}%" if arm["noop_share"] is not None else "-"])
    return headers, rows


def comparison_rows(results: dict) -> tuple[list[str], list[list[Any]]]:
    label = results["scoring"]["score_label"]
    level = round(100 * results["statistics"]["level"])
    headers = ["arm", "minus", "paired tasks", f"Δ {label} [{level}% CI]",
               f"Δ success, points [{level}% CI]"]
    rows = [[c["arm"], c["to"], c["tasks"], _ci(c["score"], signed=True),
             _ci(c["success_rate"], percent=True, signed=True)] for c in results["comparisons"]]
    return headers, rows


def curve_rows(results: dict) -> tuple[list[str], list[list[Any]]]:
    label = results["scoring"]["score_label"]
    headers = ["arm", "epoch", "tasks", label, "success %", "minus", "paired tasks",
               f"Δ {label}", "Δ success, points"]
    rows = []
    for arm in results["arms"]:
        for point in arm["curve"]:
            diff = point.get("difference")
            rows.append([arm["name"], point["epoch"], point["tasks"], _ci(point["score"]),
                         _ci(point["success_rate"], percent=True)]
                        + ([diff["to"], diff["tasks"], _ci(diff["score"], signed=True),
                            _ci(diff["success_rate"], percent=True, signed=True)]
                           if diff else ["-", "-", "-", "-"]))
    return headers, rows


BEHAVIOUR_NOTE = (
    "Test columns: the latest test pass (its episodes that the task itself ended before the step "
    "limit, e.g. by a purchase or a finished command; its steps that repeat an action the episode "
    "had already taken, i.e. loops; of its steps that had advice, those whose action is word for "
    "word one the advice showed as Encouraged, or as Discouraged; - for runs made before the "
    "advice was logged). Training columns: all training passes (episodes whose rewards summed to "
    "0 teach the memory nothing but zeros; steps taken without asking the model, a random action "
    "(`--explore`) or a choice the task names (`--explore-choices`); of a "
    "task's episodes after its first, those that took exactly the actions of its episode in the "
    "epoch before, so the memory learned nothing new from them; - where there is none, or in "
    "results written before the column existed).")
CARRIED_NOTE = (
    " Carried-over column: of the latest test pass's steps that were shown advice carried over "
    "from memory (`--carry-over`), those whose action is one of it; - for arms without it.")


def behaviour_rows(results: dict) -> tuple[list[str], list[list[Any]]]:
    """The behaviour table; its carried-over column only when some arm used `--carry-over`."""
    found_by_arm = [(arm["name"], arm.get("behaviour")) for arm in results["arms"]]
    found_by_arm = [(name, found) for name, found in found_by_arm
                    if found and (found["test_episodes"] or found["train_episodes"])]
    carry = any(found.get("took_carried_share") is not None for _, found in found_by_arm)
    headers = ["arm", "test epoch", "ended before the step limit", "repeated actions",
               "took an Encouraged action", "took a Discouraged action",
               *(["took a carried-over action"] if carry else []),
               "training episodes", "returned 0", "exploration steps", "replayed the epoch before"]

    def share(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.0f}%"

    rows = []
    for name, found in found_by_arm:
        epoch = "-" if found["test_epoch"] is None else found["test_epoch"]
        rows.append([name, epoch, share(found["ended_share"]), share(found["repeat_share"]),
                     share(found["followed_share"]), share(found["against_share"]),
                     *([share(found.get("took_carried_share"))] if carry else []),
                     found["train_episodes"] or "-",
                     share(found["train_zero_share"]), share(found["explored_share"]),
                     share(found.get("replayed_share"))])  # (absent in older results files)
    return headers, rows


def header_lines(results: dict) -> list[str]:
    """The facts a reader needs before the numbers (Markdown list items)."""
    stats = results["statistics"]
    settings = ", ".join(f"`{k} = {json.dumps(v)}`" for k, v in results["settings"].items())
    wall = (f"{_duration(results['wall_seconds'])} in total, summed over the run invocations "
            "that logged their time (a process killed outright logs none) "
            f"({results['first_started'] or '?'} to {results['last_finished'] or '?'})")
    return [
        f"- Command: `{results['command']}`",
        f"- LLM: {', '.join(results['llm']) or '(no run finished yet)'}",
        f"- Environment: {results['env']}; {results['scoring']['score_meaning']}; "
        f"{results['scoring']['success_meaning']}",
        f"- Test tasks: {results['test_tasks']} (`test-set = \"{results['test_set']}\"`), the "
        f"same for every arm; seeds: {', '.join(map(str, results['seeds']))}",
        f"- Shared settings: {settings}",
        f"- Wall time: {wall}" + ("" if results["complete"] else "; **some runs are not "
                                  "finished: the numbers are partial**"),
        f"- Statistics: {round(100 * stats['level'])}% intervals, {stats['resamples']:,} "
        f"bootstrap resamples (seed {stats['seed']}): {stats['method']}",
    ]


def markdown(results: dict, *, images: str = "", heading: str = "#") -> str:
    """results.md (and a section of docs/results.md): facts, tables and the plots."""
    lines = [f"{heading} {results['experiment']}", ""]
    if results["smoke"]:
        lines += ["> **Smoke run.** It shows that the pipeline works end to end on a few tasks; "
                  "it is not a result.", ""]
    if results["description"]:
        lines += [results["description"], ""]
    lines += header_lines(results) + [""]
    lines += [f"{heading}# Test results (last epoch)", "", table(*arm_rows(results), markdown=True), ""]
    if results["comparisons"]:
        lines += [f"{heading}# Paired differences", "",
                  table(*comparison_rows(results), markdown=True), "",
                  "Each difference is the arm's mean minus the other arm's mean over the test tasks "
                  "both played; an interval that excludes 0 is a difference the tasks support.", ""]
    if any(point["epoch"] for arm in results["arms"] for point in arm["curve"]):
        lines += [f"{heading}# Per epoch (test passes)", "",
                  table(*curve_rows(results), markdown=True), ""]
    headers, rows = behaviour_rows(results)
    if rows:
        note = BEHAVIOUR_NOTE + (CARRIED_NOTE if "took a carried-over action" in headers else "")
        lines += [f"{heading}# Behaviour", "", table(headers, rows, markdown=True), "", note, ""]
    lines += [f"![Test results per epoch]({images}curves.png)", ""]
    if results["comparisons"]:
        lines += [f"![Paired differences]({images}differences.png)", ""]
    return "\n".join(lines)


# --- plots ------------------------------------------------------------------------------------

def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_curves(results: dict, path: Path) -> None:
    """Success rate and score per epoch with their intervals; a baseline (no training) is a dotted
    level with its interval as a band."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), dpi=110)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    max_epoch = max((p["epoch"] for a in results["arms"] for p in a["curve"]), default=0)
    shown = [a for a in results["arms"] if a["curve"]]
    learners = [a["name"] for a in shown if any(p["epoch"] for p in a["curve"])]
    for index, arm in enumerate(shown):
        colour = colours[index % len(colours)]
        # learning arms side by side around each epoch, so equal results do not hide each other
        dodge = 0.0 if arm["name"] not in learners else 0.06 * (
            learners.index(arm["name"]) - (len(learners) - 1) / 2)
        for ax, key, scale in ((axes[0], "success_rate", 100), (axes[1], "score", 1)):
            points = arm["curve"]
            mid = [scale * p[key]["estimate"] for p in points]
            low = [scale * (p[key]["estimate"] - p[key]["low"]) for p in points]
            high = [scale * (p[key]["high"] - p[key]["estimate"]) for p in points]
            if [p["epoch"] for p in points] == [0] and max_epoch > 0:
                ax.axhline(mid[0], color=colour, linestyle=":", linewidth=1.5)
                ax.axhspan(scale * points[0][key]["low"], scale * points[0][key]["high"],
                           color=colour, alpha=0.08)
                ax.plot([0], mid, "o", color=colour, label=f"{arm['name']} (no training)")
                continue
            ax.errorbar([p["epoch"] + dodge for p in points], mid, yerr=[low, high], color=colour,
                        marker="o", capsize=3, label=arm["name"])
    label = results["scoring"]["score_label"]
    level = round(100 * results["statistics"]["level"])
    axes[0].set_title(f"Test success rate ({level}% CI)")
    axes[0].set_ylabel("success rate (%)")
    axes[0].set_ylim(-3, 103)
    top = max((p["score"]["high"] for a in shown for p in a["curve"]), default=1.0)
    high = 1.0 if label == "score" else max(top, 0.1) * 1.07  # WebShop's score is 0-1
    axes[1].set_ylim(-0.03 * high, high * 1.03)
    axes[1].set_title(f"Test {label} ({level}% CI)")
    axes[1].set_ylabel(f"mean {label}")
    for ax in axes:
        ax.set_xlabel("epoch (0 = no training)")
        ax.set_xticks(range(0, max_epoch + 1))
        ax.grid(True, alpha=0.3)
    fig.suptitle(f"{results['experiment']}" + (" (smoke run, not a result)" if results["smoke"]
                                                 else ""), fontsize=10)
    _legend(fig, axes[0])
    fig.savefig(path)
    plt.close(fig)


def plot_differences(results: dict, path: Path) -> None:
    """Each comparison's paired difference with its interval, against a line at 0."""
    plt = _pyplot()
    rows = results["comparisons"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 1.2 + 0.45 * len(rows)), dpi=110, sharey=True)
    names = [f"{c['arm']} − {c['to']}" for c in rows]
    y = list(range(len(rows)))[::-1]
    for ax, key, scale, title in ((axes[0], "success_rate", 100, "Δ success rate (points)"),
                                  (axes[1], "score", 1, f"Δ {results['scoring']['score_label']}")):
        mid = [scale * c[key]["estimate"] for c in rows]
        err = [[scale * (c[key]["estimate"] - c[key]["low"]) for c in rows],
               [scale * (c[key]["high"] - c[key]["estimate"]) for c in rows]]
        ax.errorbar(mid, y, xerr=err, fmt="o", capsize=3)
        ax.axvline(0, color="black", linewidth=1)
        ax.set_title(title)
        ax.grid(True, axis="x", alpha=0.3)
    axes[0].set_yticks(y, names)
    fig.suptitle(f"{results['experiment']}: paired differences ({round(100 * results['statistics']['level'])}% CI)"
                 + (" (smoke run, not a result)" if results["smoke"] else ""), fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _legend(fig, ax) -> None:
    handles, labels = ax.get_legend_handles_labels()
    rows = max(1, (len(labels) + 3) // 4)
    fig.legend(handles, labels, loc="lower center", ncol=min(4, max(1, len(labels))), fontsize=8,
               frameon=False)
    fig.tight_layout(rect=(0, 0.05 * rows + 0.02, 1, 1))


# --- files ------------------------------------------------------------------------------------

_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1150px; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 14px; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: right; }}
th:nth-child(-n+3), td:nth-child(-n+3) {{ text-align: left; }}
th {{ background: #f3f3f3; }}
img {{ max-width: 100%; }}
.smoke {{ background: #fff3cd; padding: 0.6em; }}
</style></head><body>
<h1>{title}</h1>
{body}
</body></html>
"""


def _html(results: dict, out: Path) -> str:
    parts = []
    if results["smoke"]:
        parts.append('<p class="smoke"><b>Smoke run.</b> It shows that the pipeline works end to '
                     "end on a few tasks; it is not a result.</p>")
    if results["description"]:
        parts.append(f"<p>{html.escape(results['description'])}</p>")
    items = "".join(f"<li>{html.escape(line[2:].replace('`', ''))}</li>"
                    for line in header_lines(results))
    parts.append(f"<ul>{items}</ul>")
    sections = [("Test results (last epoch)", arm_rows), ("Paired differences", comparison_rows),
                ("Per epoch (test passes)", curve_rows)]
    for title, rows_of in sections:
        headers, rows = rows_of(results)
        if rows:
            parts.append(f"<h2>{title}</h2>{_html_table(headers, rows)}")
    for name in PLOTS:
        if (out / name).exists():
            png = base64.b64encode((out / name).read_bytes()).decode("ascii")
            parts.append(f'<p><img alt="{name}" src="data:image/png;base64,{png}"></p>')
    return _HTML.format(title=html.escape(f"Experiment {results['experiment']}"),
                        body="\n".join(parts))


def write_results(results: dict, out: Path) -> dict[str, Path]:
    """results.json, results.md, results.html and the plots in `out` (each replaced whole)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    if any(arm["curve"] for arm in results["arms"]):
        paths["curves.png"] = _atomic(out / "curves.png", lambda p: plot_curves(results, p))
    else:
        (out / "curves.png").unlink(missing_ok=True)
    if results["comparisons"]:
        paths["differences.png"] = _atomic(out / "differences.png",
                                           lambda p: plot_differences(results, p))
    else:
        (out / "differences.png").unlink(missing_ok=True)
    paths[RESULTS_JSON] = _atomic(out / RESULTS_JSON, lambda p: p.write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"))
    paths["results.md"] = _atomic(out / "results.md", lambda p: p.write_text(
        markdown(results), encoding="utf-8"))
    paths["results.html"] = _atomic(out / "results.html", lambda p: p.write_text(
        _html(results, out), encoding="utf-8"))
    return paths


def _atomic(path: Path, write) -> Path:
    # the process id keeps two processes of one experiment from writing the same temporary file
    temp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    write(temp)
    temp.replace(path)
    return path


def report(plan: ExperimentPlan, folder: Path, *, config_path: str | None = None) -> dict:
    """Recompute the results of an experiment folder and write them to its results/ folder."""
    results = collect(plan, folder, config_path=config_path)
    write_results(results, Path(folder) / RESULTS_DIR)
    return results


# --- docs/results.md --------------------------------------------------------------------------

PAGE_DIR = "results"  # docs/results/<experiment>/ holds the committed results.json and plots


def publish(results_dir: Path, docs: Path) -> Path:
    """Copy an experiment's results.json and plots to docs/results/<experiment>/."""
    source = Path(results_dir)
    if not (source / RESULTS_JSON).is_file() and (source / RESULTS_DIR / RESULTS_JSON).is_file():
        source = source / RESULTS_DIR  # an experiment folder was given
    try:
        results = json.loads((source / RESULTS_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AgentError(f"{source} holds no readable {RESULTS_JSON} ({exc}); give an experiment "
                         "folder or its results/ folder") from None
    target = Path(docs) / PAGE_DIR / results["experiment"]
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in (RESULTS_JSON, *PLOTS):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    return target


def published(docs: Path) -> list[dict]:
    """The committed docs/results/*/results.json, real results first."""
    found = []
    for path in sorted((Path(docs) / PAGE_DIR).glob(f"*/{RESULTS_JSON}")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise AgentError(f"cannot read {path}: {exc}") from None
    return sorted(found, key=lambda r: (r["smoke"], r["experiment"]))


def headline_rows(found: Sequence[dict]) -> tuple[list[str], list[list[Any]]]:
    """One row per Rememberer arm of a published experiment (smoke runs and experiments with
    `headline = false`, e.g. the ablations, left out) whose baseline is an LLM-only arm: its
    latest test pass against the baseline's, paired by task. An arm still training shows its
    latest finished epoch."""
    headers = ["experiment", "arm", "epoch", "paired tasks", "Rememberer", "LLM-only",
               "Δ (95% CI)", "Δ success, points (95% CI)", "runs finished"]
    rows = []
    for results in found:
        if results["smoke"] or not results.get("headline", True):
            continue
        arms = {arm["name"]: arm for arm in results["arms"]}
        label = results["scoring"]["score_label"]
        finished = sum(r["state"] == "finished" for r in results["runs"])
        for arm in results["arms"]:
            points = [p for p in arm["curve"] if p.get("difference")]
            if arm["policy"] != "rememberer" or not points:
                continue
            point, diff = points[-1], points[-1]["difference"]
            other = arms[diff["to"]]
            if other["policy"] != "llm-only":
                continue
            rows.append([f"[{results['experiment']}](docs/results.md#{results['experiment']})",
                         arm["name"], f"{point['epoch']} of {arm['epochs'][-1]}", diff["tasks"],
                         f"{label} {point['score']['estimate']:.3f}, success "
                         f"{100 * point['success_rate']['estimate']:.0f}%",
                         f"{label} {other['final']['score']['estimate']:.3f}, success "
                         f"{100 * other['final']['success_rate']['estimate']:.0f}%",
                         _ci(diff["score"], signed=True),
                         _ci(diff["success_rate"], percent=True, signed=True),
                         f"{finished} of {len(results['runs'])}"])
    return headers, rows


def headline(docs: Path) -> str:
    """The README's results block: the headline rows, or a sentence when there are none."""
    headers, rows = headline_rows(published(docs))
    if not rows:
        return ("No full experiment has been published yet: the [results](docs/results.md) page "
                "holds a smoke run and the configurations of the paper's tables.")
    return table(headers, rows, markdown=True)


def results_page(docs: Path) -> str:
    """docs/results.md from the committed docs/results/*/results.json (real results first)."""
    found = published(docs)
    lines = [
        "# Results", "",
        "<!-- Generated by `python scripts/make_results_page.py` from docs/results/*/results.json;"
        " do not edit by hand. -->", "",
        "Every number on this page is computed from the result files committed under "
        "`docs/results/`, which `rememberer experiment` wrote from its run folders. To add or "
        "refresh an experiment: run it (see [runs](runs.md#experiments)), then "
        "`python scripts/make_results_page.py --add experiments/<name>`; the page is rewritten "
        "from the committed files by `python scripts/make_results_page.py`.", ""]
    if not any(not r["smoke"] for r in found):
        lines += ["No full experiment has been published yet; the configurations are in "
                  "`scripts/configs/experiments/`.", ""]
    for results in found:
        lines.append(markdown(results, images=f"{PAGE_DIR}/{results['experiment']}/", heading="##"))
    return "\n".join(lines).rstrip() + "\n"
