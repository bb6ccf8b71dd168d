"""Shared fixtures: a real Chroma server on loopback, store factories for every client kind, the
bundled Gemma model; and the switch that makes the test-only fake LLM available."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# The fake LLM lives here, in tests/, not in the package: `--llm fake` (and make_llm("fake"))
# exist only while REMEMBERER_TEST_LLM names its factory. Subprocesses the tests start inherit
# both variables, and PYTHONPATH lets them import `tests.fakes`.
ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("REMEMBERER_TEST_LLM", "tests.fakes:fake_llm")
os.environ["PYTHONPATH"] = os.pathsep.join(
    part for part in (str(ROOT), os.environ.get("PYTHONPATH", "")) if part)

CHROMA_BIN = Path(sys.executable).parent / "chroma"


def one_error_line(code: int, err: str) -> str:
    """The one `rememberer: error:` line of a run that failed on bad input (exit code 2)."""
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.startswith("rememberer: error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_heartbeat(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    import chromadb
    from chromadb.config import Settings

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma server exited early with code {process.returncode}")
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port,
                                settings=Settings(anonymized_telemetry=False)).heartbeat()
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise RuntimeError("chroma server did not answer within 60 s")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` on a free 127.0.0.1 port for the whole session: yields (host, port)."""
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = open(data / "server.log", "wb")
    process = subprocess.Popen(
        [str(CHROMA_BIN), "run", "--path", str(data / "db"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_heartbeat(port, process)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def webshop_sample(tmp_path_factory):
    """A tiny data folder in WebShop's own file formats (read-only for the tests using it)."""
    from environments.webshop.sample import write_sample

    return write_sample(tmp_path_factory.mktemp("webshop-sample"))


@pytest.fixture
def fake_embedder():
    from tests.fakes import FakeEmbedderForTests

    return FakeEmbedderForTests()


@pytest.fixture(params=["in-memory", "embedded", "server"])
def make_store(request, tmp_path, fake_embedder):
    """A factory opening stores of one client kind; every store it made is closed afterwards."""
    from memory_store.store import ExperienceStore

    opened = []
    kind = request.param
    server = request.getfixturevalue("chroma_server") if kind == "server" else None

    def factory(collection: str | None = None, embedder=None):
        name = collection or f"mem-{uuid.uuid4().hex[:12]}"  # unique: the server outlives tests
        embedder = embedder or fake_embedder
        client = opened[0].client if opened and kind != "server" else None
        if kind == "in-memory":
            store = ExperienceStore.open(name, in_memory=True, embedder=embedder, client=client)
        elif kind == "embedded":
            store = ExperienceStore.open(name, path=tmp_path / "memory", embedder=embedder,
                                         client=client)
        else:
            host, port = server
            store = ExperienceStore.open(name, host=host, port=port, embedder=embedder)
        opened.append(store)
        return store

    factory.kind = kind
    yield factory
    for store in opened:
        store.close()
    if opened:
        opened[0].client.close()


@pytest.fixture(scope="session")
def gemma():
    """The local Gemma 3 270M, loaded once per test session (response cache off, greedy).

    Tests using it are grouped on one xdist worker (`xdist_group("gemma")`, run with
    `--dist loadgroup`), so the model is loaded once. The first session on a machine converts the
    GGUF file into the model cache (about a minute); later sessions load it in seconds.
    """
    from agent.llm import make_llm

    llm = make_llm("local", use_cache=False, temperature=0.0)
    llm.load()
    return llm
