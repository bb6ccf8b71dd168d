"""The experience memory: one Chroma collection, one row per (state, action) experience.

Row layout (users query it with plain chromadb):
- id: hash of (env, state, normalised action) — adding the same experience twice is a no-op;
- embedding: the embedding of the task text (always passed; Chroma never embeds anything);
- document: the observation text;
- metadata: env, task, task_id, state_id, action, reason, q (float), visits, reward, pattern,
  history (JSON list), provenance, created_at, updated_at, and the environment's own state
  fields as its spec declares them (`EnvSpec.fields`; tuples newline-joined), e.g.
  available_actions for WebShop, instruction / last_reward / total_reward for WikiHow.
  Updated rows also carry last_episode and last_step (see updater.py);
- seq: the row's creation sequence number (0, 1, 2, ... in the order rows were first written),
  assigned here, by the store's one writer, and never changed. A state's place in insertion
  order is its oldest row's `seq`; rankings break exact ties by it (older first, as the original
  did; see retrieval.py). Rows written before sequence numbers existed have none and open as
  they are: their states rank after every numbered state, by state id.

A double-Q memory (double Q-learning, see double.py) is two such collections: side A under the
memory's own name and side B under `<name>.b`, each with its own companions. Their collection
metadata say so (`double_q` true, `double_q_side` "a" or "b"), and a store opened as the wrong
kind — one side as a plain memory, or a plain memory as a side — is refused. Side B shares side
A's writer lease and creation counter, so both sides number their rows in one sequence.

Schema versions (recorded in the collection's metadata): 1 wrote every bundled environment's
fields on every row (the other environments' empty); 2 writes only the row's environment's
own. A schema-1 memory opens as it is and is read in place, with no migration: a reader takes
from each row the fields its environment declares, and the keys and ids are unchanged. Rows
written into it later follow schema 2. A memory recording a newer schema is refused.

Beside it lives `<name>.tasks` (one row per distinct task with its embedding), which retrieval
loads to score every task exactly, and `<name>.episodes`, the ledger of applied episodes; the
ledger also holds one reserved row, `SEQUENCE_ROW`, with the next creation sequence number.

The store is the boundary of the memory: callers get plain data (experiences, rows as
`rows.Row`, counts), never a Chroma collection. Every read of many rows goes through `pages`,
every write through `_write`. On a Chroma server several processes may write one memory; they
are serialised by a writer lease (lease.py): a read-modify-write runs inside `with
store.writing():`, and `_write` refuses to write without the lease (fencing). An embedded folder
has a file lock instead, held for as long as it is open.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Self

import numpy as np

from memory_store.client import DEFAULT_COLLECTION, SEQUENCE_ROW, MemoryClient
from memory_store.errors import MemoryStoreError
from memory_store.lease import WriterLease
from memory_store.paging import PAGE, pages
from memory_store.records import ActionRecord, Experience, RetrievedState, State
from memory_store.retrieval import retrieve as _retrieve
from memory_store.rows import (
    Row, action_record, best_actions_first, experience_metadata, pattern_of, row_to_experience,
)
from memory_store.state_index import StateIndex

SCHEMA_VERSION = 2
_KIND = "rememberer-experience-memory"
_LEDGER_VECTOR = [1.0]  # Chroma rows need an embedding; the ledger is only looked up by id


class Opening:
    """`open()`: connect to a location, then build the memory (a subclass, constructed as
    `cls(client, name, embedder, owns_client=...)`) on that connection."""

    @classmethod
    def open(
        cls,
        collection: str = DEFAULT_COLLECTION,
        *,
        path: str | Path | None = None,
        host: str | None = None,
        port: int | None = None,
        in_memory: bool = False,
        read_only: bool = False,
        embedder=None,
        client: MemoryClient | None = None,
        attempts: int = 1,
        token: str | None = None,
    ) -> Self:
        """Open (or create) a memory. Pass `client` to share one connection between stores;
        `attempts` > 1 retries a server that is not up yet (waiting 1 s, 2 s, ...); `token`
        (default: $CHROMA_TOKEN) is sent to a server with every request."""
        if embedder is None:
            from memory_store.embedding import Embedder

            embedder = Embedder()
        owns = client is None
        if client is None:
            client = MemoryClient.connect(path, host=host, port=port, in_memory=in_memory,
                                          read_only=read_only, attempts=attempts, token=token)
        try:
            return cls(client, collection, embedder, owns_client=owns)
        except BaseException:
            if owns:
                client.close()
            raise


class ExperienceStore(Opening):
    """An experience memory in one Chroma collection.

    >>> store = ExperienceStore.open("rememberer", path="memory")   # embedded
    >>> store = ExperienceStore.open("rememberer", host="127.0.0.1", port=8000)   # server
    """

    def __init__(self, client: MemoryClient, name: str, embedder, *, owns_client: bool = False,
                 side: str | None = None, primary: "ExperienceStore | None" = None):
        """`side` "a" or "b" opens one side of a double-Q memory (see double.py), `primary` (for
        side B) is side A's store, whose lease and creation counter it shares."""
        self.client = client
        self.name = name
        self.embedder = embedder
        self.side = side
        self._owns_client = owns_client
        self._primary = primary
        chroma = client._chroma  # noqa: SLF001 - the store is the client's only user
        if client.read_only and not client.has_collection(name):
            raise MemoryStoreError(
                f"no collection named {name!r} at {client.location}; "
                "`rememberer memory list` shows the collections there"
            )
        try:
            self._rows = chroma.get_or_create_collection(
                name, embedding_function=None, metadata=self._collection_metadata(),
            )
            self._tasks = chroma.get_or_create_collection(
                name + ".tasks", embedding_function=None, metadata={"hnsw:space": "cosine"},
            )
            self._episodes = chroma.get_or_create_collection(
                name + ".episodes", embedding_function=None,
            )
            self._lease = (primary._lease if primary is not None else
                           WriterLease(chroma.get_or_create_collection(
                               name + ".lease", embedding_function=None)) if client.remote
                           else None)
        except MemoryStoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb validation errors
            raise MemoryStoreError(f"cannot open collection {name!r}: {exc}") from None
        self._check_model()
        self._task_index = None  # ({env: (ids, texts, matrix)}, tasks count), loaded lazily
        self._state_index: StateIndex | None = None  # loaded lazily by retrieval
        self._batch_size: int | None = None

    def _collection_metadata(self) -> dict:
        meta = {
            "hnsw:space": "cosine", "kind": _KIND, "schema_version": SCHEMA_VERSION,
            "embedding_model": self.embedder.name, "embedding_dim": int(self.embedder.dim),
        }
        if self.side is not None:
            meta.update(double_q=True, double_q_side=self.side)
        return meta

    @property
    def sides(self) -> tuple["ExperienceStore", ...]:
        """The collections a write to the whole memory goes to: this one (a double-Q memory
        has two)."""
        return (self,)

    def _check_model(self) -> None:
        meta = self._rows.metadata or {}
        if meta.get("kind") != _KIND:
            raise MemoryStoreError(
                f"collection {self.name!r} at {self.client.location} is not a Rememberer memory; "
                "choose another --collection"
            )
        if int(meta.get("schema_version", 1)) > SCHEMA_VERSION:
            raise MemoryStoreError(
                f"collection {self.name!r} at {self.client.location} was written with memory "
                f"schema {meta['schema_version']}, newer than this version reads "
                f"({SCHEMA_VERSION}); upgrade rememberer")
        self._check_side(meta.get("double_q_side"))
        model, dim = meta.get("embedding_model"), meta.get("embedding_dim")
        if model != self.embedder.name or int(dim) != int(self.embedder.dim):
            raise MemoryStoreError(
                f"collection {self.name!r} was built with embedding model {model} (dim {dim}), "
                f"but this run uses {self.embedder.name} (dim {self.embedder.dim}); "
                f"use --embedding-model {model} or another --collection"
            )

    def _check_side(self, recorded: str | None) -> None:
        where = f"collection {self.name!r} at {self.client.location}"
        if recorded == self.side:
            return
        if self.side is None:
            raise MemoryStoreError(f"{where} is {'a' if recorded == 'a' else 'side B of a'} "
                                   "double-Q memory; open it with --double-q (double-q = true "
                                   "in a config)")
        if recorded is None:
            raise MemoryStoreError(f"{where} is a single memory, not double-Q; drop --double-q "
                                   "or choose another --collection")
        raise MemoryStoreError(f"{where} is side {recorded} of a double-Q memory, not side "
                               f"{self.side}")

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> "ExperienceStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- paging and writing: the only two ways rows move ----------------------------------

    def writing(self) -> contextlib.AbstractContextManager:
        """Hold the memory for writing: wrap every read-modify-write in `with store.writing():`.
        On a server this takes the writer lease (waiting for other writers); elsewhere this
        process is already the only writer. Re-entrant."""
        return self._lease if self._lease is not None else contextlib.nullcontext()

    def _write(self, collection, operation: str, ids: Sequence[str], **columns) -> None:
        """Every change to the three collections: `operation` is add, upsert, update or
        delete; the columns are cut into batches Chroma accepts."""
        method = getattr(collection, operation)
        step = self._max_batch()
        with self.writing():
            for start in range(0, len(ids), step):
                if self._lease is not None:
                    self._lease.check()
                part = slice(start, start + step)
                method(ids=list(ids[part]),
                       **{k: v[part] for k, v in columns.items() if v is not None})

    def _max_batch(self) -> int:
        """Rows per write call; asked of Chroma once (a round trip on a server)."""
        if self._batch_size is None:
            try:
                size = self.client._chroma.get_max_batch_size()  # noqa: SLF001
                self._batch_size = max(1, min(PAGE, int(size)))
            except Exception:  # noqa: BLE001 - older servers lack the endpoint
                self._batch_size = 1000
        return self._batch_size

    # --- writing ------------------------------------------------------------------------

    def add(self, experiences: Iterable[Experience], *, replace: bool = False) -> int:
        """Add experiences in batches; returns how many rows were new.

        Idempotent by id: an experience already stored is left as it is (its learned Q kept),
        unless `replace` is true, in which case its row is overwritten.
        """
        batch = {exp.id: exp for exp in experiences}  # last one wins inside one call
        if not batch:
            return 0
        with self.writing():
            return self._add_batch(batch, replace)

    def _add_batch(self, batch: dict[str, Experience], replace: bool) -> int:
        existing = self._existing_ids(self._rows, list(batch))
        new_ids = [i for i in batch if i not in existing]
        write_ids = list(batch) if replace else new_ids
        if write_ids:
            self._write_rows([batch[i] for i in write_ids], upsert=replace, new=set(new_ids))
        return len(new_ids)

    def _existing_ids(self, collection, ids: Sequence[str]) -> set[str]:
        return {i for page in pages(collection, ids=ids, include=()) for i in page["ids"]}

    def _write_rows(self, exps: list[Experience], *, upsert: bool, new: set[str]) -> None:
        """Write rows; those in `new` get the next creation sequence numbers, in order (a
        replaced row keeps its number: Chroma's upsert merges metadata keys)."""
        now = time.time()
        vectors = self.embedder.encode([e.state.task for e in exps])
        seq = self._reserve_seq(sum(e.id in new for e in exps))
        metadatas = []
        for exp in exps:
            exp.pattern = pattern_of(exp.state)
            exp.created_at = exp.created_at or now
            exp.updated_at = exp.updated_at or now
            meta = experience_metadata(exp, exp.pattern)
            if exp.id in new:
                meta["seq"] = exp.seq = seq
                seq += 1
            metadatas.append(meta)
        self._add_tasks(exps, vectors)
        self._write(self._rows, "upsert" if upsert else "add", [e.id for e in exps],
                    embeddings=vectors, documents=[e.state.observation for e in exps],
                    metadatas=metadatas)
        if self._state_index is not None:
            for exp, meta in zip(exps, metadatas):
                self._state_index.add_row(exp.id, meta, exp.state.observation)

    def _reserve_seq(self, count: int) -> int:
        """Take `count` creation sequence numbers; returns the first. The counter is read on
        every write (one small get: another store object or writer may have moved it) and
        written before the rows that use it, so a crash in between leaves a gap, never a
        duplicate."""
        if not count:
            return 0
        ledger = (self._primary or self)._episodes  # side B counts in side A's ledger
        got = ledger.get(ids=[SEQUENCE_ROW], include=["metadatas"])
        first = int(got["metadatas"][0]["next_seq"]) if got["ids"] else 0
        self._write(ledger, "upsert", [SEQUENCE_ROW], embeddings=[_LEDGER_VECTOR],
                    metadatas=[{"next_seq": first + count}])
        return first

    def _add_tasks(self, exps: list[Experience], vectors: np.ndarray) -> None:
        first = {}
        for exp, vector in zip(exps, vectors):
            first.setdefault(exp.state.task_id, (exp.state, vector))
        known = self._existing_ids(self._tasks, list(first))
        fresh = [i for i in first if i not in known]
        if not fresh:
            return
        self._write(self._tasks, "add", fresh,
                    embeddings=[first[i][1].tolist() for i in fresh],
                    documents=[first[i][0].task for i in fresh],
                    metadatas=[{"env": first[i][0].env, "task_id": i} for i in fresh])
        self._task_index = None  # reload on next retrieval

    def update_metadata(self, ids: Sequence[str], metadatas: Sequence[dict]) -> None:
        """Merge metadata keys into existing rows (Chroma's update keeps the other keys)."""
        self._write(self._rows, "update", ids, metadatas=list(metadatas))
        if self._state_index is not None:
            for row_id, meta in zip(ids, metadatas):
                self._state_index.merge(row_id, meta)

    def delete(self, ids: Sequence[str] | None = None, *, where: dict | None = None) -> int:
        """Delete rows by id or metadata filter; returns how many were removed."""
        if ids is None and where is None:
            raise MemoryStoreError("delete needs ids or a where filter")
        with self.writing():
            return self._delete(ids, where)

    def _delete(self, ids: Sequence[str] | None, where: dict | None) -> int:
        found = [row for page in pages(self._rows, ids=ids, where=where,
                                             include=["metadatas"])
                 for row in zip(page["ids"], page["metadatas"])]
        if not found:
            return 0
        self._write(self._rows, "delete", [row_id for row_id, _ in found])
        if self._state_index is not None:
            for row_id, _ in found:
                self._state_index.remove_row(row_id)
        self._drop_orphan_tasks({meta["task_id"] for _, meta in found})
        return len(found)

    def _drop_orphan_tasks(self, task_ids: set[str]) -> None:
        orphans = sorted(t for t in task_ids
                         if not self._rows.get(where={"task_id": t}, limit=1, include=[])["ids"])
        if orphans:
            self._write(self._tasks, "delete", orphans)
            self._task_index = None

    # --- the episode ledger ---------------------------------------------------------------

    def has_episode(self, episode_id: str) -> bool:
        """True when the ledger records this episode as applied."""
        return bool(self._episodes.get(ids=[episode_id], include=[])["ids"])

    def record_episodes(self, entries: Sequence[tuple[str, dict]]) -> None:
        """Write (episode id, metadata) entries into the ledger (an existing one is replaced)."""
        if entries:
            self._write(self._episodes, "upsert", [i for i, _ in entries],
                        embeddings=[_LEDGER_VECTOR] * len(entries),
                        metadatas=[meta for _, meta in entries])

    def episodes(self) -> Iterator[tuple[str, dict]]:
        """Every ledger entry: (episode id, metadata)."""
        for page in pages(self._episodes, include=["metadatas"]):
            yield from ((i, meta) for i, meta in zip(page["ids"], page["metadatas"])
                        if i != SEQUENCE_ROW)

    def episode_count(self) -> int:
        return self._episodes.count() - self.has_episode(SEQUENCE_ROW)

    # --- reading ------------------------------------------------------------------------

    def count(self) -> int:
        return self._rows.count()

    def task_count(self) -> int:
        """How many distinct tasks the memory holds."""
        return self._tasks.count()

    def rows(self, ids: Sequence[str]) -> list[Row]:
        """The stored rows with these ids (missing ids are skipped)."""
        return [Row(*row) for page in pages(self._rows, ids=ids)
                for row in zip(page["ids"], page["documents"], page["metadatas"])]

    def iter_rows(self, where: dict | None = None, *, documents: bool = True) -> Iterator[Row]:
        """Every stored row (optionally filtered), page by page; `documents=False` leaves the
        observations out ("")."""
        include = ["documents", "metadatas"] if documents else ["metadatas"]
        for page in pages(self._rows, where=where, include=include):
            texts = page["documents"] if documents else [""] * len(page["ids"])
            yield from (Row(*row) for row in zip(page["ids"], texts, page["metadatas"]))

    def get(self, ids: Sequence[str]) -> list[Experience]:
        """The stored experiences with these ids (missing ids are skipped)."""
        return [row_to_experience(row.document, row.metadata) for row in self.rows(ids)]

    def iter_experiences(self, where: dict | None = None) -> Iterator[Experience]:
        """Every stored experience (optionally filtered), page by page."""
        for row in self.iter_rows(where):
            yield row_to_experience(row.document, row.metadata)

    def rows_of_states(self, state_ids: Sequence[str]) -> list[Row]:
        """Every stored row of these states."""
        if not state_ids:
            return []
        where = ({"state_id": state_ids[0]} if len(state_ids) == 1
                 else {"state_id": {"$in": list(state_ids)}})
        return list(self.iter_rows(where))

    def state_actions(self, state_id: str) -> list[ActionRecord]:
        """Every recorded action of one state, highest Q first."""
        return best_actions_first(action_record(row.id, row.metadata)
                                  for row in self.rows_of_states([state_id]))

    def task_embedding(self, task: str) -> np.ndarray:
        return self.embedder.encode_one(task)

    # --- whole collections ------------------------------------------------------------------

    def copy_into(self, target: "ExperienceStore",
                  progress: Callable[[int], None] | None = None) -> int:
        """Copy every row — embeddings, documents, metadata, the task index and the episode
        ledger — unchanged into `target`; returns the experience rows copied."""
        copied = 0
        pairs = ((self._rows, target._rows), (self._tasks, target._tasks),
                 (self._episodes, target._episodes))
        for index, (source, dest) in enumerate(pairs):
            for page in pages(source, include=["embeddings", "documents", "metadatas"]):
                if not page["ids"]:
                    continue
                documents = page["documents"]
                target._write(dest, "add", page["ids"],
                              embeddings=[list(map(float, v)) for v in page["embeddings"]],
                              documents=None if all(d is None for d in documents) else documents,
                              metadatas=page["metadatas"])
                if index == 0:
                    copied += len(page["ids"])
                    if progress:
                        progress(copied)
        target._task_index = target._state_index = None
        return copied

    # --- retrieval ------------------------------------------------------------------------

    def retrieve(self, state: State, *, m: int = 2, lam: float = 0.5) -> list[RetrievedState]:
        """The `m` stored states most similar to `state`, best first (exact; see retrieval.py)."""
        return _retrieve(self, state, m=m, lam=lam)

    @property
    def exclusive(self) -> bool:
        """True when no other process can write to this memory (its caches stay valid)."""
        return self.client.exclusive

    def state_index(self) -> StateIndex:
        """The in-process ranking index (see state_index.py), loaded or refreshed as needed."""
        if self._state_index is not None and self.client.exclusive:
            return self._state_index
        if self._state_index is not None and len(self._state_index) == self._rows.count():
            return self._state_index
        index = StateIndex()
        for row in self.iter_rows():
            index.add_row(row.id, row.metadata, row.document)
        self._state_index = index
        return index

    def task_index(self, env: str) -> tuple[list[str], list[str], np.ndarray]:
        """(task ids, task texts, normalised float64 embedding matrix) of one env's tasks."""
        count = None
        if self._task_index is None or not self.client.exclusive:
            count = self._tasks.count()
        if self._task_index is None or (count is not None and count != self._task_index[1]):
            self._task_index = self._load_task_index()
        by_env, _ = self._task_index
        if env not in by_env:
            return [], [], np.zeros((0, int(self.embedder.dim)))
        return by_env[env]

    def _load_task_index(self):
        ids, texts, envs, vectors = [], [], [], []
        for page in pages(self._tasks, include=["embeddings", "documents", "metadatas"]):
            ids += page["ids"]
            texts += page["documents"]
            envs += [m["env"] for m in page["metadatas"]]
            if len(page["ids"]):
                vectors.append(np.asarray(page["embeddings"], dtype=np.float64))
        matrix = np.concatenate(vectors) if vectors else np.zeros((0, int(self.embedder.dim)))
        by_env = {}
        for env in sorted(set(envs)):
            keep = [i for i, e in enumerate(envs) if e == env]
            by_env[env] = ([ids[i] for i in keep], [texts[i] for i in keep], matrix[keep])
        return by_env, len(ids)
