"""`train --workers N --ray-address auto|HOST:PORT`: a round's episodes played by Ray actors.

Each of the N workers is a Ray actor that builds its own environment, LLM and policy from the
run's settings (only the settings and the API key travel to it). For every round the learner
sends one snapshot of the memory as it stands at the round's start (memory_store/snapshot.py:
the state and task indexes retrieval reads, plus the round's task embeddings, computed by the
learner), put once into Ray's object store and shared by the round's workers; each worker plays
one task against it and sends back the episode. The learner — the `train` process — then applies
the round in task order, exactly as with threads: it alone opens the memory and writes to it, so
the memory may be an embedded folder or a Chroma server, and workers need neither Chroma nor the
embedding model. Since a worker retrieves from the same data with the same code, a Ray run gives
the same memory as a thread run with the same settings.
"""

from __future__ import annotations

import re
import socket
from typing import Any

from agent.episode import Episode, play_episode
from agent.errors import AgentError
from agent.run_config import RunConfig
from environments.errors import EnvironmentDataError
from memory_store.errors import MemoryStoreError

ADDRESS = re.compile(r"^(?P<host>[\w.-]+|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})$")
USER_ERRORS = (AgentError, EnvironmentDataError, MemoryStoreError)


class EpisodeWorker:
    """The body of one Ray actor: an environment and a policy, built here from the settings."""

    def __init__(self, cfg: RunConfig, api_key: str | None):
        from agent.run_parts import run_llm
        from environments import registry

        self.cfg = cfg
        self.spec = registry.spec(cfg.env)
        self.env = self.spec.make(max_steps=cfg.max_steps)
        self.llm = run_llm(cfg, api_key)
        self.policy = None

    def play(self, memory: Any, task: int, episode: str, split: str, epoch: int) -> Episode:
        """Play one task against `memory` (a snapshot; Ray hands it over resolved)."""
        from agent.run_parts import run_policy, set_pass

        if self.policy is None:
            self.policy = run_policy(self.cfg, self.spec, self.llm, memory)
        self.policy.store = memory
        set_pass(self.policy, split, self.cfg)  # as the runner's own passes do
        return play_episode(self.spec, self.env, self.policy, task, episode=episode, split=split,
                            epoch=epoch)


def _ray():
    try:
        import ray
    except ImportError:
        raise AgentError("--ray-address needs Ray, which is not installed: "
                         "pip install 'rememberer[ray]' (or drop --ray-address to use threads)"
                         ) from None
    return ray


def _check_reachable(address: str) -> None:
    """Fail fast, in one line, when nothing listens at HOST:PORT (Ray itself would keep trying)."""
    match = ADDRESS.match(address)
    if match is None:
        raise AgentError(f"--ray-address {address!r}: give auto or HOST:PORT (the head node's "
                         "address, as `ray start --head` prints it)")
    host, port = match["host"].strip("[]"), int(match["port"])
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        raise AgentError(f"cannot reach the Ray cluster at {address} ({exc.strerror or exc}); "
                         f"start one with `ray start --head --port {port}` or check "
                         "--ray-address") from None


def _user_error(exc: Exception) -> Exception:
    """What a worker's failure means to the user: the worker's own one-line error (e.g. an
    unreachable LLM server), else one line saying a worker stopped."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, USER_ERRORS):
        return cause
    first = (str(cause or exc).strip().splitlines() or [type(exc).__name__])[-1]
    return AgentError(f"a Ray worker failed ({first}); the episodes applied so far are saved: "
                      "continue with --resume")


class RayWorkers:
    """N Ray actors playing rounds of training episodes; `close()` removes them (and leaves the
    cluster running: it is the user's)."""

    def __init__(self, cfg: RunConfig, api_key: str | None, count: int):
        ray = _ray()
        address = cfg.ray_address
        self._connected = False
        if not ray.is_initialized():
            if address != "auto":
                _check_reachable(address)
            try:
                ray.init(address=address, logging_level="warning", log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise AgentError(f"cannot connect to the Ray cluster at {address}: "
                                 f"{str(exc).splitlines()[0]}") from None
            self._connected = True
        actor = ray.remote(EpisodeWorker)
        self._actors = [actor.remote(cfg, api_key) for _ in range(count)]

    def play(self, snapshot: Any, tasks: list[int], ids: dict[int, str], split: str,
             epoch: int) -> list[Episode]:
        """The round's episodes in task order; task i goes to worker i."""
        ray = _ray()
        if len(tasks) > len(self._actors):
            raise AgentError(f"internal: a round of {len(tasks)} tasks for "
                             f"{len(self._actors)} Ray workers")
        memory = ray.put(snapshot)
        futures = [actor.play.remote(memory, task, ids[task], split, epoch)
                   for actor, task in zip(self._actors, tasks)]
        episodes, errors = [], []
        for future in futures:  # every result is fetched: Ray warns about errors left unread
            try:
                episodes.append(ray.get(future))
            except ray.exceptions.RayError as exc:
                errors.append(exc)
        if errors:
            raise _user_error(errors[0]) from None
        return episodes

    def close(self) -> None:
        ray = _ray()
        for actor in self._actors:
            ray.kill(actor)
        self._actors = []
        if self._connected:
            ray.shutdown()
            self._connected = False
