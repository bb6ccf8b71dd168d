"""How far an experiment has got (`rememberer experiment CONFIG --plan`): per run, the episodes
played and planned, and the play time left at the pace so far.

Everything is read from the run folders without writing to them, so it is safe while the
experiment plays. The planned count is the runner's: a learning run plays every training task in
epoch 1, in later epochs the training tasks not solved in epoch 1, and a test pass after each
tested epoch; a baseline plays one test pass; `compare` adds one pass on the test tasks. Until
epoch 1 is over, the tasks it will solve are not known, so the count is then an upper bound.

A run another process is playing now (it holds the run's lock) shows as `playing`.

The pace counts only episodes that asked the model something its response cache did not hold:
an episode answered from the cache (an arm another experiment already played) takes a second and
says nothing about the episodes left, which are assumed to ask the model.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from agent.experiment import being_played, run_dir, run_state
from agent.experiment_config import PlannedRun
from agent.experiment_report import episode_records
from agent.report import _duration
from agent.run_config import Invocation, RunConfig, parse_task_set
from environments import registry


@dataclass(frozen=True)
class RunProgress:
    name: str
    command: str
    state: str  # finished | started | new
    played: int
    planned: int
    seconds: float  # summed over the played episodes
    pace: float | None  # seconds per episode used for the estimate (None: nothing to go by)

    @property
    def left(self) -> int:
        return 0 if self.state == "finished" else max(self.planned - self.played, 0)

    @property
    def seconds_left(self) -> float | None:
        return 0.0 if self.left == 0 else None if self.pace is None else self.left * self.pace


def planned_episodes(cfg: RunConfig, command: str, records: list[dict]) -> int:
    splits = registry.spec(cfg.env).splits
    tests = len(parse_task_set(cfg.test_set, "test-set", splits))
    extra = tests if cfg.compare != "none" else 0
    if command == "test" or not cfg.learns:
        return tests + extra
    train = list(parse_task_set(cfg.train_set, "train-set", splits))
    solved = {r["task"] for r in records
              if r["split"] == "train" and r["epoch"] == 1 and r.get("success")}
    later = len([t for t in train if t not in solved])
    return len(train) + later * (cfg.epochs - 1) + tests * len(cfg.tested_epochs) + extra


def _asked_model(record: dict) -> bool:
    """Whether some step of the episode was answered by the model, not the response cache."""
    return any(s.get("llm_calls", 0) > s.get("cached_calls", 0) for s in record.get("steps", ()))


def _paced(records: list[dict]) -> list[float]:
    return [r["seconds"] for r in records if "seconds" in r and _asked_model(r)]


def progress(folder: Path, planned: list[tuple[PlannedRun, Invocation]]) -> list[RunProgress]:
    """One entry per run. A run's pace is its own mean time per episode that asked the model; a
    run without such an episode borrows the mean over the experiment's (a run that asks no model,
    the random policy, takes no time worth counting)."""
    found = []
    for run, inv in planned:
        path = run_dir(folder, run)
        records = episode_records(path)
        state = run_state(path)
        if state != "finished" and being_played(folder, run):
            state = "playing"
        found.append((run, inv.config, state, records))
    asked = [t for _, cfg, _, records in found if cfg.asks_llm for t in _paced(records)]
    borrowed = statistics.fmean(asked) if asked else None
    items = []
    for run, cfg, state, records in found:
        own = _paced(records)
        pace = (statistics.fmean(own) if own else borrowed) if cfg.asks_llm else 0.0
        seconds = sum(r["seconds"] for r in records if "seconds" in r)
        items.append(RunProgress(run.name, run.command, state, len(records),
                                 planned_episodes(cfg, run.command, records), seconds, pace))
    return items


def progress_rows(items: list[RunProgress]) -> tuple[list[str], list[list[str]]]:
    headers = ["run", "command", "state", "episodes", "played for", "left (estimate)"]
    rows = [[p.name, p.command, p.state, f"{p.played}/{p.planned}", _duration(p.seconds),
             "-" if p.seconds_left is None else _duration(p.seconds_left)] for p in items]
    return headers, rows


def total_line(items: list[RunProgress]) -> str:
    played, planned = sum(p.played for p in items), sum(p.played + p.left for p in items)
    known = [p.seconds_left for p in items if p.seconds_left is not None]
    unknown = sum(p.seconds_left is None for p in items)
    line = f"{played}/{planned} episodes played"
    if known:
        line += (f"; about {_duration(sum(known))} of play left at the pace so far, one run "
                 "after another")
    if unknown:
        line += f"; {unknown} run(s) with no played episode to estimate from"
    return line + "."
