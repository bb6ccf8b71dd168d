"""The experience store, run against every client kind: in-memory, embedded folder, real server."""

from __future__ import annotations

import json

import pytest

from environments.registry import spec
from memory_store.errors import MemoryStoreError
from memory_store.records import Experience, State, experience_id, normalize_action
from tests.raw_chroma import raw_collection


def webshop_state(task: str, obs: str, actions=("search",)) -> State:
    return spec("webshop").new_state(task, obs, ("search[red mug] (a first look)",),
                                     available_actions=actions)


def test_add_is_idempotent_and_keeps_learned_q(make_store):
    store = make_store()
    state = webshop_state("a red mug under 20 dollars", "\nWebShop \n[Search]")
    first = Experience(state, "search[red mug]", q=0.7, visits=3, reason="look for mugs")
    assert store.add([first]) == 1
    again = Experience(state, "search[red mug]", q=0.0, visits=0)
    assert store.add([again]) == 0
    assert store.count() == 1
    (stored,) = store.get([first.id])
    assert (stored.q, stored.visits, stored.reason) == (0.7, 3, "look for mugs")
    assert store.add([again], replace=True) == 0
    assert store.get([first.id])[0].q == 0.0


def test_row_layout_matches_the_documented_schema(make_store):
    store = make_store()
    state = webshop_state("blue socks", "\nPage 1 ", ("back to search", "next >", "b01abcdefg"))
    exp = Experience(state, "click[b01abcdefg]", q=0.5, visits=2, reward=0.0, reason="cheap",
                     provenance="unit-test")
    store.add([exp])
    row = raw_collection(store).get(ids=[exp.id], include=["documents", "metadatas", "embeddings"])
    meta = row["metadatas"][0]
    assert row["documents"][0] == state.observation
    assert isinstance(meta["q"], float) and meta["visits"] == 2
    assert meta["pattern"] == "results"
    assert meta["state_id"] == state.state_id and meta["task"] == "blue socks"
    assert json.loads(meta["history"]) == list(state.history)
    assert meta["available_actions"].split("\n") == list(state.get("available_actions"))
    assert meta["provenance"] == "unit-test" and meta["created_at"] > 0
    expected = store.embedder.encode_one("blue socks")
    assert row["embeddings"][0] == pytest.approx(expected.tolist(), abs=1e-6)
    # The where-filter on a float Q works as docs/memory.md says.
    assert raw_collection(store).get(where={"q": {"$gt": 0.4}}, include=[])["ids"] == [exp.id]


def test_state_actions_count_and_delete(make_store):
    store = make_store()
    state = webshop_state("a lamp", "\nWebShop ")
    other = webshop_state("a chair", "\nWebShop ")
    store.add([
        Experience(state, "search[lamp]", q=0.2), Experience(state, "search[desk lamp]", q=0.9),
        Experience(other, "search[chair]", q=0.1),
    ])
    assert [a.action for a in store.state_actions(state.state_id)] == ["search[desk lamp]",
                                                                        "search[lamp]"]
    assert store.count() == 3
    removed = store.delete(where={"task": "a chair"})
    assert removed == 1 and store.count() == 2
    assert store.task_count() == 1  # the chair task has no rows left, so it leaves the index
    with pytest.raises(MemoryStoreError):
        store.delete()


def test_action_identity_is_the_normalised_string():
    state = webshop_state("t", "o")
    assert normalize_action("  click[ buy  now]  ") == "click[ buy now]"
    assert experience_id(state.state_id, "click[x] ") == experience_id(state.state_id, "click[x]")
    assert Experience(state, "click[x]", reason="a").id == Experience(state, "click[x]",
                                                                      reason="b").id


def test_list_collections_hides_helper_collections(make_store):
    store = make_store()
    names = store.client.list_collections()
    assert store.name in names
    assert not any(n.endswith((".tasks", ".episodes")) for n in names)


def test_opening_with_another_embedding_model_fails_clearly(make_store):
    from tests.fakes import FakeEmbedderForTests

    store = make_store()
    store.add([Experience(webshop_state("t", "o"), "search[x]")])
    with pytest.raises(MemoryStoreError, match="built with embedding model"):
        make_store(store.name, embedder=FakeEmbedderForTests(dim=16, name="another-model"))


def test_many_experiences_are_added_in_batches(make_store):
    store = make_store()
    exps = [Experience(webshop_state(f"task {i % 40}", f"obs {i}"), f"search[q{i}]")
            for i in range(2500)]
    assert store.add(exps) == 2500
    assert store.count() == 2500
    assert store.task_count() == 40
    assert sum(1 for _ in store.iter_experiences()) == 2500


def test_rows_are_numbered_in_creation_order_and_keep_their_number(make_store):
    store = make_store()
    first, second, third = (Experience(webshop_state("a lamp", f"\nWebShop {i}"), "search[lamp]")
                            for i in range(3))
    assert store.add([second, first]) == 2  # numbered in the order given
    assert store.add([first, third]) == 1  # only the new row takes a number
    seqs = lambda: {e.id: e.seq for e in store.get([first.id, second.id, third.id])}  # noqa: E731
    assert seqs() == {second.id: 0, first.id: 1, third.id: 2}
    store.add([Experience(first.state, "search[lamp]", q=0.5)], replace=True)
    assert seqs()[first.id] == 1  # a replaced row keeps its number
    # Another store on the same collection (for a server: another writer) numbers on from there.
    again = make_store(store.name)
    fourth = Experience(webshop_state("a lamp", "\nWebShop 3"), "search[lamp]")
    again.add([fourth])
    assert again.get([fourth.id])[0].seq == 3
    # The next number lives in a reserved ledger row that is not an episode.
    assert store.episode_count() == 0 and list(store.episodes()) == []
    assert store.client.summary(store.name)["episodes"] == 0
    store.record_episodes([("ep-1", {"steps": 1})])
    assert store.episode_count() == 1 and [i for i, _ in store.episodes()] == ["ep-1"]
