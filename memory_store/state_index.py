"""An in-process index of the memory's states, so that ranking needs no Chroma round trip.

It holds, per stored state, only what ranking needs: its group (task id and pattern), its
observation signature for f_o, and its visit count. Chroma stays the source of truth: the index is
built from the collection, kept current by the store's own writes, rebuilt when the row count
shows another writer changed the collection, and the winners' rows are always read fresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

from memory_store.similarity import matchers_for


@dataclass
class IndexedState:
    state_id: str
    env: str
    task_id: str
    pattern: str
    obs_key: Hashable
    row_visits: dict[str, int] = field(default_factory=dict)

    @property
    def visits(self) -> int:
        return sum(self.row_visits.values())


class StateIndex:
    def __init__(self) -> None:
        self.states: dict[str, IndexedState] = {}
        self._row_state: dict[str, str] = {}
        self._groups: dict[tuple[str, str, str], set[str]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self._row_state)

    def add_row(self, row_id: str, meta: dict, document: str) -> None:
        from memory_store.store import row_to_experience

        state_id = meta["state_id"]
        entry = self.states.get(state_id)
        if entry is None:
            stored = row_to_experience(document, meta)
            matchers = matchers_for(stored.state.env)
            entry = IndexedState(state_id, stored.state.env, meta["task_id"], meta["pattern"],
                                 matchers.observation_key(stored.state))
            self.states[state_id] = entry
            self._groups[(entry.env, "task_id", entry.task_id)].add(state_id)
            self._groups[(entry.env, "pattern", entry.pattern)].add(state_id)
        entry.row_visits[row_id] = int(meta.get("visits", 0))
        self._row_state[row_id] = state_id

    def set_visits(self, row_id: str, visits: int) -> None:
        state_id = self._row_state.get(row_id)
        if state_id is not None:
            self.states[state_id].row_visits[row_id] = int(visits)

    def remove_row(self, row_id: str) -> None:
        state_id = self._row_state.pop(row_id, None)
        if state_id is None:
            return
        entry = self.states[state_id]
        entry.row_visits.pop(row_id, None)
        if not entry.row_visits:
            del self.states[state_id]
            self._groups[(entry.env, "task_id", entry.task_id)].discard(state_id)
            self._groups[(entry.env, "pattern", entry.pattern)].discard(state_id)

    def group(self, env: str, key: str, value: str) -> set[str]:
        """State ids of one group: `key` is "task_id" or "pattern"."""
        return self._groups.get((env, key, value), set())

    def row_ids(self, state_id: str) -> list[str]:
        return list(self.states[state_id].row_visits)
