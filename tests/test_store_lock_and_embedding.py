"""The writer lock on an embedded folder, and the bundled embedding model."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from memory_store.client import MemoryClient
from memory_store.errors import MemoryStoreError


def test_a_second_process_cannot_write_to_an_open_memory_folder(tmp_path):
    holder = MemoryClient.connect(tmp_path / "memory")
    try:
        code = textwrap.dedent(f"""
            from memory_store.client import MemoryClient
            from memory_store.errors import MemoryStoreError
            try:
                MemoryClient.connect({str(tmp_path / "memory")!r})
            except MemoryStoreError as exc:
                print("REFUSED:", exc)
            else:
                print("OPENED")
            MemoryClient.connect({str(tmp_path / "memory")!r}, read_only=True)
            print("READ-ONLY OK")
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=120)
        assert "REFUSED:" in out.stdout and "open for writing by another process" in out.stdout
        assert "READ-ONLY OK" in out.stdout
    finally:
        holder.close()
    # Once the first writer is gone the folder can be opened again.
    MemoryClient.connect(tmp_path / "memory").close()


def test_bad_paths_are_reported_clearly(tmp_path):
    file_path = tmp_path / "not-a-folder"
    file_path.write_text("x")
    with pytest.raises(MemoryStoreError, match="is a file"):
        MemoryClient.connect(file_path)
    with pytest.raises(MemoryStoreError, match="no memory at"):
        MemoryClient.connect(tmp_path / "missing", read_only=True)


def test_unreachable_server_is_one_clear_error():
    from tests.conftest import free_port

    with pytest.raises(MemoryStoreError, match="cannot reach the Chroma server"):
        MemoryClient.connect(host="127.0.0.1", port=free_port())


@pytest.fixture(scope="module")
def embedder():
    from memory_store.embedding import Embedder

    return Embedder()


def test_bundled_model_gives_normalised_384d_vectors(embedder):
    vectors = embedder.encode(["i need a red cotton t-shirt", "looking for a crimson cotton tee",
                               "a stainless steel kitchen knife"])
    assert vectors.shape == (3, 384) and embedder.name == "all-MiniLM-L6-v2"
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    close, far = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert close > far + 0.2


def test_each_text_is_encoded_once(embedder):
    before = embedder.encoded_count
    embedder.encode(["one cached text", "another cached text", "one cached text"])
    embedder.encode(["another cached text"])
    embedder.encode_one("one cached text")
    assert embedder.encoded_count - before == 2


def test_read_only_open_never_creates_a_collection(tmp_path, fake_embedder):
    from memory_store.store import ExperienceStore

    ExperienceStore.open("exists", path=tmp_path / "memory", embedder=fake_embedder).close()
    with ExperienceStore.open("exists", path=tmp_path / "memory", read_only=True,
                              embedder=fake_embedder) as store:
        assert store.count() == 0
    with pytest.raises(MemoryStoreError, match="no collection named 'missing'"):
        ExperienceStore.open("missing", path=tmp_path / "memory", read_only=True,
                             embedder=fake_embedder)
    with MemoryClient.connect(tmp_path / "memory", read_only=True) as client:
        assert client.list_collections() == ["exists"]


def test_fresh_encoding_goes_through_the_model_again(embedder):
    embedder.encode(["a text encoded before"])
    before = embedder.encoded_count
    again = embedder.encode(["a text encoded before", "a new text"], fresh=True)
    assert embedder.encoded_count - before == 2 and again.shape == (2, 384)


def test_round_queries_use_the_stored_vector_of_a_stored_task(tmp_path, fake_embedder):
    """What a round's retrievals embed depends on the memory alone: a stored task keeps the
    vector it was stored with (even if this process's model would now give another), the
    others are encoded afresh, and the store's snapshot carries exactly these."""
    from environments.registry import spec
    from memory_store.records import Experience
    from memory_store.store import ExperienceStore
    from tests.fakes import FakeEmbedderForTests

    stored, new = "a red ceramic mug", "blue cotton socks"
    with ExperienceStore.open("mugs", path=tmp_path / "memory", embedder=fake_embedder) as store:
        state = spec("webshop").new_state(stored, "search page", available_actions=("search",))
        store.add([Experience(state, "search[mug]")])
        written = store.task_index("webshop")[2][0].astype(np.float32)

    class Drifted(FakeEmbedderForTests):  # the same model name, slightly other numbers
        def _vector(self, text):
            vector = super()._vector(text) + 1e-3
            return vector / np.linalg.norm(vector)

    drifted = Drifted()
    with ExperienceStore.open("mugs", path=tmp_path / "memory", embedder=drifted) as store:
        vectors = store.embed_queries("webshop", [new, stored, new])
        assert list(vectors) == [new, stored]
        assert np.array_equal(vectors[stored], written)
        assert not np.array_equal(drifted._vector(stored), written)
        assert np.array_equal(vectors[new], drifted._vector(new).astype(np.float32))
        assert np.array_equal(store.task_embedding(stored), written)  # what retrieval will use
        snapshot = store.snapshot("webshop", vectors)
        assert np.array_equal(snapshot.task_embedding(stored), written)
        assert [r.state_id for r in snapshot.retrieve(state, m=1)] == \
               [r.state_id for r in store.retrieve(state, m=1)] == [state.state_id]
