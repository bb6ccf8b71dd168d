"""A frozen copy of what retrieval reads, for episodes played in other processes (Ray workers).

A snapshot holds a store's state index (every state's group, observation signature, visits,
place in insertion order and rows), its task index for one environment (task ids, texts and
embeddings) and the embeddings of the task texts the coming episodes will query, computed by the
store's own embedder. `retrieve` runs the store's own code (`retrieval.retrieve`) over that data,
so an episode played against a snapshot gets exactly the exemplars it would get from the store at
the moment the snapshot was taken. It is plain data: it pickles, and needs neither Chroma nor an
embedding model — unless an episode queries a task text that was not given when the snapshot was
taken; that text is then embedded where the snapshot is, with the memory's model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from memory_store.records import RetrievedState, State
from memory_store.retrieval import retrieve
from memory_store.state_index import StateIndex


@dataclass
class MemorySnapshot:
    index: StateIndex
    env: str
    tasks: tuple[list[str], list[str], np.ndarray]  # task index of `env` (store.task_index)
    vectors: dict[str, np.ndarray]  # task text -> embedding, as the store's embedder made it
    embedding_model: str | None = None  # for a text not in `vectors` (None: the bundled model)
    _embedder: object = field(default=None, repr=False)

    exclusive = True  # nobody writes to a snapshot: retrieval may serve the index's row copies

    def state_index(self) -> StateIndex:
        return self.index

    def task_index(self, env: str) -> tuple[list[str], list[str], np.ndarray]:
        if env == self.env:
            return self.tasks
        return [], [], np.zeros((0, self.tasks[2].shape[1]))

    def task_embedding(self, task: str) -> np.ndarray:
        vector = self.vectors.get(task)
        if vector is None:
            if self._embedder is None:
                from memory_store.embedding import Embedder

                self._embedder = Embedder(self.embedding_model)
            vector = self.vectors[task] = self._embedder.encode_one(task)
        return vector

    def retrieve(self, state: State, *, m: int = 2, lam: float = 0.5) -> list[RetrievedState]:
        return retrieve(self, state, m=m, lam=lam)


# `memory` below is an ExperienceStore or a DoubleMemory (not imported: both import this).

def embed_queries(memory, env: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """The embeddings of `texts` (see `ExperienceStore.embed_queries`), also left in the
    memory's embedder: a stored task's stored vector, the others encoded afresh in one batch."""
    _, stored, matrix = memory.task_index(env)
    known = {text: matrix[i].astype(np.float32) for i, text in enumerate(stored)}
    wanted = list(dict.fromkeys(texts))
    fresh = [text for text in wanted if text not in known]
    if fresh:
        memory.embedder.encode(fresh, fresh=True)
    for text in wanted:
        if text in known:
            memory.embedder.remember(text, known[text])  # the vector it was stored with
    return {text: memory.embedder.encode_one(text) for text in wanted}


def take_snapshot(memory, env: str, vectors: dict[str, np.ndarray],
                  embedding_model: str | None) -> MemorySnapshot:
    return MemorySnapshot(memory.state_index(), env, memory.task_index(env), dict(vectors),
                          embedding_model)
