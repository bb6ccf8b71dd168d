"""Several writers on one Chroma server: the writer lease (memory_store/lease.py) serialises
their read-modify-writes, so no update is lost; a crashed holder's lease expires; a holder that
lost its lease cannot write."""

from __future__ import annotations

import subprocess
import sys
import uuid

import chromadb
import pytest
from chromadb.config import Settings

from memory_store.errors import MemoryStoreError
from memory_store.lease import WriterLease
from memory_store.records import experience_id, normalize_action
from memory_store.store import ExperienceStore
from tests.concurrent_writer import ACTION, STATE
from tests.conftest import ROOT
from tests.fakes import FakeEmbedderForTests


def _writer(server, collection: str, prefix: str, count: int) -> subprocess.Popen:
    host, port = server
    return subprocess.Popen([sys.executable, "-m", "tests.concurrent_writer", host, str(port),
                             collection, prefix, str(count)], cwd=ROOT)


def test_two_processes_on_a_server_lose_no_update(chroma_server):
    name = f"race-{uuid.uuid4().hex[:10]}"
    assert _writer(chroma_server, name, "first", 1).wait() == 0
    writers = [_writer(chroma_server, name, f"w{i}", 100) for i in range(2)]
    assert [w.wait() for w in writers] == [0, 0]
    host, port = chroma_server
    with ExperienceStore.open(name, host=host, port=port, embedder=FakeEmbedderForTests()) as store:
        [row] = store.rows([experience_id(STATE.state_id, normalize_action(ACTION))])
        assert row.metadata["visits"] == 201  # one per applied transition, none lost
        assert row.metadata["q"] == pytest.approx(1.0)
        assert store.episode_count() == 201


def _lease_collection(server):
    host, port = server
    client = chromadb.HttpClient(host=host, port=port,
                                 settings=Settings(anonymized_telemetry=False))
    return client.get_or_create_collection(f"lease-{uuid.uuid4().hex[:10]}.lease",
                                           embedding_function=None)


def test_a_crashed_holders_lease_expires_and_the_stale_holder_is_fenced(chroma_server):
    rows = _lease_collection(chroma_server)
    first, second = WriterLease(rows, ttl=0.5), WriterLease(rows, ttl=0.5)
    first.__enter__()  # then "crashes": never renews, never releases
    first.check()
    with second:  # waits until the first holder has shown no sign of life for the ttl
        second.check()
        with pytest.raises(MemoryStoreError, match="lost the writer lease"):
            first.check()
    assert not second.held
    with first:  # the lease is free again after a release
        first.check()
        assert first.held


def test_the_lease_is_reentrant_and_released_once(chroma_server):
    rows = _lease_collection(chroma_server)
    lease, other = WriterLease(rows), WriterLease(rows, wait=0.0)
    with lease:
        with lease:
            lease.check()
        lease.check()  # still held after the inner block
        with pytest.raises(MemoryStoreError, match="another writer"):
            other.__enter__()
    with other:
        other.check()
