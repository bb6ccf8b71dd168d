"""Double Q-learning: a memory of two sides; each episode updates one and bootstraps from the other.

Q-learning's bootstrap takes the maximum of estimated values, and the maximum of noisy estimates
is biased upwards: Q values creep above what the actions earn. Double Q-learning (van Hasselt,
2010; the REMEMBERER paper's appendix names it as the remedy) keeps two estimates, A and B. An
update of A computes its target with V(s') read from B, and the other way round, so the noise
that picked an action's value is not the noise that inflates it.

The memory `<name>` is then two collections, side A (`<name>`) and side B (`<name>.b`), each an
ordinary `ExperienceStore` marked in its collection metadata (`double_q`, `double_q_side`):

- **Updates** (`DoubleUpdater`): a whole episode goes to one side, bootstrapping from the other
  (`Updater(reference=...)`). Which side is decided by the episode's index in the run — the
  0-based position among the run's training episodes in the order they are applied, which a
  resumed run reproduces: `turn` gives A to even indexes and B to odd ones, `random` draws the
  side from a hash of (seed, index), so it needs no state to resume.
- **Reading** (`DoubleMemory`): retrieval, counts and `rememberer memory` see the merged view:
  the union of both sides; a state held by both is one state; an action held by both is one
  experience whose Q is the mean of its two Q values (the estimate double Q-learning acts on),
  whose visits are the sum of its two counts (every update it received), and whose reward,
  reason and history are the more recently updated side's. Ranking then works as on one memory
  (score, visits, older, state id): both sides number their rows from one shared counter, so
  "older" compares across them.
- **Writing** a whole memory (seeding, importing) goes to each of `sides`; updates go to one.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence

import numpy as np

from memory_store.client import SIDE_B, MemoryClient
from memory_store.errors import MemoryStoreError
from memory_store.records import Experience, RetrievedState, State, Transition
from memory_store.retrieval import retrieve as _retrieve
from memory_store.rows import Row, row_seq, row_to_experience
from memory_store.state_index import StateIndex
from memory_store.store import ExperienceStore, Opening
from memory_store.updater import Updater, UpdateReport

SIDES = ("a", "b")
ORDERS = ("turn", "random")


def merge_metadata(first: dict | None, second: dict | None) -> dict:
    """One row of the merged view from the row's metadata on side A and side B (either None)."""
    if first is None or second is None:
        return dict(first if second is None else second)
    newer = second if second.get("updated_at", 0.0) > first.get("updated_at", 0.0) else first
    meta = dict(newer)
    meta["q"] = (float(first.get("q", 0.0)) + float(second.get("q", 0.0))) / 2
    meta["visits"] = int(first.get("visits", 0)) + int(second.get("visits", 0))
    meta["created_at"] = min(first.get("created_at", 0.0), second.get("created_at", 0.0))
    meta["updated_at"] = max(first.get("updated_at", 0.0), second.get("updated_at", 0.0))
    seqs = [s for s in (row_seq(first), row_seq(second)) if s is not None]
    meta.pop("seq", None)
    if seqs:
        meta["seq"] = min(seqs)
    return meta


def _merged_rows(row_ids: Sequence[str], sides: Sequence[dict[str, Row]]) -> list[Row]:
    """Rows of the merged view, in the order of `row_ids`, from each side's rows by id."""
    out = []
    for row_id in row_ids:
        first, second = (side.get(row_id) for side in sides)
        if first is None and second is None:
            continue
        document = (first or second).document
        out.append(Row(row_id, document, merge_metadata(first.metadata if first else None,
                                                        second.metadata if second else None)))
    return out


def _merged_index(first: StateIndex, second: StateIndex) -> StateIndex:
    index = StateIndex()
    for state_id in dict.fromkeys([*first.states, *second.states]):
        entries = [side.states.get(state_id) for side in (first, second)]
        known = next(entry for entry in entries if entry is not None)
        rows = [entry.rows if entry is not None else {} for entry in entries]
        for row_id in dict.fromkeys([*rows[0], *rows[1]]):
            index.add_row(row_id, merge_metadata(rows[0].get(row_id), rows[1].get(row_id)),
                          known.document, key=known.key)
    return index


class DoubleMemory(Opening):
    """A double-Q memory: two `ExperienceStore` sides, read as one merged memory.

    >>> memory = DoubleMemory.open("rememberer", path="memory")
    >>> memory.retrieve(state, m=2)          # the merged view
    >>> memory.one_side("b").iter_experiences()  # one side as it is
    """

    def __init__(self, client: MemoryClient, name: str, embedder, *, owns_client: bool = False):
        self.client = client
        self.name = name
        self.embedder = embedder
        self._owns_client = owns_client
        self.a = ExperienceStore(client, name, embedder, side="a")
        self.b = ExperienceStore(client, name + SIDE_B, embedder, side="b", primary=self.a)
        self._index: tuple | None = None  # (side A's index, its version, B's, B's version, merged)
        self._tasks: dict[str, tuple] = {}  # env -> (A's task index, B's, merged)

    @property
    def sides(self) -> tuple[ExperienceStore, ExperienceStore]:
        return self.a, self.b

    def one_side(self, name: str) -> ExperienceStore:
        if name not in SIDES:
            raise MemoryStoreError(f"a double-Q memory has sides a and b, not {name!r}")
        return self.a if name == "a" else self.b

    def writing(self) -> contextlib.AbstractContextManager:
        """Hold the whole memory for writing (side B shares side A's lease)."""
        return self.a.writing()

    @property
    def exclusive(self) -> bool:
        return self.client.exclusive

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> "DoubleMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the episode ledgers: an episode is recorded on the side it updated ------------------

    def has_episode(self, episode_id: str) -> bool:
        return any(side.has_episode(episode_id) for side in self.sides)

    def episodes(self) -> Iterator[tuple[str, dict]]:
        for side in self.sides:
            yield from side.episodes()

    def episode_count(self) -> int:
        return sum(side.episode_count() for side in self.sides)

    # --- the merged view ----------------------------------------------------------------------

    def count(self) -> int:
        """Experiences in the merged view (one held by both sides counts once)."""
        return len(self.state_index())

    def rows(self, ids: Sequence[str]) -> list[Row]:
        ids = list(dict.fromkeys(ids))
        return _merged_rows(ids, [{row.id: row for row in side.rows(ids)} for side in self.sides])

    def iter_rows(self, where: dict | None = None, *, documents: bool = True) -> Iterator[Row]:
        """Every merged row. `where` may test state fields only (env, task_id, pattern,
        state_id...): it is applied to each side, and a test of q or visits would see one
        side's value, not the merged one."""
        sides = [{row.id: row for row in side.iter_rows(where, documents=documents)}
                 for side in self.sides]
        yield from _merged_rows(list(dict.fromkeys([*sides[0], *sides[1]])), sides)

    def iter_experiences(self, where: dict | None = None) -> Iterator[Experience]:
        for row in self.iter_rows(where):
            yield row_to_experience(row.document, row.metadata)

    def get(self, ids: Sequence[str]) -> list[Experience]:
        return [row_to_experience(row.document, row.metadata) for row in self.rows(ids)]

    def retrieve(self, state: State, *, m: int = 2, lam: float = 0.5) -> list[RetrievedState]:
        """The `m` states of the merged view most similar to `state` (see retrieval.py)."""
        return _retrieve(self, state, m=m, lam=lam)

    def task_embedding(self, task: str) -> np.ndarray:
        return self.a.task_embedding(task)

    def state_index(self) -> StateIndex:
        """The merged view's ranking index, rebuilt when either side's index has changed."""
        first, second = self.a.state_index(), self.b.state_index()
        cached = self._index
        if not (cached and cached[0] is first and cached[1] == first.version
                and cached[2] is second and cached[3] == second.version):
            cached = self._index = (first, first.version, second, second.version,
                                    _merged_index(first, second))
        return cached[4]

    def task_index(self, env: str) -> tuple[list[str], list[str], np.ndarray]:
        """Both sides' tasks of `env` (a task both hold once)."""
        first, second = self.a.task_index(env), self.b.task_index(env)
        cached = self._tasks.get(env)
        if cached and cached[0] is first and cached[1] is second:
            return cached[2]
        known = set(first[0])
        extra = [i for i, task_id in enumerate(second[0]) if task_id not in known]
        merged = (first[0] + [second[0][i] for i in extra], first[1] + [second[1][i] for i in extra],
                  np.concatenate([first[2], second[2][extra]]))
        self._tasks[env] = (first, second, merged)
        return merged


class DoubleUpdater:
    """Double Q-learning: applies each episode to one side of a `DoubleMemory`, bootstrapping
    from the other (see the module docstring for which side). `settings` are `Updater`'s."""

    def __init__(self, memory: DoubleMemory, *, order: str = "turn", seed: int = 0, **settings):
        if order not in ORDERS:
            raise MemoryStoreError(f"double-Q order must be turn or random, got {order!r}")
        self.memory = memory
        self.order = order
        self.seed = int(seed)
        self._updaters = {"a": Updater(memory.a, reference=memory.b, **settings),
                          "b": Updater(memory.b, reference=memory.a, **settings)}

    def side_of(self, index: int) -> str:
        """The side the run's episode number `index` (0, 1, 2, ...) updates."""
        if self.order == "turn":
            return SIDES[index % 2]
        digest = hashlib.sha256(f"double-q:{self.seed}:{index}".encode()).digest()
        return SIDES[digest[0] & 1]

    def apply(self, episode_id: str, transitions: Sequence[Transition], ended: bool, *,
              index: int) -> UpdateReport:
        """Apply a whole episode to its side (an episode either side's ledger holds: nothing)."""
        side = self.side_of(index)
        with self.memory.writing():
            other = SIDES[1 - SIDES.index(side)]
            if self.memory.one_side(other).has_episode(episode_id):
                return UpdateReport(episode_id, applied=False, steps=len(transitions),
                                    returns=[None] * len(transitions), side=other)
            report = self._updaters[side].apply(episode_id, transitions, ended)
        report.side = side
        return report


def open_store(client: MemoryClient, name: str, embedder, *,
               double: bool | None = None) -> ExperienceStore | DoubleMemory:
    """The memory `name` on `client`: double-Q or single as `double` says (an existing memory of
    the other kind is refused), or, with `double=None`, as the collection records (new: single)."""
    if double is None:
        double = client.is_double(name)
    return DoubleMemory(client, name, embedder) if double else ExperienceStore(client, name, embedder)
