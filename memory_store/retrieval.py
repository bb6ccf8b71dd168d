"""Exact retrieval: the m stored states with the highest s = λ·f_g + (1-λ)·f_o.

States of one group (one task for embedding f_g, one instruction kind for WikiHow's f_g) share
f_g. Groups are visited in decreasing f_g, and the search stops once even a perfect f_o = 1 in
the next group, λ·f_g + (1-λ), could not beat (or tie) the m-th best score found: the answer is
then the same as scoring every stored state, which `brute_force_retrieve` does for tests and
benchmarks. Ties go to the state with more visits, then to the smaller state id.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from memory_store.errors import MemoryStoreError
from memory_store.records import RetrievedState, State
from memory_store.similarity import INSTRUCTION_KINDS, Matchers, instruction_similarity, matchers_for
from memory_store.store import ExperienceStore, action_record, row_to_experience

_FIRST_BATCH = 4  # groups fetched by the first Chroma call; doubles after each call


def _check(m: int, lam: float) -> None:
    if m < 1:
        raise MemoryStoreError(f"m must be at least 1, got {m}")
    if not 0.0 <= lam <= 1.0:
        raise MemoryStoreError(f"lambda must be between 0 and 1, got {lam}")


def task_similarities(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine similarity of each stored task to the query (all vectors normalised)."""
    return matrix @ np.asarray(query, dtype=np.float64)


def _groups(store: ExperienceStore, state: State, matchers: Matchers) -> list[tuple[float, dict]]:
    """(f_g, Chroma where-filter) per group of stored states, best f_g first."""
    if matchers.task_similarity == "instruction":
        kind = matchers.pattern(state)
        kinds = sorted((*INSTRUCTION_KINDS, "unknown"), key=lambda k: -instruction_similarity(kind, k))
        return [(instruction_similarity(kind, k), {"pattern": k}) for k in kinds]
    ids, _, matrix = store.task_index(state.env)
    if not ids:
        return []
    sims = task_similarities(matrix, store.task_embedding(state.task))
    order = np.argsort(-sims, kind="stable")
    return [(float(sims[i]), {"task_id": ids[i]}) for i in order]


def _where(env: str, filters: list[dict]) -> dict:
    key = next(iter(filters[0]))
    values = [f[key] for f in filters]
    return {"$and": [{"env": env}, {key: {"$in": values}}]}


def _score_rows(rows: dict, f_g_of: dict, key: str, state: State, matchers: Matchers, lam: float,
                found: dict[str, RetrievedState], sim_cache: dict) -> None:
    """Turn fetched rows into scored states (one RetrievedState per state id)."""
    query_key = matchers.observation_key(state)
    for row_id, document, meta in zip(rows["ids"], rows["documents"], rows["metadatas"]):
        state_id = meta["state_id"]
        entry = found.get(state_id)
        if entry is None:
            stored = row_to_experience(document, meta)
            obs_key = matchers.observation_key(stored.state)
            if obs_key not in sim_cache:
                sim_cache[obs_key] = matchers.observation_similarity(query_key, obs_key)
            f_g, f_o = f_g_of[meta[key]], sim_cache[obs_key]
            entry = RetrievedState(state=stored.state, pattern=stored.pattern, f_g=f_g, f_o=f_o,
                                   score=lam * f_g + (1.0 - lam) * f_o)
            found[state_id] = entry
        entry.actions.append(action_record(row_id, meta))


def _rank(found: Iterable[RetrievedState]) -> list[RetrievedState]:
    ranked = sorted(found, key=lambda r: (-r.score, -r.visits, r.state_id))
    for entry in ranked:
        entry.actions.sort(key=lambda a: (-a.q, a.action))
    return ranked


def retrieve(store: ExperienceStore, state: State, *, m: int = 2, lam: float = 0.5,
             matchers: Matchers | None = None) -> list[RetrievedState]:
    """The `m` most similar stored states of `state.env`, best first, with all their actions."""
    _check(m, lam)
    matchers = matchers or matchers_for(state.env)
    groups = _groups(store, state, matchers)
    found: dict[str, RetrievedState] = {}
    sim_cache: dict = {}
    position, batch = 0, _FIRST_BATCH
    while position < len(groups):
        ranked = _rank(found.values())
        bound = lam * groups[position][0] + (1.0 - lam)
        if len(ranked) >= m and ranked[m - 1].score > bound:
            break  # no state in the remaining groups can reach the m-th best score
        chunk = groups[position:position + batch]
        key = next(iter(chunk[0][1]))
        f_g_of = {flt[key]: f_g for f_g, flt in chunk}
        rows = store.collection.get(where=_where(state.env, [flt for _, flt in chunk]),
                                    include=["documents", "metadatas"])
        _score_rows(rows, f_g_of, key, state, matchers, lam, found, sim_cache)
        position += len(chunk)
        batch *= 2
    return _rank(found.values())[:m]


def brute_force_retrieve(store: ExperienceStore, state: State, *, m: int = 2, lam: float = 0.5,
                         matchers: Matchers | None = None) -> list[RetrievedState]:
    """Score every stored state of the env, no pruning: the reference `retrieve` must equal."""
    _check(m, lam)
    matchers = matchers or matchers_for(state.env)
    groups = _groups(store, state, matchers)
    if not groups:
        return []
    key = next(iter(groups[0][1]))
    f_g_of = {flt[key]: f_g for f_g, flt in groups}
    rows = store.collection.get(where={"env": state.env}, include=["documents", "metadatas"])
    found: dict[str, RetrievedState] = {}
    _score_rows(rows, f_g_of, key, state, matchers, lam, found, {})
    return _rank(found.values())[:m]
