"""A response cache for LLM calls: one SQLite file, keyed by backend, model, prompt and parameters.

Reruns with the same prompts and settings are answered from the file, so they are reproducible and
cost no model time. Every operation opens its own short-lived connection, which makes one cache
object safe to share between threads; WAL journaling and a busy timeout let several processes use
the same file at once.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from agent.errors import AgentError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS completions (
    key TEXT PRIMARY KEY,
    llm TEXT NOT NULL,
    params TEXT NOT NULL,
    prompt TEXT NOT NULL,
    text TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class CachedAnswer:
    """What the cache remembers about one call."""

    text: str
    prompt_tokens: int
    completion_tokens: int


def cache_key(llm_name: str, prompt: str, params: dict[str, Any]) -> str:
    """A stable hash of everything that can change an answer: backend + model, prompt, parameters."""
    blob = json.dumps({"llm": llm_name, "prompt": prompt, "params": params}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    """SQLite-backed store of completions; `get`/`put` by the key from `cache_key`."""

    def __init__(self, path: Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path).expanduser()
        self._timeout = timeout
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as con, con:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute(_SCHEMA)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise self._error(exc) from exc

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=self._timeout)

    def get(self, key: str) -> CachedAnswer | None:
        try:
            with closing(self._connect()) as con:
                row = con.execute(
                    "SELECT text, prompt_tokens, completion_tokens FROM completions WHERE key = ?", (key,)
                ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        return None if row is None else CachedAnswer(row[0], int(row[1]), int(row[2]))

    def put(self, key: str, *, llm_name: str, params: dict[str, Any], prompt: str, answer: CachedAnswer) -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        row = (
            key,
            llm_name,
            json.dumps(params, sort_keys=True),
            prompt,
            answer.text,
            answer.prompt_tokens,
            answer.completion_tokens,
            now,
        )
        try:
            with closing(self._connect()) as con, con:
                con.execute("INSERT OR REPLACE INTO completions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: BaseException) -> AgentError:
        return AgentError(
            f"cannot use the LLM response cache at {self.path}: {_one_line(exc)}; "
            "delete the file, point the cache elsewhere (REMEMBERER_CACHE_DIR) or run without the cache"
        )

    def __len__(self) -> int:
        with closing(self._connect()) as con:
            return int(con.execute("SELECT COUNT(*) FROM completions").fetchone()[0])


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
