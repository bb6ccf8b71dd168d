"""RLEM: the Q updater that rewrites the experience memory after (or during) an episode.

An episode is a list of `Transition`s: at step t the agent saw `state` s_t, took `action` a_t and
then received `reward` r_{t+1}. For each step the updater computes a return G_t and moves the
stored Q(s_t, a_t) towards it.

Returns (T = number of steps):
- Monte Carlo (default, `n_step=None`, what the published runs used):
  G_t = Σ_{k=0}^{T-1-t} γ^k · r_{t+1+k}; with the default γ = 1, no bootstrap.
- n-step (`n_step=n ≥ 1`): G_t = Σ_{k<n} γ^k · r_{t+1+k} + γ^n · V(s_{t+n}) while t+n < T,
  where V(s) is the highest Q among the recorded actions of s when s is stored, else among the
  recorded actions of the most similar stored state (the retrieval ranking: score
  s = λ·f_g + (1-λ)·f_o, then more visits, then the older state, top 1), else 0. When t+n ≥ T
  the return is truncated at the end of the episode (the sum of the remaining discounted
  rewards, no bootstrap).

  As in the original, (s_t, a_t) is recorded *before* V(s_{t+n}) is looked up: a new pair is
  created (Q = 0) and its visit is counted, then the bootstrap state is found, then Q moves. So
  s_t itself is a candidate — with its old Q and its new visit count — and a loop back to s_t
  (s_{t+n} = s_t) bootstraps from s_t's own actions.

Double Q-learning (`reference` set: the other side of a double-Q memory, see double.py): V(s)
is read from the reference instead — the highest Q of s there, else of the state the reference
ranks first for s, else 0. The episode writes only its own side, so no step of it changes the
values its bootstraps read.

`ended=False` (an episode broken off, not finished, e.g. by an error) means the steps whose
return would need rewards or states after the last transition get no update: with Monte Carlo
that is every step; with n-step, the last n steps.

Averaging: `mean` (default): visits += 1; Q += (G - Q) / visits. `const`: visits += 1;
Q += α·(G - Q). An experience new to the memory starts at Q = 0, visits = 0; it is added first
and then updated. Steps are updated in order, so a pair visited twice in one episode is updated
twice (every-visit), and a bootstrap sees the updates of the earlier steps.

Timing. `Updater.apply` takes a whole episode: one read of the rows of the episode's states,
one add of the new rows, one batched update — never a write per transition. With `n_step` set,
`Updater.start_episode` gives an `EpisodeSession` that applies the update of step t as soon as
step t+n has been observed (the issue's "updates applied as soon as t+n is reached"): it reads
and writes once per step, and `finish()` applies the remaining truncated returns. Both give the
same numbers: `apply` keeps the rows it has changed but not yet written as an overlay that the
bootstrap sees, exactly as the online session sees them in Chroma.

Idempotency. Every episode has an id. A finished episode is recorded in the companion collection
`<name>.episodes` (the ledger); applying it again changes nothing. Every row an update touches
also gets `last_episode` and `last_step` in its metadata, in the same write as the new Q, so an
update already written is recognised and skipped even if the process died before the ledger
write (or, online, in the middle of an episode).

Capacity (both off by default), enforced when an episode finishes: at most K actions per state
(`max_actions_per_state`; the one with the lowest immediate reward goes first, then — like the
original, which made room before inserting — actions this episode did not touch before those it
did, then the oldest) and at most M states (`max_states`; the state with the fewest visits goes
first, then untouched before touched, then the oldest). The state limit scans the metadata of
the whole collection once per episode.

Other metadata: the latest non-empty reason is kept (action identity is the normalised action
string, not action + reason); `reward` is the latest immediate reward; the row's history,
last_reward and total_reward become the latest seen; `provenance` of a new row is the episode id.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from environments.ranking import best, ranked
from environments.registry import spec
from memory_store.errors import MemoryStoreError
from memory_store.records import (
    Experience, State, Transition, experience_id, normalize_action, state_order,
)
from memory_store.retrieval import task_similarities
from memory_store.rows import experience_metadata, pattern_of, row_to_experience
from memory_store.store import ExperienceStore


@dataclass
class UpdateReport:
    """What one episode did to the memory."""

    episode_id: str
    applied: bool = True  # False: the ledger already had this episode; nothing changed
    resumed: bool = False  # some rows already carried this episode's updates (crash + resume)
    steps: int = 0  # transitions in the episode
    updated: int = 0  # Q updates written (one per updated step)
    added: int = 0  # experiences new to the memory
    dropped: int = 0  # experiences removed by the capacity limits
    returns: list[float | None] = field(default_factory=list)  # G_t per step, None: no update
    side: str = ""  # double Q-learning: the side ("a" or "b") the episode went to


@dataclass
class _Row:
    """One experience row as the session sees it (memory value plus this episode's changes)."""

    id: str
    exp: Experience
    last_episode: str = ""
    last_step: int = -1
    stored: bool = True  # present in Chroma (False: created by this episode, not yet added)
    touched: bool = False  # updated by this episode
    created: int = 0  # for a row not yet added: its place among the rows this episode created


def _order(rows: Iterable[_Row]) -> tuple[int, int]:
    """The insertion order of a state seen with this episode's unwritten rows: a state with a
    stored row keeps its place; a state whose first row is about to be written comes after
    every stored state (group 1: the store will number it next), in creation order."""
    rows = list(rows)
    stored = state_order(r.exp.seq for r in rows if r.stored)
    created = [r.created for r in rows if not r.stored]
    if stored[0] == 0 or not created:
        return stored
    return (1, min(created))


class Updater:
    """Applies episodes to an `ExperienceStore` (see the module docstring for the rules)."""

    def __init__(
        self,
        store: ExperienceStore,
        *,
        n_step: int | None = None,
        gamma: float = 1.0,
        mode: Literal["mean", "const"] = "mean",
        alpha: float = 0.1,
        max_actions_per_state: int | None = None,
        max_states: int | None = None,
        lam: float = 0.5,
        reference: ExperienceStore | None = None,
    ):
        if n_step is not None and n_step < 1:
            raise MemoryStoreError(
                f"n_step must be at least 1 (or unset for Monte Carlo), got {n_step}")
        if not 0.0 <= gamma <= 1.0:
            raise MemoryStoreError(f"gamma must be between 0 and 1, got {gamma}")
        if mode not in ("mean", "const"):
            raise MemoryStoreError(f"update mode must be 'mean' or 'const', got {mode!r}")
        if not 0.0 < alpha <= 1.0:
            raise MemoryStoreError(f"alpha must be in (0, 1], got {alpha}")
        for name, limit in (("max_actions_per_state", max_actions_per_state),
                            ("max_states", max_states)):
            if limit is not None and limit < 1:
                raise MemoryStoreError(f"{name} must be at least 1 (or unset), got {limit}")
        if not 0.0 <= lam <= 1.0:
            raise MemoryStoreError(f"lambda must be between 0 and 1, got {lam}")
        if reference is store:
            raise MemoryStoreError("the reference of double Q-learning must be the other side")
        self.store = store
        self.reference = reference  # where bootstraps read V (None: the store itself)
        self.n_step = n_step
        self.gamma = float(gamma)
        self.mode = mode
        self.alpha = float(alpha)
        self.max_actions_per_state = max_actions_per_state
        self.max_states = max_states
        self.lam = float(lam)

    def apply(self, episode_id: str, transitions: Sequence[Transition],
              ended: bool) -> UpdateReport:
        """Apply a whole episode: one read, one add of new rows, one batched update — all while
        holding the memory for writing, so concurrent writers on a server lose nothing."""
        with self.store.writing():
            session = EpisodeSession(self, episode_id, online=False)
            for transition in transitions:
                session.step(transition)
            return session.finish(ended)

    def start_episode(self, episode_id: str) -> "EpisodeSession":
        """An online session: call `step()` after every environment step, `finish()` at the end.

        With `n_step` set, the update of step t is written as soon as step t+n is observed; with
        Monte Carlo nothing can be computed before the end, so all writes happen in `finish()`.
        """
        return EpisodeSession(self, episode_id, online=True)

    def is_applied(self, episode_id: str) -> bool:
        """True when the ledger records this episode as finished."""
        return self.store.has_episode(episode_id)

    def update_q(self, q: float, visits: int, target: float) -> tuple[float, int]:
        """One averaging step towards the return `target`: the new (Q, visits)."""
        visits += 1
        if self.mode == "mean":
            return q + (target - q) / visits, visits
        return q + self.alpha * (target - q), visits


class EpisodeSession:
    """The updates of one episode in progress. Made by `Updater.apply` / `start_episode`."""

    def __init__(self, updater: Updater, episode_id: str, *, online: bool):
        if not episode_id:
            raise MemoryStoreError("an episode needs a non-empty id")
        self.updater = updater
        self.store = updater.store
        self.episode_id = episode_id
        self.online = online
        self.transitions: list[Transition] = []
        self.report = UpdateReport(episode_id, applied=not updater.is_applied(episode_id))
        self._rows: dict[str, dict[str, _Row]] = {}  # state id -> row id -> row
        self._reference_qs: dict[str, list[float]] = {}  # state id -> its Q values there
        self._dirty: dict[str, _Row] = {}  # changed, not yet written
        self._next_step = 0  # the first step not yet updated
        self._created = 0  # rows this episode has created so far
        self._finished = False

    # --- the episode ------------------------------------------------------------------------

    def step(self, transition: Transition) -> None:
        """Record one step; online with n-step, apply every update that became due."""
        if self._finished:
            raise MemoryStoreError(f"episode {self.episode_id!r} is already finished")
        self.transitions.append(transition)
        self.report.returns.append(None)
        n = self.updater.n_step
        if not self.report.applied or not self.online or n is None:
            return
        with self.store.writing():
            self._reload()
            self._load([t.state for t in self.transitions[self._next_step:]])
            while self._next_step + n < len(self.transitions):
                self._update(self._next_step)
                self._next_step += 1
            self._flush()

    def finish(self, ended: bool = True) -> UpdateReport:
        """Apply the remaining updates, enforce capacity, record the episode in the ledger."""
        if self._finished:
            raise MemoryStoreError(f"episode {self.episode_id!r} is already finished")
        self._finished = True
        self.report.steps = len(self.transitions)
        if not self.report.applied:
            return self.report
        with self.store.writing():
            return self._finish(ended)

    def _finish(self, ended: bool) -> UpdateReport:
        self._reload()
        self._load([t.state for t in self.transitions])
        for step in range(self._next_step, len(self.transitions)):
            if ended or self._bootstraps(step):  # else the rest of the episode is unknown
                self._update(step)
        self._next_step = len(self.transitions)
        self._flush()
        self._enforce_capacity()
        self.store.record_episodes([(self.episode_id, {
            "applied_at": time.time(), "steps": self.report.steps,
            "updated": self.report.updated, "ended": bool(ended),
            "n_step": self.updater.n_step or 0, "mode": self.updater.mode})])
        return self.report

    # --- returns ------------------------------------------------------------------------

    def _reward_sum(self, start: int, stop: int) -> float:
        gamma = self.updater.gamma
        return sum(gamma ** k * self.transitions[start + k].reward for k in range(stop - start))

    def _bootstraps(self, step: int) -> bool:
        n = self.updater.n_step
        return n is not None and step + n < len(self.transitions)

    def _return(self, step: int) -> float:
        if self._bootstraps(step):
            return self._bootstrapped_return(step)
        return self._reward_sum(step, len(self.transitions))  # to the end: no bootstrap

    def _bootstrapped_return(self, step: int) -> float:
        n = self.updater.n_step
        assert n is not None
        value = self._state_value(self.transitions[step + n].state)
        return self._reward_sum(step, step + n) + self.updater.gamma ** n * value

    def _state_value(self, state: State) -> float:
        """max Q over the recorded actions of `state`, else of the most similar stored state."""
        if self.updater.reference is not None:
            return self._reference_value(state)
        rows = self._rows.get(state.state_id)
        if rows:
            return max(row.exp.q for row in rows.values())
        nearest = self._most_similar(state)
        return max(row.exp.q for row in nearest) if nearest else 0.0

    def _reference_value(self, state: State) -> float:
        """V(s) read from the reference (double Q-learning): nothing of this episode is there."""
        qs = self._reference_qs[state.state_id]
        if not qs:
            found = self.updater.reference.retrieve(state, m=1, lam=self.updater.lam)
            qs = [action.q for action in found[0].actions] if found else []
        return max(qs, default=0.0)

    def _most_similar(self, state: State) -> list[_Row]:
        """The rows of the stored state that ranks first for `state` (retrieval's order: score,
        visits, older, state id), seeing this session's unwritten changes."""
        unwritten = {row.exp.state.state_id for row in self._dirty.values()}
        candidates: dict[str, tuple[float, list[_Row]]] = {}
        for found in self.store.retrieve(state, m=1 + len(unwritten), lam=self.updater.lam):
            rows = [_Row(a.id, Experience(found.state, a.action, q=a.q, visits=a.visits,
                                          seq=a.seq)) for a in found.actions]
            candidates[found.state_id] = (found.score, rows)
        for state_id in unwritten:
            rows = list(self._rows[state_id].values())
            score = candidates.get(state_id, (None,))[0]
            if score is None:
                score = self._score(state, rows[0].exp.state)
            candidates[state_id] = (score, rows)
        top = best(candidates.items(), ident=lambda item: (*_order(item[1][1]), item[0]),
                   score=lambda item: (item[1][0], sum(r.exp.visits for r in item[1][1])))
        return top[1][1] if top else []

    def _score(self, query: State, stored: State) -> float:
        """The retrieval score of one stored state (same formula as `retrieval.retrieve`)."""
        similarity = spec(query.env).similarity
        if similarity.pattern_similarity is not None:
            f_g = similarity.pattern_similarity(similarity.pattern(query), similarity.pattern(stored))
        else:
            matrix = np.asarray([self.store.task_embedding(stored.task)], dtype=np.float64)
            f_g = float(task_similarities(matrix, self.store.task_embedding(query.task))[0])
        f_o = similarity.observation_similarity(similarity.observation_key(query),
                                                similarity.observation_key(stored))
        lam = self.updater.lam
        return lam * f_g + (1.0 - lam) * f_o

    # --- rows ---------------------------------------------------------------------------

    def _reload(self) -> None:
        """Forget the rows read before: another process may have written them since (only on a
        shared memory; between writes this session holds no unwritten changes)."""
        if self.online and not self.store.exclusive:
            self._rows.clear()
            self._reference_qs.clear()

    def _load(self, states: Iterable[State]) -> None:
        """Read every stored row of the states not read yet (one Chroma call; and one of the
        reference's, with double Q-learning)."""
        state_ids = list(dict.fromkeys(s.state_id for s in states))
        reference = self.updater.reference
        unread = [s for s in state_ids if s not in self._reference_qs]
        if reference is not None and unread:
            for state_id in unread:
                self._reference_qs[state_id] = []
            for row in reference.rows_of_states(unread):
                self._reference_qs[row.metadata["state_id"]].append(
                    float(row.metadata.get("q", 0.0)))
        wanted = [s for s in state_ids if s not in self._rows]
        if not wanted:
            return
        for state_id in wanted:
            self._rows[state_id] = {}
        for row_id, document, meta in self.store.rows_of_states(wanted):
            row = _Row(row_id, row_to_experience(document, meta),
                       last_episode=str(meta.get("last_episode", "")),
                       last_step=int(meta.get("last_step", -1)))
            self._rows[meta["state_id"]][row_id] = row
            if row.last_episode == self.episode_id:
                self.report.resumed = True

    def _update(self, step: int) -> None:
        """Move Q(s_t, a_t) towards G_t. The pair is recorded and its visit counted first, then
        G_t is computed (so its bootstrap can find s_t), then Q moves (module docstring)."""
        transition = self.transitions[step]
        state = transition.state
        action = normalize_action(transition.action)
        rows = self._rows[state.state_id]
        row_id = experience_id(state.state_id, action)
        row = rows.get(row_id)
        if row is None:
            row = rows[row_id] = _Row(row_id, Experience(state, action, provenance=self.episode_id),
                                      stored=False, created=self._created)
            self._created += 1
        if row.last_episode == self.episode_id and row.last_step >= step:
            return  # written before a crash: do not count it twice
        exp = row.exp
        visits = exp.visits
        exp.visits += 1
        self._dirty[row_id] = row
        target = self._return(step)
        exp.q, exp.visits = self.updater.update_q(exp.q, visits, target)
        exp.reward = float(transition.reward)
        exp.reason = transition.reason or exp.reason
        exp.state = state  # same state id; brings the latest history and rewards
        row.last_episode, row.last_step, row.touched = self.episode_id, step, True
        self.report.returns[step] = target
        self.report.updated += 1

    def _flush(self) -> None:
        """Write the changed rows: add the new ones (Q = 0, visits = 0), then one batched update
        of every changed row with its new values and the episode marker."""
        if not self._dirty:
            return
        now = time.time()
        rows = list(self._dirty.values())
        new = [row for row in rows if not row.stored]
        if new:
            for row in new:
                row.exp.created_at = row.exp.created_at or now
            blanks = [dataclasses.replace(row.exp, q=0.0, visits=0) for row in new]
            self.store.add(blanks)
            for row, blank in zip(new, blanks):
                row.stored, row.exp.seq = True, blank.seq
            self.report.added += len(new)
        metadatas = []
        for row in rows:
            row.exp.updated_at = now
            meta = experience_metadata(row.exp, pattern_of(row.exp.state))
            meta.update(last_episode=row.last_episode, last_step=row.last_step)
            metadatas.append(meta)
        self.store.update_metadata([row.id for row in rows], metadatas)
        self._dirty.clear()

    # --- capacity -----------------------------------------------------------------------

    def _enforce_capacity(self) -> None:
        victims: list[str] = []
        limit = self.updater.max_actions_per_state
        touched_states = {row.exp.state.state_id for rows in self._rows.values()
                          for row in rows.values() if row.touched}
        if limit is not None:
            for state_id in sorted(touched_states):
                rows = ranked(self._rows[state_id].values(), lowest_first=True, ident=lambda r: r.id,
                              score=lambda r: (r.exp.reward, r.touched, r.exp.created_at))
                victims += [row.id for row in rows[:max(0, len(rows) - limit)]]
        if victims:
            self._drop(victims)
        if self.updater.max_states is not None:
            victims = self._surplus_states(touched_states)
            if victims:
                self._drop(victims)

    def _surplus_states(self, touched_states: set[str]) -> list[str]:
        """Row ids of the states beyond `max_states` (fewest visits, then oldest, go first)."""
        states: dict[str, list] = {}  # state id -> [visits, oldest created_at, row ids]
        for row_id, _, meta in self.store.iter_rows(documents=False):
            entry = states.setdefault(meta["state_id"], [0, float("inf"), []])
            entry[0] += int(meta.get("visits", 0))
            entry[1] = min(entry[1], float(meta.get("created_at", 0.0)))
            entry[2].append(row_id)
        surplus = len(states) - self.updater.max_states
        if surplus <= 0:
            return []
        order = ranked(states, lowest_first=True, ident=lambda s: s,
                       score=lambda s: (states[s][0], s in touched_states, states[s][1]))
        return [row_id for state_id in order[:surplus] for row_id in states[state_id][2]]

    def _drop(self, row_ids: list[str]) -> None:
        self.report.dropped += self.store.delete(row_ids)
        gone = set(row_ids)
        for rows in self._rows.values():
            for row_id in gone & rows.keys():
                del rows[row_id]
