"""Exact retrieval: the m stored states with the highest s = λ·f_g + (1-λ)·f_o.

States of one group (one task when f_g compares task embeddings, one pattern label when the
environment's spec compares patterns instead) share f_g. f_g is computed exactly for every group (a matrix product over the distinct task
embeddings), groups are visited in decreasing f_g, and the search stops once even a perfect
f_o = 1 in the next group, λ·f_g + (1-λ), could not beat (or tie) the m-th best score found. The
answer is then the same as scoring every stored state, which `brute_force_retrieve` does for
tests and benchmarks.

Ties go to the state with more visits, then to the older state (the one whose first row was
written first: `records.state_order`), then to the smaller state id
(`environments.ranking`). Older-first is the
original's rule: it sorted candidates by (score, visits) with a stable sort over its records in
insertion order. The agent's exemplars and the updater's bootstrap state use this one order.
The order in which groups of equal f_g are visited does not matter: a group is skipped only when
it cannot even tie the m-th best score.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from environments.ranking import ranked, top_indices
from environments.registry import spec
from environments.spec import Similarity
from memory_store.errors import MemoryStoreError
from memory_store.records import RetrievedState, State
from memory_store.rows import action_record, best_actions_first, row_to_experience

# `store` below is a `memory_store.store.ExperienceStore` (not imported: the store imports this).


def _check(m: int, lam: float) -> None:
    if m < 1:
        raise MemoryStoreError(f"m must be at least 1, got {m}")
    if not 0.0 <= lam <= 1.0:
        raise MemoryStoreError(f"lambda must be between 0 and 1, got {lam}")


def task_similarities(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine similarity of each stored task to the query (all vectors normalised).

    einsum's own loop, not BLAS: a matrix-vector product this small costs ~6 ms in threaded
    BLAS (waking threads beside torch's) against ~0.3 ms single-threaded at 1,500 tasks.
    """
    return np.einsum("ij,j->i", matrix, np.asarray(query, dtype=np.float64))


def _groups(store, state: State, similarity: Similarity,
            patterns: Iterable[str]) -> Iterator[tuple[float, str, str]]:
    """(f_g, metadata key, value) for each group of stored states, best f_g first; `patterns`
    are the stored pattern labels (used when f_g compares patterns)."""
    if similarity.pattern_similarity is not None:
        query = similarity.pattern(state)
        f_g = {p: similarity.pattern_similarity(query, p) for p in patterns}
        yield from ((f_g[p], "pattern", p) for p in ranked(f_g, score=f_g.get, ident=str))
        return
    ids, _, matrix = store.task_index(state.env)
    if not ids:
        return
    sims = task_similarities(matrix, store.task_embedding(state.task))
    for i in top_indices(sims):
        yield float(sims[i]), "task_id", ids[i]


def _rank(found: Iterable[RetrievedState], m: int | None = None) -> list[RetrievedState]:
    best = ranked(found, score=lambda r: (r.score, r.visits), ident=lambda r: (*r.order, r.state_id),
                  k=m)
    for entry in best:
        entry.actions = best_actions_first(entry.actions)
    return best


def retrieve(store, state: State, *, m: int = 2, lam: float = 0.5) -> list[RetrievedState]:
    """The `m` most similar stored states of `state.env`, best first, with all their actions.

    Ranking runs on the store's in-process state index; only the winners' rows are read from
    Chroma, so their Q values, visits and reasons are always current.
    """
    _check(m, lam)
    similarity = spec(state.env).similarity
    index = store.state_index()
    query_key = similarity.observation_key(state)
    f_o_of: dict = {}
    scored: dict[str, tuple[float, int, float, float]] = {}  # id -> (s, visits, f_g, f_o)
    best: list[str] = []
    for f_g, key, value in _groups(store, state, similarity, index.patterns(state.env)):
        if len(best) >= m and scored[best[m - 1]][0] > lam * f_g + (1.0 - lam):
            break  # nothing in this or any later group can reach the m-th best score
        members = index.group(state.env, key, value)
        for state_id in members:
            entry = index.states[state_id]
            if entry.key not in f_o_of:
                f_o_of[entry.key] = similarity.observation_similarity(query_key, entry.key)
            f_o = f_o_of[entry.key]
            scored[state_id] = (lam * f_g + (1.0 - lam) * f_o, entry.visits, f_g, f_o)
        best = ranked([*best, *members], score=lambda i: scored[i][:2],
                      ident=lambda i: (*index.states[i].order, i), k=m)
    return _fetch(store, best, scored, index)


def _fetch(store, state_ids: list[str], scored: dict,
           index) -> list[RetrievedState]:
    """Assemble the winners in rank order, from the index's copy when this store is the only
    writer, else from fresh Chroma rows."""
    if not state_ids:
        return []
    if store.exclusive:
        rows = [(row_id, index.states[state_id].document, meta) for state_id in state_ids
                for row_id, meta in index.states[state_id].rows.items()]
    else:
        rows = store.rows([row for state_id in state_ids for row in index.row_ids(state_id)])
    found: dict[str, RetrievedState] = {}
    for row_id, document, meta in rows:
        state_id = meta["state_id"]
        if state_id not in found:
            stored = row_to_experience(document, meta)
            score, _, f_g, f_o = scored[state_id]
            found[state_id] = RetrievedState(state=stored.state, pattern=stored.pattern,
                                             f_g=f_g, f_o=f_o, score=score)
        found[state_id].actions.append(action_record(row_id, meta))
    for entry in found.values():
        entry.actions = best_actions_first(entry.actions)
    return [found[i] for i in state_ids if i in found]


def brute_force_retrieve(store, state: State, *, m: int = 2, lam: float = 0.5,
                         ) -> list[RetrievedState]:
    """Score every stored state of the env straight from Chroma, no index and no pruning: the
    reference that `retrieve` must equal."""
    _check(m, lam)
    similarity = spec(state.env).similarity
    if similarity.pattern_similarity is not None:
        query_pattern = similarity.pattern(state)
        f_g_of = lambda meta: similarity.pattern_similarity(query_pattern, meta["pattern"])  # noqa: E731
    else:
        by_task = {value: f_g for f_g, _, value in _groups(store, state, similarity, ())}
        f_g_of = lambda meta: by_task[meta["task_id"]]  # noqa: E731
    query_key = similarity.observation_key(state)
    found: dict[str, RetrievedState] = {}
    for row_id, document, meta in store.iter_rows({"env": state.env}):
        if meta["state_id"] not in found:
            stored = row_to_experience(document, meta)
            f_g = f_g_of(meta)
            f_o = similarity.observation_similarity(query_key,
                                                    similarity.observation_key(stored.state))
            found[meta["state_id"]] = RetrievedState(
                state=stored.state, pattern=stored.pattern, f_g=f_g, f_o=f_o,
                score=lam * f_g + (1.0 - lam) * f_o)
        found[meta["state_id"]].actions.append(action_record(row_id, meta))
    return _rank(found.values(), m)
