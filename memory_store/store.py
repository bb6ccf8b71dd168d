"""The experience memory: one Chroma collection, one row per (state, action) experience.

Row layout (users query it with plain chromadb):
- id: hash of (env, state, normalised action) — adding the same experience twice is a no-op;
- embedding: the embedding of the task text (always passed; Chroma never embeds anything);
- document: the observation text;
- metadata: env, task, task_id, state_id, action, reason, q (float), visits, reward, pattern,
  history (JSON list), available_actions (newline-joined), instruction, last_reward,
  total_reward, provenance, created_at, updated_at.

Beside it lives `<name>.tasks` (one row per distinct task with its embedding), which retrieval
loads to score every task exactly, and `<name>.episodes`, the ledger of applied episodes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from memory_store.client import DEFAULT_COLLECTION, MemoryClient
from memory_store.errors import MemoryStoreError
from memory_store.records import (
    ActionRecord, Experience, RetrievedState, State, dumps_history, loads_history,
)
from memory_store.ranking import ranked
from memory_store.similarity import matchers_for

SCHEMA_VERSION = 1
_KIND = "rememberer-experience-memory"
_PAGE = 5000  # rows per get() page


def experience_metadata(exp: Experience, pattern: str) -> dict:
    state = exp.state
    return {
        "env": state.env, "task": state.task, "task_id": state.task_id,
        "state_id": state.state_id, "action": exp.action, "reason": exp.reason,
        "q": float(exp.q), "visits": int(exp.visits), "reward": float(exp.reward),
        "pattern": pattern, "history": dumps_history(state.history),
        "available_actions": "\n".join(state.available_actions),
        "instruction": state.instruction, "last_reward": float(state.last_reward),
        "total_reward": float(state.total_reward), "provenance": exp.provenance,
        "created_at": float(exp.created_at), "updated_at": float(exp.updated_at),
    }


def row_to_experience(document: str, meta: dict) -> Experience:
    actions = meta.get("available_actions", "")
    state = State(
        env=meta["env"], task=meta["task"], observation=document or "",
        available_actions=tuple(actions.split("\n")) if actions else (),
        instruction=meta.get("instruction", ""), history=loads_history(meta.get("history", "")),
        last_reward=float(meta.get("last_reward", 0.0)),
        total_reward=float(meta.get("total_reward", 0.0)),
    )
    return Experience(
        state=state, action=meta["action"], q=float(meta.get("q", 0.0)),
        visits=int(meta.get("visits", 0)), reward=float(meta.get("reward", 0.0)),
        reason=meta.get("reason", ""), pattern=meta.get("pattern", ""),
        provenance=meta.get("provenance", ""), created_at=float(meta.get("created_at", 0.0)),
        updated_at=float(meta.get("updated_at", 0.0)),
    )


def action_record(row_id: str, meta: dict) -> ActionRecord:
    return ActionRecord(
        action=meta["action"], q=float(meta.get("q", 0.0)), visits=int(meta.get("visits", 0)),
        reason=meta.get("reason", ""), reward=float(meta.get("reward", 0.0)), id=row_id,
    )


def best_actions_first(actions: Iterable[ActionRecord]) -> list[ActionRecord]:
    """Highest Q first; equal Q values in the order of the action text (then row id)."""
    return ranked(actions, score=lambda a: a.q, ident=lambda a: (a.action, a.id))


class ExperienceStore:
    """An experience memory in one Chroma collection.

    >>> store = ExperienceStore.open("rememberer", path="memory")   # embedded
    >>> store = ExperienceStore.open("rememberer", host="127.0.0.1", port=8000)   # server
    """

    def __init__(self, client: MemoryClient, name: str, embedder, *, owns_client: bool = False):
        self.client = client
        self.name = name
        self.embedder = embedder
        self._owns_client = owns_client
        chroma = client.chroma
        if client.read_only and name not in client.list_collections():
            raise MemoryStoreError(
                f"no collection named {name!r} at {client.location}; "
                "`rememberer memory list` shows the collections there"
            )
        try:
            self.collection = chroma.get_or_create_collection(
                name, embedding_function=None, metadata=self._collection_metadata(),
            )
            self.tasks = chroma.get_or_create_collection(
                name + ".tasks", embedding_function=None, metadata={"hnsw:space": "cosine"},
            )
            self.episodes = chroma.get_or_create_collection(
                name + ".episodes", embedding_function=None,
            )
        except MemoryStoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb validation errors
            raise MemoryStoreError(f"cannot open collection {name!r}: {exc}") from None
        self._check_model()
        self._task_index = None  # ({env: (ids, texts, matrix)}, tasks count), loaded lazily
        self._state_index = None  # StateIndex, loaded lazily by retrieval
        self._batch_size: int | None = None

    # --- opening ------------------------------------------------------------------------

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
    ) -> "ExperienceStore":
        """Open (or create) a memory. Pass `client` to share one connection between stores."""
        if embedder is None:
            from memory_store.embedding import Embedder

            embedder = Embedder()
        owns = client is None
        if client is None:
            client = MemoryClient.connect(path, host=host, port=port, in_memory=in_memory,
                                          read_only=read_only)
        try:
            return cls(client, collection, embedder, owns_client=owns)
        except Exception:
            if owns:
                client.close()
            raise

    def _collection_metadata(self) -> dict:
        return {
            "hnsw:space": "cosine", "kind": _KIND, "schema_version": SCHEMA_VERSION,
            "embedding_model": self.embedder.name, "embedding_dim": int(self.embedder.dim),
        }

    def _check_model(self) -> None:
        meta = self.collection.metadata or {}
        if meta.get("kind") != _KIND:
            raise MemoryStoreError(
                f"collection {self.name!r} at {self.client.location} is not a Rememberer memory; "
                "choose another --collection"
            )
        model, dim = meta.get("embedding_model"), meta.get("embedding_dim")
        if model != self.embedder.name or int(dim) != int(self.embedder.dim):
            raise MemoryStoreError(
                f"collection {self.name!r} was built with embedding model {model} (dim {dim}), "
                f"but this run uses {self.embedder.name} (dim {self.embedder.dim}); "
                f"use --embedding-model {model} or another --collection"
            )

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> "ExperienceStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------

    def add(self, experiences: Iterable[Experience], *, replace: bool = False) -> int:
        """Add experiences in batches; returns how many rows were new.

        Idempotent by id: an experience already stored is left as it is (its learned Q kept),
        unless `replace` is true, in which case its row is overwritten.
        """
        batch = {exp.id: exp for exp in experiences}  # last one wins inside one call
        if not batch:
            return 0
        existing = self._existing_ids(list(batch))
        new_ids = [i for i in batch if i not in existing]
        write_ids = list(batch) if replace else new_ids
        if write_ids:
            self._write_rows([batch[i] for i in write_ids], upsert=replace)
        return len(new_ids)

    def _existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), _PAGE):
            found.update(self.collection.get(ids=list(ids[start:start + _PAGE]), include=[])["ids"])
        return found

    def _write_rows(self, exps: list[Experience], *, upsert: bool) -> None:
        now = time.time()
        tasks = [e.state.task for e in exps]
        vectors = self.embedder.encode(tasks)
        metadatas = []
        for exp in exps:
            pattern = matchers_for(exp.state.env).pattern(exp.state)
            exp.pattern = pattern
            exp.created_at = exp.created_at or now
            exp.updated_at = exp.updated_at or now
            metadatas.append(experience_metadata(exp, pattern))
        self._add_tasks(exps, vectors)
        write = self.collection.upsert if upsert else self.collection.add
        step = self._max_batch()
        for start in range(0, len(exps), step):
            part = slice(start, start + step)
            write(
                ids=[e.id for e in exps[part]], embeddings=vectors[part],
                documents=[e.state.observation for e in exps[part]], metadatas=metadatas[part],
            )
        if self._state_index is not None:
            for exp, meta in zip(exps, metadatas):
                self._state_index.add_row(exp.id, meta, exp.state.observation)

    def _add_tasks(self, exps: list[Experience], vectors: np.ndarray) -> None:
        first = {}
        for exp, vector in zip(exps, vectors):
            first.setdefault(exp.state.task_id, (exp.state, vector))
        ids = list(first)
        known = set()
        for start in range(0, len(ids), _PAGE):
            known.update(self.tasks.get(ids=ids[start:start + _PAGE], include=[])["ids"])
        fresh = [i for i in ids if i not in known]
        step = self._max_batch()
        for start in range(0, len(fresh), step):
            part = fresh[start:start + step]
            self.tasks.add(
                ids=part, embeddings=[first[i][1].tolist() for i in part],
                documents=[first[i][0].task for i in part],
                metadatas=[{"env": first[i][0].env, "task_id": i} for i in part],
            )
        if fresh:
            self._task_index = None  # reload on next retrieval

    def _max_batch(self) -> int:
        """Rows per write call; asked of Chroma once (a round trip on a server)."""
        if self._batch_size is None:
            try:
                self._batch_size = max(1, min(5000, int(self.client.chroma.get_max_batch_size())))
            except Exception:  # noqa: BLE001 - older servers lack the endpoint
                self._batch_size = 1000
        return self._batch_size

    def update_metadata(self, ids: Sequence[str], metadatas: Sequence[dict]) -> None:
        """Merge metadata keys into existing rows (Chroma's update keeps the other keys)."""
        step = self._max_batch()
        for start in range(0, len(ids), step):
            self.collection.update(ids=list(ids[start:start + step]),
                                   metadatas=list(metadatas[start:start + step]))
        if self._state_index is not None:
            for row_id, meta in zip(ids, metadatas):
                self._state_index.merge(row_id, meta)

    def delete(self, ids: Sequence[str] | None = None, *, where: dict | None = None) -> int:
        """Delete rows by id or metadata filter; returns how many were removed."""
        if ids is None and where is None:
            raise MemoryStoreError("delete needs ids or a where filter")
        if ids is not None:
            rows = {"ids": [], "metadatas": []}
            for start in range(0, len(ids), _PAGE):
                page = self.collection.get(ids=list(ids[start:start + _PAGE]),
                                           include=["metadatas"])
                rows["ids"] += page["ids"]
                rows["metadatas"] += page["metadatas"]
        else:
            rows = {"ids": [], "metadatas": []}
            for page in self.iter_rows(where, include=["metadatas"]):
                rows["ids"] += page["ids"]
                rows["metadatas"] += page["metadatas"]
        if not rows["ids"]:
            return 0
        for start in range(0, len(rows["ids"]), _PAGE):
            self.collection.delete(ids=rows["ids"][start:start + _PAGE])
        if self._state_index is not None:
            for row_id in rows["ids"]:
                self._state_index.remove_row(row_id)
        self._drop_orphan_tasks({meta["task_id"] for meta in rows["metadatas"]})
        return len(rows["ids"])

    def _drop_orphan_tasks(self, task_ids: set[str]) -> None:
        orphans = [t for t in task_ids
                   if not self.collection.get(where={"task_id": t}, limit=1, include=[])["ids"]]
        if orphans:
            self.tasks.delete(ids=orphans)
            self._task_index = None

    # --- reading ------------------------------------------------------------------------

    def count(self) -> int:
        return self.collection.count()

    def get(self, ids: Sequence[str]) -> list[Experience]:
        """The stored experiences with these ids (missing ids are skipped)."""
        out = []
        for start in range(0, len(ids), _PAGE):
            rows = self.collection.get(ids=list(ids[start:start + _PAGE]),
                                       include=["documents", "metadatas"])
            out += [row_to_experience(d, m) for d, m in zip(rows["documents"], rows["metadatas"])]
        return out

    def iter_rows(self, where: dict | None = None,
                  include: Sequence[str] = ("documents", "metadatas")) -> Iterable[dict]:
        """Raw Chroma pages of rows (large gets fail in one call, so always page)."""
        offset = 0
        while True:
            rows = self.collection.get(where=where, limit=_PAGE, offset=offset,
                                       include=list(include))
            yield rows
            if len(rows["ids"]) < _PAGE:
                return
            offset += _PAGE

    def iter_experiences(self, where: dict | None = None) -> Iterable[Experience]:
        """Every stored experience (optionally filtered), page by page."""
        for rows in self.iter_rows(where):
            for document, meta in zip(rows["documents"], rows["metadatas"]):
                yield row_to_experience(document, meta)

    def state_actions(self, state_id: str) -> list[ActionRecord]:
        """Every recorded action of one state, highest Q first."""
        rows = self.collection.get(where={"state_id": state_id}, include=["metadatas"])
        return best_actions_first(action_record(i, m) for i, m in zip(rows["ids"], rows["metadatas"]))

    def task_embedding(self, task: str) -> np.ndarray:
        return self.embedder.encode_one(task)

    # --- retrieval ------------------------------------------------------------------------

    def retrieve(self, state: State, *, m: int = 2, lam: float = 0.5, matchers=None,
                 ) -> list[RetrievedState]:
        """The `m` stored states most similar to `state`, best first (exact; see retrieval.py)."""
        from memory_store.retrieval import retrieve

        return retrieve(self, state, m=m, lam=lam, matchers=matchers)

    def state_index(self):
        """The in-process ranking index (see state_index.py), loaded or refreshed as needed."""
        from memory_store.state_index import StateIndex

        if self._state_index is not None and self.client.exclusive:
            return self._state_index
        if self._state_index is not None and len(self._state_index) == self.collection.count():
            return self._state_index
        index = StateIndex()
        for rows in self.iter_rows():
            for row_id, document, meta in zip(rows["ids"], rows["documents"], rows["metadatas"]):
                index.add_row(row_id, meta, document)
        self._state_index = index
        return index

    def task_index(self, env: str) -> tuple[list[str], list[str], np.ndarray]:
        """(task ids, task texts, normalised float64 embedding matrix) of one env's tasks."""
        count = None
        if self._task_index is None or not self.client.exclusive:
            count = self.tasks.count()
        if self._task_index is None or (count is not None and count != self._task_index[1]):
            self._task_index = self._load_task_index()
        by_env, _ = self._task_index
        if env not in by_env:
            return [], [], np.zeros((0, int(self.embedder.dim)))
        return by_env[env]

    def _load_task_index(self):
        ids, texts, envs, vectors = [], [], [], []
        offset = 0
        while True:
            rows = self.tasks.get(limit=_PAGE, offset=offset,
                                  include=["embeddings", "documents", "metadatas"])
            ids += rows["ids"]
            texts += rows["documents"]
            envs += [m["env"] for m in rows["metadatas"]]
            if len(rows["ids"]):
                vectors.append(np.asarray(rows["embeddings"], dtype=np.float64))
            if len(rows["ids"]) < _PAGE:
                break
            offset += _PAGE
        matrix = np.concatenate(vectors) if vectors else np.zeros((0, int(self.embedder.dim)))
        by_env = {}
        for env in set(envs):
            keep = [i for i, e in enumerate(envs) if e == env]
            by_env[env] = ([ids[i] for i in keep], [texts[i] for i in keep], matrix[keep])
        return by_env, len(ids)
