"""Training and test runs: the episode loop and the epoch loop, with a run folder and resume.

A run, as in the paper:

    for epoch in 1..E:
        train  play each training task (from epoch 2 on, skip those solved in epoch 1);
               after each episode the RLEM updater rewrites the memory's Q values
        test   play every test task with the memory frozen (N at a time with --concurrency)

The run folder (`runs/<name>/`) holds `config.toml` (the settings, to rerun), `episodes.jsonl`
(one line per finished episode, flushed as it ends), `summary.json` (rewritten after every
episode), and by default the memory itself (`memory/`, an embedded Chroma folder).

Resume. Episode ids are `<run name>/<split>/epoch<k>/task<i>`, so they are the same in a resumed
run. A training episode is applied to the memory in three steps: its record and transitions go
to `pending-episode.json`, the updater applies it (idempotent: an episode id it has applied
before changes nothing), then the record is appended to `episodes.jsonl` and the pending file is
removed. Wherever a run is killed, `--resume` finishes a pending episode from its file, skips
every episode already in `episodes.jsonl` and plays the rest, so the final memory is the one an
uninterrupted run leaves.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from agent.errors import AgentError
from agent.profiles import EnvProfile, get_profile
from agent.run_config import EXEMPLAR_SETS, Invocation, RunConfig, parse_task_set
from agent.report import format_summary, scoring_for, summarize
from environments.errors import EnvironmentDataError
from memory_store.errors import MemoryStoreError
from memory_store.records import RetrievedState, State, Transition

EPISODES_FILE = "episodes.jsonl"
SUMMARY_FILE = "summary.json"
CONFIG_FILE = "config.toml"
PENDING_FILE = "pending-episode.json"
CONNECT_ATTEMPTS = 3  # tries to reach a Chroma server before giving up


def episode_id(run_name: str, split: str, epoch: int, task: int) -> str:
    return f"{run_name}/{split}/epoch{epoch}/task{task}"


# --- the run folder -------------------------------------------------------------------------

class RunFolder:
    """The files of one run. Episode records are appended and flushed one by one."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def episodes_path(self) -> Path:
        return self.path / EPISODES_FILE

    def has_run(self) -> bool:
        return (self.path / CONFIG_FILE).exists() or self.episodes_path.exists()

    def records(self) -> list[dict]:
        """The finished episodes. A last line cut short by a crash is dropped from the file."""
        if not self.episodes_path.exists():
            return []
        raw = self.episodes_path.read_bytes()
        records, good_bytes = [], 0
        for line in raw.splitlines(keepends=True):
            try:
                if not line.endswith(b"\n"):
                    raise ValueError("unterminated line")
                records.append(json.loads(line))
            except ValueError:
                break
            good_bytes += len(line)
        if good_bytes < len(raw):
            with open(self.episodes_path, "r+b") as handle:
                handle.truncate(good_bytes)
        return records

    def append(self, record: dict) -> None:
        with open(self.episodes_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def write_json(self, name: str, data: Any) -> None:
        """Replace a JSON file atomically (a crash never leaves half of it)."""
        temp = self.path / f".{name}.tmp"
        temp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temp, self.path / name)

    def read_pending(self) -> dict | None:
        path = self.path / PENDING_FILE
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None  # torn before it was complete: the episode was not applied yet

    def clear_pending(self) -> None:
        (self.path / PENDING_FILE).unlink(missing_ok=True)


def transitions_to_json(transitions: Iterable[Transition]) -> list[dict]:
    return [{"state": dataclasses.asdict(t.state), "action": t.action, "reward": t.reward,
             "reason": t.reason} for t in transitions]


def transitions_from_json(items: Iterable[dict]) -> list[Transition]:
    out = []
    for item in items:
        state = dict(item["state"])
        state["available_actions"] = tuple(state.get("available_actions", ()))
        state["history"] = tuple(state.get("history", ()))
        out.append(Transition(State(**state), item["action"], float(item["reward"]),
                              item.get("reason", "")))
    return out


# --- one episode ------------------------------------------------------------------------------

@dataclass
class Episode:
    """A played episode: its record (a line of episodes.jsonl) and what the updater needs."""

    record: dict
    transitions: list[Transition] = field(default_factory=list)


def play_episode(profile: EnvProfile, env: Any, policy: Any, task: int, *, episode: str,
                 split: str, epoch: int) -> Episode:
    """Play task `task` to its end (goal reached or step limit) and log every step.

    Steps where the model gave no usable answer (the policy's no-op) are logged but are not
    experiences: they never enter the memory.
    """
    scoring = scoring_for(profile.name)
    start = time.perf_counter()
    observation, info = env.reset(options=profile.reset_options(task))
    policy.reset(info)
    task_text = profile.task_of(info)
    steps: list[dict] = []
    transitions: list[Transition] = []
    reward, total = 0.0, 0.0
    terminated = truncated = False
    while not (terminated or truncated):
        decision = policy.act(observation, info)
        observation, reward, terminated, truncated, info = env.step(decision.action)
        reward = float(reward)
        total += reward
        steps.append({
            "action": decision.action, "reason": decision.reason, "value": decision.value,
            "reward": reward, "parse_ok": decision.parse_ok, "attempts": decision.attempts,
            "failures": decision.failures, "valid": bool(info.get("valid", True)),
            "llm_calls": decision.llm_calls, "cached_calls": decision.cached_calls,
            "prompt_tokens": decision.prompt_tokens,
            "completion_tokens": decision.completion_tokens,
            "exemplar_scores": [round(s, 4) for s in decision.exemplar_scores],
        })
        if decision.parse_ok:
            transitions.append(Transition(decision.state, decision.action, reward, decision.reason))
    record = {
        "episode_id": episode, "split": split, "epoch": epoch, "task": int(task),
        "task_text": task_text, "steps": steps, "n_steps": len(steps),
        "final_reward": reward, "total_reward": total,
        "terminated": bool(terminated), "truncated": bool(truncated),
        "noops": sum(not s["parse_ok"] for s in steps),
        **{key: sum(s[key] for s in steps) for key in (
            "llm_calls", "cached_calls", "prompt_tokens", "completion_tokens")},
        "seconds": round(time.perf_counter() - start, 3),
    }
    record["score"] = scoring.score(record)
    record["success"] = scoring.success(record)
    return Episode(record, transitions)


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


def open_memory(cfg: RunConfig):
    """The experience store of the run (embedded folder or server, a few tries for a server)."""
    from memory_store.client import MemoryClient
    from memory_store.embedding import Embedder
    from memory_store.store import ExperienceStore

    embedder = Embedder(cfg.embedding_model)
    path = cfg.memory_path()
    if path is not None:
        path = path.resolve()  # chromadb caches clients by path string: never pass a relative one
    for attempt in range(CONNECT_ATTEMPTS):
        try:
            client = MemoryClient.connect(path, host=cfg.chroma_host, port=cfg.chroma_port)
            break
        except MemoryStoreError:
            if path is not None or attempt == CONNECT_ATTEMPTS - 1:
                raise
            time.sleep(1.0 * 2 ** attempt)
    try:
        return ExperienceStore(client, cfg.collection, embedder, owns_client=True)
    except BaseException:
        client.close()
        raise


def seed_memory(store: Any, cfg: RunConfig) -> int:
    """Fill an empty memory from --initial-memory; returns how many experiences were added."""
    if cfg.initial_memory == "none" or store.count() > 0:
        return 0
    if cfg.initial_memory in EXEMPLAR_SETS:
        from agent.exemplars import load_exemplars

        return store.add(load_exemplars(cfg.env, cfg.initial_memory))
    from memory_store.pools import read_pool, write_experiences

    experiences = read_pool(Path(cfg.initial_memory), env=cfg.env)
    if not experiences:
        raise AgentError(f"--initial-memory {cfg.initial_memory} holds no {cfg.env} experiences")
    return write_experiences(store, experiences)[0]


# --- the run --------------------------------------------------------------------------------

class Runner:
    """Runs the passes of one invocation (see the module docstring)."""

    def __init__(self, inv: Invocation, llm: Any, *, out=None):
        self.inv = inv
        self.cfg = cfg = inv.config
        self.profile = get_profile(cfg.env)
        self.llm = llm
        self.out = out  # None: sys.stdout at the time of printing
        self.folder = RunFolder(Path(cfg.run_dir))
        self.store = None
        self.memory = None
        self.updater = None
        self.records: list[dict] = []
        self.done: set[str] = set()
        self.skipped: dict[tuple[str, int], int] = {}
        self.start_count = 0
        self._local = threading.local()

    # --- setup ------------------------------------------------------------------------------
    def task_lists(self) -> tuple[list[int], list[int]]:
        """(training tasks, test tasks), each checked against the environment's data."""
        splits = self.profile.splits()
        env = self.env()
        lists = []
        for text, flag in ((self.cfg.train_set, "train-set"), (self.cfg.test_set, "test-set")):
            tasks = parse_task_set(text, flag, splits)
            for index in (tasks[0], tasks[-1]):
                try:
                    env.reset(options=self.profile.reset_options(index))
                except EnvironmentDataError as exc:
                    raise AgentError(f"unknown task range --{flag} {text}: {exc}") from None
            lists.append(list(tasks))
        return lists[0], lists[1]

    def env(self) -> Any:
        """This thread's environment (environments are not shared between threads)."""
        if getattr(self._local, "env", None) is None:
            self._local.env = self.profile.make_env(max_steps=self.cfg.max_steps)
        return self._local.env

    def policy(self) -> Any:
        """This thread's policy (a policy keeps the episode's history)."""
        if getattr(self._local, "policy", None) is None:
            from agent.policies import make_policy

            cfg = self.cfg
            self._local.policy = make_policy(
                cfg.policy, self.profile, self.llm, store=self.memory,
                exemplar_set=cfg.initial_memory if cfg.initial_memory in EXEMPLAR_SETS else "E0",
                m=cfg.m, lam=cfg.effective_lambda, no_random=cfg.no_random,
                no_discouraged=cfg.no_discouraged, seed=cfg.seed, token_budget=cfg.token_budget)
            if cfg.max_tokens is not None:
                self._local.policy.max_tokens = cfg.max_tokens
        return self._local.policy

    def open_memory(self) -> None:
        """Connect to the memory (a wrong embedding model or a dead server fails here)."""
        if self.cfg.policy == "rememberer" and self.store is None:
            self.store = open_memory(self.cfg)
            self.memory = LockedMemory(self.store)

    def prepare(self) -> None:
        """Seed the memory, read what a resumed run has done, finish a pending episode."""
        cfg = self.cfg
        self.folder.path.mkdir(parents=True, exist_ok=True)
        self.open_memory()
        if self.store is not None:
            if self.inv.command == "train":
                from memory_store.updater import Updater

                self.updater = Updater(self.store, n_step=cfg.n_step, gamma=cfg.gamma,
                                       mode=cfg.update, alpha=cfg.alpha, lam=cfg.effective_lambda)
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
        if pending is not None and pending["record"]["episode_id"] not in self.done:
            if self.updater is None:
                raise AgentError(f"{self.folder.path} has an unfinished training episode but this "
                                 "is not a training run; resume it with `rememberer train`")
            self._apply(Episode(pending["record"], transitions_from_json(pending["transitions"])),
                        write_pending=False)
        self.folder.clear_pending()

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
        self._say(f"Run folder: {self.folder.path}   LLM: {self.llm.name}   "
                  f"memory: {cfg.memory_location() if cfg.learns else '(none: fixed exemplars)'}")
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
                self._pass("test", epoch, test_tasks)
        return self.summary(status="finished")

    def _pass(self, split: str, epoch: int, tasks: list[int], skipped: int = 0) -> None:
        ids = {task: episode_id(self.cfg.name, split, epoch, task) for task in tasks}
        if skipped:
            self.skipped[split, epoch] = skipped
        todo = [task for task in tasks if ids[task] not in self.done]
        mine = [r for r in self.records if r["split"] == split and r["epoch"] == epoch]
        what = "test (no training)" if epoch == 0 else f"epoch {epoch}/{self.cfg.epochs} {split}"
        bar = tqdm(total=len(tasks), initial=len(tasks) - len(todo), desc=what, unit="episode",
                   file=sys.stderr, disable=not self.inv.progress, dynamic_ncols=True)
        bar.set_postfix_str(_running(mine, self.cfg.env) + (f", {skipped} solved before, skipped"
                                                              if skipped else ""))
        try:
            for episode in self._play_all(split, epoch, todo, ids):
                if split == "train":
                    self._apply(episode)
                else:
                    self._finish(episode)
                mine.append(episode.record)
                bar.set_postfix_str(_running(mine, self.cfg.env), refresh=False)
                bar.update(1)
        finally:
            bar.close()

    def _play_all(self, split: str, epoch: int, tasks: list[int], ids: dict[int, str]
                  ) -> Iterator[Episode]:
        """Episodes in task order; test passes with --concurrency N play N at a time (the memory
        is frozen then), still yielded in task order, so the episode log is the same every run."""
        def play(task: int) -> Episode:
            return play_episode(self.profile, self.env(), self.policy(), task, episode=ids[task],
                                split=split, epoch=epoch)

        workers = self.cfg.concurrency if split == "test" else 1
        if workers == 1 or len(tasks) < 2:
            for task in tasks:
                yield play(task)
            return
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="episode")
        try:
            futures = [pool.submit(play, task) for task in tasks]
            for future in futures:
                yield future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _apply(self, episode: Episode, *, write_pending: bool = True) -> None:
        """Write a training episode into the memory, crash-safe (see the module docstring)."""
        if write_pending:
            self.folder.write_json(PENDING_FILE, {
                "record": episode.record, "transitions": transitions_to_json(episode.transitions)})
        report = self.updater.apply(episode.record["episode_id"], episode.transitions, ended=True)
        episode.record["memory_update"] = {"applied": report.applied, "updated": report.updated,
                                           "added": report.added, "dropped": report.dropped}
        self._finish(episode)
        self.folder.clear_pending()

    def _finish(self, episode: Episode) -> None:
        self.folder.append(episode.record)
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
                         llm=self.llm.name, memory=memory, settings=dataclasses.asdict(cfg),
                         skipped=self.skipped)

    def _load_llm(self) -> None:
        load = getattr(self.llm, "load", None)
        if callable(load) and getattr(self.llm, "_model", True) is None:
            self._say("Loading the local LLM (the first time it is converted, about a minute) ...")
            load()

    def _say(self, text: str) -> None:
        print(text, file=self.out or sys.stdout, flush=True)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def _running(records: list[dict], env: str) -> str:
    if not records:
        return "no episodes yet"
    wins = sum(bool(r["success"]) for r in records)
    score = sum(r["score"] for r in records) / len(records)
    return (f"success {wins}/{len(records)} ({100 * wins / len(records):.0f}%), "
            f"{scoring_for(env).score_label} {score:.2f}")


# --- the fake player (tests only) -----------------------------------------------------------

class FakePlayerForTests:
    """FOR TESTS ONLY: the responder of `FakeLLMForTests` in `--llm fake` runs.

    It reads the new input at the end of the prompt, lists the valid actions there (with the
    environment profile) and answers deterministically. When the most similar exemplar comes
    from the same task and its Encouraged action is valid here with a value above 0, it repeats
    that action: so what the memory learned changes what it does. Otherwise it makes a simple
    goal-directed choice (WebShop: search the request, open the first result, pick the options
    the request names, buy; WikiHow: type the topic, then click the element sharing the most
    words with the step instruction).
    """

    def __init__(self, profile: EnvProfile):
        self.profile = profile

    def __call__(self, prompt: str) -> str:
        blocks = prompt.split("\n\n")
        query = blocks[-1]
        react = query.rstrip().endswith("Thought:")
        state = self._state(query)
        rng = random.Random(query)
        candidates = self.profile.valid_actions(state, rng) if state else []
        advised, value = _advice(blocks[-2]) if len(blocks) > 2 else (None, 0.0)
        same_task = len(blocks) > 2 and blocks[-2].split("\n", 1)[0] == query.split("\n", 1)[0]
        if same_task and advised in candidates and value > 0:
            action = advised
        else:
            action = self._choose(state, candidates) if candidates else "search[item]"
        if react:
            return f" I should make progress towards the goal.\nAction: {action}\n"
        return f"{action} -> 0.6 the fake test player's choice\n"

    def _state(self, query: str) -> State | None:
        lines = query.splitlines()
        head = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines if ":" in line}
        if self.profile.name == "webshop":
            body = _between(lines, "Observation:", "Available actions:")
            actions = _between(lines, "Available actions:", "Encouraged:")
            available = [a[2:] for a in actions if a.startswith("- ")]
            available = ["search" if a.startswith("search[") else a[len("click["):-1]
                         for a in available]
            return State(env="webshop", task=head.get("Request", ""), observation="\n".join(body),
                         available_actions=tuple(available))
        if self.profile.name == "wikihow":
            body = _between(lines, "Screen:", "Current instruction:")
            instruction = head.get("Current instruction", "")
            return State(env="wikihow", task=head.get("Command", ""), observation="\n".join(body),
                         instruction="" if instruction == "(none yet)" else instruction)
        return None

    def _choose(self, state: State, candidates: list[str]) -> str:
        task_words = set(_words(state.task))
        if state.env == "webshop":
            clicked = set(re.findall(r"You have clicked (.+?)\.", state.observation))
            options = [a for a in candidates if a.startswith("click[") and a[6:-1] in
                       " ".join(_words(state.task)) and a[6:-1] not in clicked
                       and a[6:-1] not in ("buy now", "description", "features", "reviews")]
            products = [a for a in candidates if re.fullmatch(r"click\[b0\w+\]", a)]
            for wanted in (options, ["click[buy now]"], products[:1],
                           [a for a in candidates if a.startswith("search[")]):
                for action in wanted:
                    if action in candidates:
                        return action
            return candidates[0]
        inputs = [a for a in candidates if a.startswith("INPUT(")]
        if not state.instruction and inputs:
            return inputs[-1]
        goal = set(_words(state.instruction)) or task_words
        best, best_overlap = None, 0
        for line in state.observation.splitlines():
            ident = re.search(r'id="(\d+)"', line)
            if ident and 'clickable="true"' in line and f"CLICK({ident.group(1)})" in candidates:
                overlap = len(goal & set(_words(re.sub(r"<[^>]*>", " ", line))))
                if overlap > best_overlap:
                    best, best_overlap = f"CLICK({ident.group(1)})", overlap
        return best or ("SCROLL(DOWN)" if "SCROLL(DOWN)" in candidates else candidates[0])


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _between(lines: list[str], first: str, last: str) -> list[str]:
    try:
        start = lines.index(first) + 1
    except ValueError:
        return []
    end = next((i for i in range(start, len(lines)) if lines[i].startswith(last)), len(lines))
    return lines[start:end]


def _advice(block: str) -> tuple[str | None, float]:
    """The first Encouraged action of an exemplar block and its value ((None, 0) if none)."""
    lines = block.splitlines()
    if "Encouraged:" not in lines or lines.index("Encouraged:") + 1 >= len(lines):
        return None, 0.0
    action, _, rest = lines[lines.index("Encouraged:") + 1].partition(" -> ")
    try:
        value = float(rest.split()[0])
    except (IndexError, ValueError):
        value = 0.0
    return action.strip(), value
