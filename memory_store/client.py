"""Connecting to Chroma: an embedded folder, an in-memory database, or a Chroma server.

`MemoryClient` wraps a chromadb client. For an embedded folder it also holds a writer lock, so a
second process that tries to write to the same folder gets a clear error instead of corrupting
the index. Telemetry is always off.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from filelock import FileLock, Timeout

from memory_store.errors import MemoryStoreError
from memory_store.paging import pages

DEFAULT_PATH = Path("memory")
DEFAULT_COLLECTION = "rememberer"
COMPANION_SUFFIXES = (".tasks", ".episodes", ".lease")  # helper collections kept beside each memory
LOCK_NAME = "rememberer-writer.lock"
TOKEN_VARIABLE = "CHROMA_TOKEN"
SEQUENCE_ROW = "rememberer:next-seq"  # reserved id in the episode ledger (see store.py)
SIDE_B = ".b"  # `<name>.b`: the second collection of a double-Q memory (see double.py)

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _chromadb():
    """chromadb, imported on first connection: it takes most of a second, and commands that
    never open a memory (`--help`, `play`) should not pay for it."""
    import chromadb

    return chromadb


def _settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


class TokenRefused(MemoryStoreError):
    """The server wants a token this client does not have (retrying will not help)."""


def _is_unauthorised(exc: Exception) -> bool:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return status in (401, 403) or "401" in str(exc) or "Unauthorized" in str(exc)


class MemoryClient:
    """A connection to one Chroma database. Use `connect()` to make one."""

    def __init__(self, chroma, *, location: str, lock: FileLock | None = None,
                 remote: bool = False, read_only: bool = False):
        self._chroma = chroma  # raw chromadb client: only memory_store uses it
        self.location = location
        self.remote = remote
        self.read_only = read_only
        self._lock = lock

    @classmethod
    def connect(
        cls,
        path: str | Path | None = None,
        *,
        host: str | None = None,
        port: int | None = None,
        in_memory: bool = False,
        read_only: bool = False,
        attempts: int = 1,
        token: str | None = None,
    ) -> "MemoryClient":
        """Embedded at `path` (default ./memory), a server at `host`/`port`, or `in_memory`.
        A server is tried `attempts` times (waiting 1 s, 2 s, ... in between) and sent `token`
        (default: the environment variable CHROMA_TOKEN) with every request."""
        if in_memory:
            # In-memory clients share one system per process: give each its own database.
            database = f"mem{uuid.uuid4().hex[:12]}"
            chromadb = _chromadb()
            chromadb.AdminClient(_settings()).create_database(database)
            chroma = chromadb.EphemeralClient(settings=_settings(), database=database)
            return cls(chroma, location=f"in-memory:{database}")
        if host is not None or port is not None:
            token = token or os.environ.get(TOKEN_VARIABLE) or None
            for attempt in range(max(1, attempts)):
                try:
                    return cls._connect_server(host or "127.0.0.1", port or 8000, token)
                except TokenRefused:
                    raise
                except MemoryStoreError:
                    if attempt >= attempts - 1:
                        raise
                    time.sleep(1.0 * 2 ** attempt)
        return cls._connect_path(Path(path) if path is not None else DEFAULT_PATH, read_only)

    @classmethod
    def _connect_server(cls, host: str, port: int, token: str | None) -> "MemoryClient":
        settings = _settings()
        if token:
            settings.chroma_client_auth_provider = (
                "chromadb.auth.token_authn.TokenAuthClientProvider")
            settings.chroma_client_auth_credentials = token
        try:
            chroma = _chromadb().HttpClient(host=host, port=port, settings=settings)
            chroma.heartbeat()
        except Exception as exc:  # noqa: BLE001 - connection failures come in many types
            if isinstance(exc, ValueError) and "Invalid token" in str(exc):
                raise TokenRefused(f"the Chroma token is not usable ({exc}); check "
                                   f"--chroma-token or {TOKEN_VARIABLE}") from None
            if _is_unauthorised(exc):
                raise TokenRefused(
                    f"the Chroma server at {host}:{port} refused the request: "
                    + ("wrong token; check --chroma-token or " if token else
                       "it requires a token; give --chroma-token or set ") + TOKEN_VARIABLE
                ) from None
            raise MemoryStoreError(
                f"cannot reach the Chroma server at {host}:{port} ({exc.__class__.__name__}); "
                f"start one with `chroma run --path DIR --host {host} --port {port}`"
            ) from None
        return cls(chroma, location=f"http://{host}:{port}", remote=True)

    @classmethod
    def _connect_path(cls, path: Path, read_only: bool) -> "MemoryClient":
        if path.exists() and not path.is_dir():
            raise MemoryStoreError(f"memory path {path} is a file, not a folder; give a folder path")
        if read_only and not path.is_dir():
            raise MemoryStoreError(f"no memory at {path}; check --memory")
        lock = None
        if not read_only:
            path.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(path / LOCK_NAME), timeout=0, is_singleton=True)
            try:
                lock.acquire()
            except Timeout:
                raise MemoryStoreError(
                    f"memory at {path} is open for writing by another process; wait for it to "
                    "finish, open it read-only, or serve it with `chroma run` and use "
                    "--chroma-host/--chroma-port"
                ) from None
        # Absolute: chromadb caches clients by path string, so a relative one breaks after chdir.
        chroma = _chromadb().PersistentClient(path=str(path.resolve()), settings=_settings())
        return cls(chroma, location=str(path), lock=lock, read_only=read_only)

    @property
    def exclusive(self) -> bool:
        """True when no other process can write to this database (so caches stay valid)."""
        return self._lock is not None or self.location.startswith("in-memory:")

    def _all_collections(self) -> list[str]:
        return [c.name if hasattr(c, "name") else str(c) for c in self._chroma.list_collections()]

    def has_collection(self, name: str) -> bool:
        """True when a collection of this exact name exists (helpers and sides included)."""
        return name in self._all_collections()

    def list_collections(self) -> list[str]:
        """Names of the memories (helper collections and side B of a double-Q memory, shown
        under side A's name, are hidden)."""
        names = [n for n in self._all_collections() if not n.endswith(COMPANION_SUFFIXES)]
        return sorted(n for n in names if not (n.endswith(SIDE_B) and self._side(n) == "b"))

    def _metadata(self, name: str) -> dict:
        try:
            return self._chroma.get_collection(name).metadata or {}
        except Exception:  # noqa: BLE001 - missing: no metadata
            return {}

    def _side(self, name: str) -> str | None:
        """"a" or "b" for a side of a double-Q memory, None for anything else."""
        return self._metadata(name).get("double_q_side")

    def is_double(self, name: str) -> bool:
        """True when the memory `name` is double-Q (two collections, `name` and `name.b`)."""
        return self._side(name) == "a"

    def _ids(self, name: str) -> set[str]:
        try:
            collection = self._chroma.get_collection(name)
        except Exception:  # noqa: BLE001 - a memory made by other tools may lack a companion
            return set()
        return {i for page in pages(collection, include=()) for i in page["ids"]} - {SEQUENCE_ROW}

    def summary(self, name: str) -> dict:
        """What `rememberer memory list` shows about one collection, read without any model."""
        if name not in self.list_collections():
            raise MemoryStoreError(f"no collection named {name!r} at {self.location}; "
                                   "`rememberer memory list` shows the collections there")
        collection = self._chroma.get_collection(name)
        meta = collection.metadata or {}

        def count(suffix: str) -> int:
            try:
                companion = self._chroma.get_collection(name + suffix)
                reserved = companion.get(ids=[SEQUENCE_ROW], include=[])["ids"]
                return companion.count() - len(reserved)
            except Exception:  # noqa: BLE001 - a memory made by other tools may lack a companion
                return 0

        info = {
            "name": name, "experiences": collection.count(), "tasks": count(".tasks"),
            "episodes": count(".episodes"), "kind": meta.get("kind", ""),
            "embedding_model": meta.get("embedding_model", ""),
            "embedding_dim": int(meta.get("embedding_dim", 0) or 0),
            "double_q": meta.get("double_q_side") == "a",
        }
        if info["double_q"]:  # the merged view: distinct experiences and tasks of both sides
            sides = (name, name + SIDE_B)
            info["experiences"] = len(set().union(*(self._ids(n) for n in sides)))
            info["tasks"] = len(set().union(*(self._ids(n + ".tasks") for n in sides)))
            info["episodes"] += count(SIDE_B + ".episodes")
        return info

    def environments(self, name: str) -> list[str]:
        """The environments whose experiences the memory `name` holds (from its task index)."""
        self.summary(name)  # a clear error when it is missing
        envs = set()
        for memory in (name, name + SIDE_B) if self.is_double(name) else (name,):
            try:
                tasks = self._chroma.get_collection(memory + ".tasks")
            except Exception:  # noqa: BLE001 - a memory made by other tools may lack a companion
                continue
            envs |= {meta["env"] for page in pages(tasks, include=["metadatas"])
                     for meta in page["metadatas"]}
        return sorted(envs)

    def delete_collection(self, name: str) -> None:
        if name not in self.list_collections():
            raise MemoryStoreError(f"no collection named {name!r} at {self.location}")
        memories = (name, name + SIDE_B) if self.is_double(name) else (name,)
        for full in (m + s for m in memories for s in ("", *COMPANION_SUFFIXES)):
            try:
                self._chroma.delete_collection(full)
            except Exception:  # noqa: BLE001 - a missing companion is fine
                pass

    def close(self) -> None:
        if self._lock is not None and self._lock.is_locked:
            self._lock.release(force=True)
        self._lock = None

    def __enter__(self) -> "MemoryClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
