"""Training and test runs: the epoch loop, with a run folder and resume (the episode loop is in
agent/episode.py, the run folder's files in agent/run_folder.py).

A run, as in the paper:

    for epoch in 1..E:
        train  play each training task (from epoch 2 on, skip those solved in epoch 1);
               after each episode the RLEM updater rewrites the memory's Q values
               (--workers N: rounds of N episodes play at once against the memory of the
               round's start — in threads, or on Ray actors with --ray-address — then are
               applied in task order)
        test   play every test task with the memory frozen (N at a time with --concurrency);
               with --test-every N only after every N-th epoch and the last

The run folder (`runs/<name>/`) holds `config.toml` (the settings, to rerun), `episodes.jsonl`
(one line per finished episode, flushed as it ends), `summary.json` (rewritten after every
episode), and by default the memory itself (`memory/`, an embedded Chroma folder).

Resume. Episode ids are `<run name>/<split>/epoch<k>/task<i>`, so they are the same in a resumed
run. A training episode is applied to the memory in three steps: its record and transitions go
to `pending-episode.json`, the updater applies it (idempotent: an episode id it has applied
before changes nothing), then the record is appended to `episodes.jsonl` and the pending file is
removed (with --workers, a whole round goes to the pending file before its first update).
Wherever a run is killed, `--resume` finishes a pending episode from its file, skips
every episode already in `episodes.jsonl` and plays the rest, so the final memory is the one an
uninterrupted run leaves.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tqdm import tqdm

from agent.episode import Episode, play_episode
from agent.errors import AgentError
from agent.policies import NO_LLM
from agent.report import format_summary, scoring_for, summarize
from agent.run_config import EXEMPLAR_SETS, Invocation, RunConfig, parse_task_set
from agent.run_parts import run_policy, set_pass
from agent.run_folder import (
    CONFIG_FILE, PENDING_FILE, SUMMARY_FILE, RunFolder, transitions_from_json, transitions_to_json,
)
from environments import registry
from environments.errors import EnvironmentDataError
from memory_store.records import RetrievedState, State

__all__ = ["CONFIG_FILE", "Runner", "RunFolder", "open_memory", "seed_memory"]

CONNECT_ATTEMPTS = 3  # tries to reach a Chroma server before giving up


def episode_id(run_name: str, split: str, epoch: int, task: int) -> str:
    return f"{run_name}/{split}/epoch{epoch}/task{task}"


# --- the memory -----------------------------------------------------------------------------

class LockedMemory:
    """The store as the policies see it, one retrieval at a time: test episodes may run in
    threads, and the store's in-process indexes are not built for concurrent use."""

    def __init__(self, store: Any):
        self.store = store
        self._lock = threading.Lock()

    def retrieve(self, state: State, *, m: int = 2, lam: float = 0.5) -> list[RetrievedState]:
        with self._lock:
            return self.store.retrieve(state, m=m, lam=lam)

    def count(self) -> int:
        with self._lock:
            return self.store.count()


def open_memory(cfg: RunConfig, token: str | None = None):
    """The experience memory of the run (embedded folder or server, a few tries for a server):
    an `ExperienceStore`, or with --double-q a `DoubleMemory` (either refuses a memory of the
    other kind)."""
    from memory_store.double import DoubleMemory
    from memory_store.embedding import Embedder
    from memory_store.store import ExperienceStore

    path = cfg.memory_path()
    return (DoubleMemory if cfg.double_q else ExperienceStore).open(
        cfg.collection, path=path.resolve() if path is not None else None,
        host=cfg.chroma_host, port=cfg.chroma_port, embedder=Embedder(cfg.embedding_model),
        attempts=CONNECT_ATTEMPTS, token=token)


def seed_memory(store: Any, cfg: RunConfig) -> int:
    """Fill an empty memory from --initial-memory (a double-Q memory: each side; from a
    double-Q export, side by side); returns how many experiences were added."""
    if cfg.initial_memory == "none" or store.count() > 0:
        return 0
    from memory_store.pools import read_pool_sides, write_pool

    if cfg.initial_memory in EXEMPLAR_SETS:
        from agent.exemplars import load_exemplars

        pool = {"": load_exemplars(cfg.env, cfg.initial_memory)}
    else:
        pool = read_pool_sides(Path(cfg.initial_memory), env=cfg.env)
        if not any(pool.values()):
            raise AgentError(f"--initial-memory {cfg.initial_memory} holds no {cfg.env} "
                             "experiences")
    write_pool(store, pool)
    return store.count()


# --- the run --------------------------------------------------------------------------------

class Runner:
    """Runs the passes of one invocation (see the module docstring)."""

    def __init__(self, inv: Invocation, llm: Any, *, out=None):
        self.inv = inv
        self.cfg = cfg = inv.config
        self.spec = registry.spec(cfg.env)
        self.llm = llm
        self.out = out  # None: sys.stdout at the time of printing
        self.folder = RunFolder(Path(cfg.run_dir))
        self.store = None
        self.memory = None
        self.workers = None  # RayWorkers with --ray-address
        self.updater = None
        self.records: list[dict] = []
        self.done: set[str] = set()
        self.skipped: dict[tuple[str, int], int] = {}
        self.start_count = 0
        self._local = threading.local()

    # --- setup ------------------------------------------------------------------------------
    def task_lists(self) -> tuple[list[int], list[int]]:
        """(training tasks, test tasks), each checked against the environment's data."""
        splits = self.spec.splits
        env = self.env()
        lists = []
        for text, flag in ((self.cfg.train_set, "train-set"), (self.cfg.test_set, "test-set")):
            tasks = parse_task_set(text, flag, splits)
            for index in (tasks[0], tasks[-1]):
                try:
                    env.reset(options=self.spec.reset_options(index))
                except EnvironmentDataError as exc:
                    raise AgentError(f"unknown task range --{flag} {text}: {exc}") from None
            lists.append(list(tasks))
        return lists[0], lists[1]

    def env(self) -> Any:
        """This thread's environment (environments are not shared between threads)."""
        if getattr(self._local, "env", None) is None:
            self._local.env = self.spec.make(max_steps=self.cfg.max_steps)
        return self._local.env

    def policy(self, name: str | None = None) -> Any:
        """This thread's policy `name` (default: the run's; a policy keeps the episode's history)."""
        name = name or self.cfg.policy
        policies = self._local.__dict__.setdefault("policies", {})
        if name not in policies:
            policies[name] = run_policy(self.cfg, self.spec, self.llm, self.memory, name)
        return policies[name]

    def open_memory(self) -> None:
        """Connect to the memory (a wrong embedding model or a dead server fails here)."""
        if self.cfg.policy == "rememberer" and self.store is None:
            self.store = open_memory(self.cfg, self.inv.chroma_token)
            self.memory = LockedMemory(self.store)

    def open_workers(self) -> None:
        """Start the Ray workers of a training run with --ray-address (a missing Ray or an
        unreachable cluster fails here, before anything is written)."""
        cfg = self.cfg
        if cfg.ray_address and self.inv.command == "train" and cfg.learns and self.workers is None:
            import os

            from agent.ray_workers import RayWorkers

            # What the workers' LLM would otherwise read from this process's environment.
            api_key = self.inv.api_key or os.environ.get("OPENAI_API_KEY") or None
            cfg = dataclasses.replace(cfg, base_url=cfg.base_url or
                                      os.environ.get("OPENAI_BASE_URL") or None)
            self.workers = RayWorkers(cfg, api_key, cfg.workers)

    def prepare(self) -> None:
        """Seed the memory, read what a resumed run has done, finish a pending episode."""
        cfg = self.cfg
        self.folder.path.mkdir(parents=True, exist_ok=True)
        self.open_memory()
        if self.store is not None:
            if self.inv.command == "train":
                self.updater = self._make_updater()
            before = self.store.count()
            added = seed_memory(self.store, cfg)
            self.start_count = self._previous_start_count() if self.inv.resume else before + added
            if added:
                self._say(f"Memory: started from {cfg.initial_memory} ({added} experiences).")
            elif before and not self.inv.resume:
                self._say(f"Memory: {cfg.memory_location()} already holds {before} experiences; "
                          "the run starts from them (--initial-memory is only for an empty memory).")
        self.records = self.folder.records()
        self.done = {r["episode_id"] for r in self.records}
        pending = self.folder.read_pending()
        # One episode, or a whole round of them (--workers): apply those not logged yet.
        episodes = [Episode(item["record"], transitions_from_json(item["transitions"]))
                    for item in (pending or {}).get("episodes", [pending] if pending else [])
                    if item["record"]["episode_id"] not in self.done]
        if episodes and self.updater is None:
            raise AgentError(f"{self.folder.path} has an unfinished training episode but this "
                             "is not a training run; resume it with `rememberer train`")
        if "episodes" in (pending or {}):
            self._update_round(episodes)
        else:
            for episode in episodes:
                self._update_memory(episode)
        self.folder.clear_pending()

    def _make_updater(self) -> Any:
        cfg = self.cfg
        settings = dict(n_step=cfg.n_step, gamma=cfg.gamma, mode=cfg.update, alpha=cfg.alpha,
                        lam=cfg.effective_lambda)
        if cfg.double_q:
            from memory_store.double import DoubleUpdater

            return DoubleUpdater(self.store, order=cfg.double_q_order, seed=cfg.seed, **settings)
        from memory_store.updater import Updater

        return Updater(self.store, **settings)

    def _previous_start_count(self) -> int:
        try:
            summary = json.loads((self.folder.path / SUMMARY_FILE).read_text(encoding="utf-8"))
            return int(summary["memory"]["experiences_at_start"])
        except (OSError, ValueError, KeyError, TypeError):
            return self.store.count()

    # --- passes -----------------------------------------------------------------------------
    def run(self) -> dict:
        """Play every pass of the run; the summary is printed and written at the end (and marked
        interrupted when the run stops early)."""
        try:
            summary = self._run()
        except BaseException:
            if self.folder.path.is_dir():
                try:
                    self.folder.write_json(SUMMARY_FILE, self.summary(status="interrupted"))
                except Exception:  # noqa: BLE001 - never hide the error that stopped the run
                    pass
            raise
        self.folder.write_json(SUMMARY_FILE, summary)
        self._say("")
        self._say(format_summary(summary))
        return summary

    def _run(self) -> dict:
        cfg = self.cfg
        train_tasks, test_tasks = self.task_lists()
        memory = (cfg.memory_location() if cfg.learns else
                  "(none: fixed exemplars)" if cfg.asks_llm else "(none)")
        self._say(f"Run folder: {self.folder.path}   LLM: {self._llm_name()}   memory: {memory}")
        self.prepare()
        self._load_llm()
        if self.inv.command == "test" or not cfg.learns:
            if self.inv.command == "train":
                self._say(f"The {cfg.policy} policy does not learn: no training, one test pass.")
            self._pass("test", 0, test_tasks)
        else:
            for epoch in range(1, cfg.epochs + 1):
                solved_first = {r["task"] for r in self.records
                                if r["split"] == "train" and r["epoch"] == 1 and r["success"]}
                tasks = [t for t in train_tasks if epoch == 1 or t not in solved_first]
                self._pass("train", epoch, tasks, skipped=len(train_tasks) - len(tasks))
                if epoch in cfg.tested_epochs:
                    self._pass("test", epoch, test_tasks)
        if cfg.compare != "none":  # the same test tasks without the memory: its effect
            self._pass(cfg.compare, 0, test_tasks)
        return self.summary(status="finished")

    def _pass(self, split: str, epoch: int, tasks: list[int], skipped: int = 0) -> None:
        ids = {task: episode_id(self.cfg.name, split, epoch, task) for task in tasks}
        if skipped:
            self.skipped[split, epoch] = skipped
        todo = [task for task in tasks if ids[task] not in self.done]
        mine = [r for r in self.records if r["split"] == split and r["epoch"] == epoch]
        what = ("test (no training)" if split == "test" and epoch == 0 else
                f"epoch {epoch}/{self.cfg.epochs} {split}" if split in ("train", "test") else
                f"{split} on the test tasks")
        bar = tqdm(total=len(tasks), initial=len(tasks) - len(todo), desc=what, unit="episode",
                   file=sys.stderr, disable=not self.inv.progress, dynamic_ncols=True)
        bar.set_postfix_str(_running(mine, self.cfg.env) + (f", {skipped} solved before, skipped"
                                                              if skipped else ""))
        try:
            for episode in self._episodes(split, epoch, tasks, todo, ids):
                mine.append(episode.record)
                bar.set_postfix_str(_running(mine, self.cfg.env), refresh=False)
                bar.update(1)
        finally:
            bar.close()

    def _episodes(self, split: str, epoch: int, tasks: list[int], todo: list[int],
                  ids: dict[int, str]) -> Iterator[Episode]:
        """Play the pass's remaining episodes, each applied to the memory (training) and recorded
        before it is yielded. With --workers N, training goes in synchronous rounds: N tasks
        (cut from the whole pass, so a resumed run has the same rounds) play at once against
        the memory as it stood at the round's start, then the round is applied in task order."""
        if split != "train" or (self.cfg.workers == 1 and self.workers is None):
            for episode in self._play_all(split, epoch, todo, ids):
                if split == "train":
                    self._apply(episode)
                else:
                    self._finish(episode)
                yield episode
            return
        left = set(todo)
        size = self.cfg.workers
        for start in range(0, len(tasks), size):
            round_tasks = [task for task in tasks[start:start + size] if task in left]
            if round_tasks:
                played = self._play_round(split, epoch, round_tasks, ids)
                self._apply_round(played)
                yield from played

    def _play_round(self, split: str, epoch: int, tasks: list[int],
                    ids: dict[int, str]) -> list[Episode]:
        """A round's episodes, in task order, played against the memory as it stands now: in
        threads, or by the Ray workers against a snapshot of it."""
        with self._round_embeddings(self._task_texts(tasks)) as vectors:
            if self.workers is not None:
                snapshot = self.store.snapshot(self.cfg.env, vectors, self.cfg.embedding_model)
                return self.workers.play(snapshot, tasks, ids, split, epoch)
            return list(self._play_all(split, epoch, tasks, ids, workers=self.cfg.workers))

    @contextlib.contextmanager
    def _round_embeddings(self, texts: list[str]) -> Iterator[dict]:
        """Embed a round's task texts (Store.embed_queries: threads and Ray workers get the same
        vectors). When retrieval compares task embeddings this happens before the round plays
        and yields the vectors; otherwise they are only needed by the writes after the round,
        so they are computed while it plays (torch leaves the interpreter to the players)."""
        env = self.cfg.env
        if self.spec.similarity.pattern_similarity is None:
            yield self.store.embed_queries(env, texts)
            return
        self.store.task_index(env)  # read now, not beside the players' retrievals
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as pool:
            job = pool.submit(self.store.embed_queries, env, texts)
            yield {}
            job.result()

    def _task_texts(self, tasks: list[int]) -> list[str]:
        """The task text of each task (as its first state will carry it), distinct, in order."""
        env = self.env()
        return list(dict.fromkeys(self.spec.task_of(env.reset(options=self.spec.reset_options(t))[1])
                                  for t in tasks))

    def _play_all(self, split: str, epoch: int, tasks: list[int], ids: dict[int, str],
                  workers: int | None = None) -> Iterator[Episode]:
        """Episodes in task order; test passes with --concurrency N play N at a time (the memory
        is frozen then), still yielded in task order."""
        def play(task: int) -> Episode:
            # A pass is named for its split, or (a --compare pass) for the policy it plays.
            policy = self.policy(None if split in ("train", "test") else split)
            set_pass(policy, split, self.cfg)
            return play_episode(self.spec, self.env(), policy, task, episode=ids[task],
                                split=split, epoch=epoch)

        if workers is None:
            workers = self.cfg.concurrency if split != "train" else 1
        if workers == 1 or len(tasks) < 2:
            for task in tasks:
                yield play(task)
            return
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="episode")
        try:
            futures = [pool.submit(play, task) for task in tasks]
            for future in futures:  # in task order, so the episode log is the same every run
                yield future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _apply(self, episode: Episode) -> None:
        """Write a training episode into the memory, crash-safe (see the module docstring)."""
        self.folder.write_json(PENDING_FILE, _pending(episode))
        self._update_memory(episode)
        self.folder.clear_pending()

    def _apply_round(self, episodes: list[Episode]) -> None:
        """A round of training episodes: all saved as pending first (so a resumed run applies
        exactly these, not replays against a memory already part-updated), then applied in order."""
        self.folder.write_json(PENDING_FILE, {"episodes": [_pending(e) for e in episodes]})
        self._update_round(episodes)
        self.folder.clear_pending()

    def _update_round(self, episodes: list[Episode]) -> None:
        """Apply a round's episodes in order with one read and one write of the memory (the
        memory applying them one by one leaves; see Updater.apply_round), then log them."""
        reports = self.updater.apply_round([(e.record["episode_id"], e.transitions)
                                            for e in episodes], **self._numbered())
        self._finish(*episodes, reports=reports)

    def _update_memory(self, episode: Episode) -> None:
        report = self.updater.apply(episode.record["episode_id"], episode.transitions, ended=True,
                                    **self._numbered())
        self._finish(episode, reports=[report])

    def _numbered(self, offset: int = 0) -> dict:
        """Double Q-learning: the side follows the episode's number among the run's training
        episodes, which counts the records written so far, so a resumed run gets it again."""
        return ({"index": offset + sum(r["split"] == "train" for r in self.records)}
                if self.cfg.double_q else {})

    def _finish(self, *episodes: Episode, reports: list | None = None) -> None:
        """Log finished episodes (with what their updates did) and rewrite the summary."""
        for episode, report in zip(episodes, reports or [None] * len(episodes)):
            if report is not None:
                episode.record["memory_update"] = {"applied": report.applied, "updated": report.updated,
                                                   "added": report.added, "dropped": report.dropped}
                if report.side:
                    episode.record["memory_update"]["side"] = report.side
        self.folder.append(*(episode.record for episode in episodes))
        for episode in episodes:
            self.records.append(episode.record)
            self.done.add(episode.record["episode_id"])
        self.folder.write_json(SUMMARY_FILE, self.summary(status="running"))

    # --- output -----------------------------------------------------------------------------
    def summary(self, *, status: str) -> dict:
        cfg = self.cfg
        memory = None
        if self.store is not None:
            memory = {"location": cfg.memory_location(), "collection": cfg.collection,
                      "embedding_model": self.store.embedder.name,
                      "experiences_at_start": self.start_count,
                      "experiences": self.memory.count()}
        return summarize(self.records, run=cfg.name, run_dir=cfg.run_dir,
                         command=self.inv.command, status=status, env=cfg.env, policy=cfg.policy,
                         llm=self._llm_name(), memory=memory, settings=dataclasses.asdict(cfg),
                         skipped=self.skipped)

    def _llm_name(self) -> str:
        return self.llm.name if self.cfg.asks_llm else NO_LLM

    def _load_llm(self) -> None:
        if not self.cfg.asks_llm:  # a random-policy run: no model to load
            return
        load = getattr(self.llm, "load", None)
        if callable(load) and getattr(self.llm, "_model", True) is None:
            self._say("Loading the local LLM (the first time it is converted, about a minute) ...")
            load()

    def _say(self, text: str) -> None:
        print(text, file=self.out or sys.stdout, flush=True)

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()
            self.workers = None
        if self.store is not None:
            self.store.close()


def _pending(episode: Episode) -> dict:
    return {"record": episode.record, "transitions": transitions_to_json(episode.transitions)}


def _running(records: list[dict], env: str) -> str:
    if not records:
        return "no episodes yet"
    wins = sum(bool(r["success"]) for r in records)
    score = sum(r["score"] for r in records) / len(records)
    return (f"success {wins}/{len(records)} ({100 * wins / len(records):.0f}%), "
            f"{scoring_for(env).score_label} {score:.2f}")
