"""An in-process index of the memory's states, so that ranking needs no Chroma round trip.

It holds, per stored state, what ranking needs (its group — task id and pattern —, its
observation signature for f_o, its visit count, its place in insertion order) and a copy of its
rows. Chroma stays the source of
truth: the index is built from the collection and kept current by the store's own writes. When
the store is the only writer (an embedded folder under its lock, or in-memory) the copy is
served directly; otherwise the index is rebuilt when the row count changes and the winners' rows
are read fresh from Chroma.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

from environments.registry import UnknownEnvironmentError, spec
from memory_store.records import UNNUMBERED, State, state_order
from memory_store.rows import row_seq


_UNKNOWN = object()  # add_row: the observation signature is not given


@dataclass
class IndexedState:
    state_id: str
    env: str
    task_id: str
    pattern: str
    key: Hashable  # the observation signature f_o compares
    document: str
    rows: dict[str, dict] = field(default_factory=dict)  # row id -> metadata
    visits: int = 0  # sum over the rows, kept current
    order: tuple[int, int] = UNNUMBERED  # insertion order (records.state_order), kept current


class StateIndex:
    def __init__(self) -> None:
        self.states: dict[str, IndexedState] = {}
        self._row_state: dict[str, str] = {}
        self._groups: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self._patterns: dict[str, set[str]] = defaultdict(set)  # env -> labels ever stored
        self.version = 0  # counts changes, so a view built from this index knows when to rebuild

    def __len__(self) -> int:
        return len(self._row_state)

    def add_row(self, row_id: str, meta: dict, document: str, key: Hashable = _UNKNOWN) -> None:
        """Add (or replace) a row; `key`, the state's f_o signature, is computed unless given."""
        self.version += 1
        state_id = meta["state_id"]
        entry = self.states.get(state_id)
        if entry is None:
            if key is _UNKNOWN:
                key = _observation_key(meta, document)
            entry = IndexedState(state_id, meta["env"], meta["task_id"], meta["pattern"], key,
                                 document)
            self.states[state_id] = entry
            self._groups[(entry.env, "task_id", entry.task_id)].add(state_id)
            self._groups[(entry.env, "pattern", entry.pattern)].add(state_id)
            self._patterns[entry.env].add(entry.pattern)
        old = entry.rows.get(row_id, {})
        entry.rows[row_id] = dict(meta)
        entry.visits += int(meta.get("visits", 0)) - int(old.get("visits", 0))
        entry.order = min(entry.order, state_order([row_seq(meta)]))
        self._row_state[row_id] = state_id

    def merge(self, row_id: str, meta: dict) -> None:
        """Apply a metadata update (Chroma merges keys; so does the copy)."""
        self.version += 1
        state_id = self._row_state.get(row_id)
        if state_id is not None:
            entry = self.states[state_id]
            old = entry.rows[row_id]
            entry.visits += int(meta.get("visits", old.get("visits", 0))) - int(old.get("visits", 0))
            old.update(meta)

    def remove_row(self, row_id: str) -> None:
        self.version += 1
        state_id = self._row_state.pop(row_id, None)
        if state_id is None:
            return
        entry = self.states[state_id]
        entry.visits -= int(entry.rows.pop(row_id).get("visits", 0))
        entry.order = state_order(row_seq(meta) for meta in entry.rows.values())
        if not entry.rows:
            del self.states[state_id]
            self._groups[(entry.env, "task_id", entry.task_id)].discard(state_id)
            self._groups[(entry.env, "pattern", entry.pattern)].discard(state_id)

    def patterns(self, env: str) -> set[str]:
        """The pattern labels stored for `env` (a label whose states were deleted may remain:
        its group is then empty)."""
        return self._patterns.get(env, set())

    def group(self, env: str, key: str, value: str) -> set[str]:
        """State ids of one group: `key` is "task_id" or "pattern"."""
        return self._groups.get((env, key, value), set())

    def row_ids(self, state_id: str) -> list[str]:
        return list(self.states[state_id].rows)


def _observation_key(meta: dict, document: str) -> Hashable:
    """The f_o signature of a stored state (None for an environment not installed here: its
    states are never ranked, as a query needs its environment's spec)."""
    try:
        env_spec = spec(meta["env"])
    except UnknownEnvironmentError:
        return None
    details = {f.name: f.from_metadata(meta.get(f.name)) for f in env_spec.fields}
    state = State(env_spec.name, meta["task"], document or "", (), details)  # what f_o reads
    return env_spec.similarity.observation_key(state)
