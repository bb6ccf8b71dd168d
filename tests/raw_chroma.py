"""Plain chromadb views of a memory, for tests that check the on-disk schema as a user querying
it with chromadb sees it (the library itself never hands out a collection)."""

from __future__ import annotations


def raw_collection(store, suffix: str = ""):
    """The chromadb collection behind `store` (`suffix` ".tasks" / ".episodes": a companion)."""
    return raw_client(store.client).get_collection(store.name + suffix)


def raw_client(client):
    """The chromadb client behind a `memory_store.client.MemoryClient`."""
    return client._chroma  # noqa: SLF001 - tests look at the raw layout on purpose
