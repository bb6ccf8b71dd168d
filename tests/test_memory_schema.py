"""Old memories keep opening: a memory in schema 1 — the raw Chroma rows that the code before the
plug-in redesign wrote (tests/data/memory_schema1.json, made by it) — is read in place, keeps its
ids, learns on, and a memory from a newer schema is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from environments.registry import spec
from memory_store.client import MemoryClient
from memory_store.errors import MemoryStoreError
from memory_store.records import Experience, Transition
from memory_store.store import ExperienceStore
from memory_store.updater import Updater
from tests.fakes import FakeEmbedderForTests
from tests.raw_chroma import raw_client, raw_collection

FIXTURE = json.loads((Path(__file__).parent / "data" / "memory_schema1.json").read_text("utf-8"))
SHOP, HOW = spec("webshop"), spec("wikihow")
TASK = "a red ceramic mug under 20 dollars"
RESULTS = SHOP.new_state(TASK, "Page 1 [SEP] B01MUG0001 Red mug",
                         ("search[red mug]: look for mugs",),
                         available_actions=("back to search", "next >", "b01mug0001"))
ARTICLE = HOW.new_state("Search an article to learn how to knit a hat.",
                        '<p class="title" id="0" clickable="false">How to Knit a Hat</p>',
                        ("INPUT(1, how to knit a hat): search it",),
                        instruction='Access the article "How to Knit a Hat"',
                        last_reward=1.0, total_reward=1.0)


def build_old_memory(path: Path, *, schema: int = 1) -> None:
    """The fixture's rows written with plain chromadb, as the old code left them."""
    with MemoryClient.connect(path) as client:
        for part in FIXTURE["collections"]:
            metadata = dict(part["metadata"] or {}) or None
            if metadata and "schema_version" in metadata:
                metadata["schema_version"] = schema
            collection = raw_client(client).create_collection(
                part["name"], metadata=metadata, embedding_function=None)
            collection.add(ids=part["ids"], embeddings=part["embeddings"],
                           documents=part["documents"], metadatas=part["metadatas"])


@pytest.fixture
def old(tmp_path):
    build_old_memory(tmp_path / "memory")
    store = ExperienceStore.open("old", path=tmp_path / "memory", embedder=FakeEmbedderForTests())
    yield store
    store.close()


def test_rows_read_back_with_their_ids_and_fields(old):
    stored = {e.id: e for e in old.iter_experiences()}
    rows = FIXTURE["collections"][0]
    assert sorted(stored) == sorted(rows["ids"])  # ids recomputed by this code = the stored ones
    by_state = {e.state.state_id: e.state for e in stored.values()}
    assert by_state[RESULTS.state_id] == RESULTS and by_state[ARTICLE.state_id] == ARTICLE
    assert RESULTS.state_id == FIXTURE["state_ids"]["results"]
    assert ARTICLE.state_id == FIXTURE["state_ids"]["article"]
    assert set(HOW.new_state("t", "o").details) == {"instruction", "last_reward", "total_reward",
                                                     "available_actions"}
    assert old.episode_count() == 2 and old.task_count() == 2
    assert not old.add([Experience(RESULTS, "click[b01mug0001]")])  # already there: a no-op


def test_retrieval_and_updates_continue_on_the_old_rows(old):
    (found,) = old.retrieve(RESULTS, m=1)
    assert found.state == RESULTS and found.score == pytest.approx(1.0)
    assert [(a.action, a.q, a.visits) for a in found.actions] == [("click[b01mug0001]", 1.0, 1)]
    report = Updater(old).apply("new-run/train/epoch1/task0", [
        Transition(RESULTS, "click[b01mug0001]", 0.0, "again"),
        Transition(RESULTS, "click[next >]", 0.0, "more mugs")], ended=True)
    assert (report.updated, report.added) == (2, 1) and old.count() == 5
    (found,) = old.retrieve(RESULTS, m=1)
    assert [(a.action, a.q, a.visits) for a in found.actions] == [
        ("click[b01mug0001]", 0.5, 2), ("click[next >]", 0.0, 1)]
    (wiki,) = old.retrieve(ARTICLE, m=1)
    assert wiki.state == ARTICLE and wiki.pattern == "article"


def test_new_rows_in_an_old_memory_carry_only_their_environments_fields(old):
    old.add([Experience(RESULTS, "click[back to search]")])
    row_id = Experience(RESULTS, "click[back to search]").id
    meta = raw_collection(old).get(ids=[row_id], include=["metadatas"])["metadatas"][0]
    assert meta["available_actions"] == "back to search\nnext >\nb01mug0001"
    assert not {"instruction", "last_reward", "total_reward"} & set(meta)
    assert raw_collection(old).metadata["schema_version"] == 1  # the collection is not rewritten


def test_a_memory_from_a_newer_schema_is_refused(tmp_path):
    build_old_memory(tmp_path / "memory", schema=99)
    with pytest.raises(MemoryStoreError, match="schema 99, newer than this version reads"):
        ExperienceStore.open("old", path=tmp_path / "memory", embedder=FakeEmbedderForTests())


def test_old_rows_have_no_creation_number_and_rank_after_numbered_ones_on_a_tie(old):
    newer = SHOP.new_state(TASK, "Page 2 [SEP] B02MUG0002 Blue mug", (),
                           available_actions=("back to search", "< prev", "b02mug0002"))
    old.add([Experience(newer, "click[b02mug0002]", q=0.0, visits=1)])
    meta = raw_collection(old).get(ids=[Experience(newer, "click[b02mug0002]").id],
                                   include=["metadatas"])["metadatas"][0]
    assert meta["seq"] == 0  # the first numbered row of this memory
    # Both results pages of the task score 1 with 1 visit: the numbered state comes first, the
    # old one (no number) after it.
    found = old.retrieve(RESULTS, m=2)
    assert [f.state_id for f in found] == [newer.state_id, RESULTS.state_id]
    assert [f.order for f in found] == [(0, 0), (2, 0)]
