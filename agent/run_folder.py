"""The files of one run folder: the episode log, the summary and the pending training episode.

`runs/<name>/` holds `config.toml` (the settings, to rerun), `episodes.jsonl` (one line per
finished episode, flushed as it ends), `summary.json` (rewritten after every episode) and, while a
training episode is being written into the memory, `pending-episode.json` (see agent/runner.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from environments import registry
from memory_store.records import Transition

EPISODES_FILE = "episodes.jsonl"
SUMMARY_FILE = "summary.json"
CONFIG_FILE = "config.toml"
PENDING_FILE = "pending-episode.json"


class RunFolder:
    """The files of one run. Episode records are appended and flushed one by one."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def episodes_path(self) -> Path:
        return self.path / EPISODES_FILE

    def has_run(self) -> bool:
        return (self.path / CONFIG_FILE).exists() or self.episodes_path.exists()

    def records(self) -> list[dict]:
        """The finished episodes. A last line cut short by a crash is dropped from the file."""
        if not self.episodes_path.exists():
            return []
        raw = self.episodes_path.read_bytes()
        records, good_bytes = [], 0
        for line in raw.splitlines(keepends=True):
            try:
                if not line.endswith(b"\n"):
                    raise ValueError("unterminated line")
                records.append(json.loads(line))
            except ValueError:
                break
            good_bytes += len(line)
        if good_bytes < len(raw):
            with open(self.episodes_path, "r+b") as handle:
                handle.truncate(good_bytes)
        return records

    def append(self, *records: dict) -> None:
        """Add episode lines, on disk when this returns."""
        with open(self.episodes_path, "a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
            handle.flush()
            os.fsync(handle.fileno())

    def write_json(self, name: str, data: Any) -> None:
        """Replace a JSON file atomically (a crash never leaves half of it)."""
        temp = self.path / f".{name}.tmp"
        temp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temp, self.path / name)

    def read_pending(self) -> dict | None:
        path = self.path / PENDING_FILE
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None  # torn before it was complete: the episode was not applied yet

    def clear_pending(self) -> None:
        (self.path / PENDING_FILE).unlink(missing_ok=True)


def transitions_to_json(transitions: Iterable[Transition]) -> list[dict]:
    return [{"state": {"env": t.state.env, "task": t.state.task,
                       "observation": t.state.observation, "history": list(t.state.history),
                       "details": {k: list(v) if isinstance(v, tuple) else v
                                   for k, v in t.state.details.items()}},
             "action": t.action, "reward": t.reward, "reason": t.reason} for t in transitions]


def transitions_from_json(items: Iterable[dict]) -> list[Transition]:
    out = []
    for item in items:
        state = item["state"]
        rebuilt = registry.spec(state["env"]).new_state(
            state["task"], state["observation"], state.get("history", ()),
            **state.get("details", {}))
        out.append(Transition(rebuilt, item["action"], float(item["reward"]),
                              item.get("reason", "")))
    return out
