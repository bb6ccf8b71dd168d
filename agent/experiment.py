"""`rememberer experiment`: play a declared grid of runs and keep its results table current.

An experiment folder (`experiments/<name>/`) holds

    experiment.toml   the experiment file as last run
    runs/<run>/       ordinary run folders, written by the `train` / `test` code path
    timing.jsonl      one line per run invocation: when it started, how long it took, how it ended
    results/          results.json, results.md, results.html, curves.png, differences.png

Runs are played one after another in the file's order. A finished run is never played again; a
run that was interrupted is resumed (`--resume` of `rememberer train`). Before anything is played,
every existing run folder is checked against the experiment file: a run started with other
settings is an error, not a silent mix.

A run is played under a lock (`locks/<run>.lock`, an OS file lock that dies with its process), so
several processes started on the same experiment share its runs out: each plays the next run no
other process holds, and none plays a run twice.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from agent.errors import AgentError
from agent.experiment_config import ExperimentPlan, PlannedRun, run_parser
from agent.report import _duration
from agent.run_config import Invocation, resolve

EXPERIMENTS_ROOT = Path("experiments")
TIMING_FILE = "timing.jsonl"
LOCKS_DIR = "locks"
RESULTS_DIR = "results"


@dataclass(frozen=True)
class Overrides:
    """What one `rememberer experiment` call may change without changing what runs compute."""

    concurrency: int | None = None
    threads: int | None = None
    progress: bool = True
    api_key: str | None = None


def run_dir(folder: Path, run: PlannedRun) -> Path:
    return Path(folder) / "runs" / run.name


def run_lock(folder: Path, run: PlannedRun) -> FileLock:
    """The lock a process holds while it plays `run` (released when the process dies)."""
    return FileLock(Path(folder) / LOCKS_DIR / f"{run.name}.lock")


def being_played(folder: Path, run: PlannedRun) -> bool:
    """Whether another process holds the run's lock now."""
    lock = run_lock(folder, run)
    if not Path(lock.lock_file).exists():
        return False
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def run_state(path: Path) -> str:
    """finished | started | new, from what is in the run folder."""
    try:
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
        if summary.get("status") == "finished":
            return "finished"
    except (OSError, ValueError):
        pass
    return "started" if (path / "config.toml").exists() else "new"


def invocation(run: PlannedRun, path: Path, parser: argparse.ArgumentParser,
               defaults: dict[str, Any], overrides: Overrides) -> Invocation:
    """The invocation `rememberer train|test` would build for this run (resumed when started)."""
    settings = dict(run.settings)
    for name in ("concurrency", "threads"):
        if getattr(overrides, name) is not None:
            settings[name] = getattr(overrides, name)
    if settings.get("chroma_host") is not None or settings.get("chroma_port") is not None:
        settings["collection"] = run.name  # one collection per run on a shared server
    args = argparse.Namespace(config=None, resume=run_state(path) != "new",
                              no_progress=not overrides.progress, api_key=overrides.api_key,
                              **settings, run_dir=str(path), name=run.name)
    try:
        return resolve(parser, defaults, args, run.command)
    except AgentError as exc:
        raise AgentError(f"run {run.name} ({path}): {exc}") from None


def check_runs(plan: ExperimentPlan, folder: Path, overrides: Overrides
               ) -> tuple[argparse.ArgumentParser, list[tuple[PlannedRun, Invocation]]]:
    """Every run's invocation; an existing run with other settings fails here, before any play."""
    parser, defaults = run_parser()
    return parser, [(run, invocation(run, run_dir(folder, run), parser, defaults, overrides))
                    for run in plan.runs]


def run_experiment(plan: ExperimentPlan, folder: Path, overrides: Overrides, *,
                   report: Callable[[], Any], say: Callable[[str], None] | None = None) -> None:
    """Play every run not finished yet and not held by another process; `report()` rewrites the
    results after each run."""
    say = say or _say
    parser, planned = check_runs(plan, folder, overrides)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "experiment.toml").write_text(plan.text, encoding="utf-8")
    (folder / LOCKS_DIR).mkdir(exist_ok=True)
    total = len(planned)
    left_to_others = []
    for index, (run, inv) in enumerate(planned, 1):
        head = f"[{index}/{total}] {run.name}"
        lock = run_lock(folder, run)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            say(f"{head}: being played by another process, left to it")
            left_to_others.append(run.name)
            continue
        try:
            seconds = _play(run, inv, folder, parser, overrides, head, say)
        finally:
            lock.release()
        if seconds is None:
            continue
        report()
        done = sum(run_state(run_dir(folder, r)) == "finished" for r, _ in planned)
        say(f"{head}: finished in {_duration(seconds)}; {done}/{total} runs of the experiment "
            "finished")
    if left_to_others:
        say(f"{len(left_to_others)} run(s) left to another process: {', '.join(left_to_others)}; "
            "the results are rewritten when it finishes each")


def _play(run: PlannedRun, inv: Invocation, folder: Path, parser: argparse.ArgumentParser,
          overrides: Overrides, head: str, say: Callable[[str], None]) -> float | None:
    """Play one run (under its lock) and return its seconds, or None if it was finished before.
    Another process may have finished or started it since the plan was checked, so its state
    and its invocation (resume or not) are read again here."""
    from agent.commands.train import run as run_one

    path = run_dir(folder, run)
    state = run_state(path)
    if state == "finished":
        say(f"{head}: finished before, not played again")
        return None
    if state == "started" and not inv.resume:
        inv = invocation(run, path, parser, run_parser()[1], overrides)
    say(f"{head}: {'resuming' if inv.resume else 'starting'} ({run.command}, {path})")
    start = time.time()
    outcome = "interrupted"
    try:
        run_one(inv, parser)
        outcome = "finished"
    except AgentError:
        outcome = "error"
        raise
    finally:
        _log_time(folder, run.name, start, outcome)
    return time.time() - start


def _log_time(folder: Path, run: str, start: float, outcome: str) -> None:
    entry = {"run": run, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)),
             "seconds": round(time.time() - start, 1), "outcome": outcome}
    with open(folder / TIMING_FILE, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def read_timing(folder: Path) -> list[dict]:
    """The complete lines of timing.jsonl (a line cut short by a crash is ignored)."""
    path = Path(folder) / TIMING_FILE
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries


def _say(text: str) -> None:
    print(text, file=sys.stdout, flush=True)
