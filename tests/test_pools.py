"""Pools: original-format YAML (safe loading, merging, export the original code can read), JSONL
round trips, whole-file validation, and merging/copying collections."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from environments.registry import spec
from memory_store.errors import MemoryStoreError
from memory_store.pools import (
    copy_collection, dump_jsonl, dump_original, export_pool, format_of, history_pair, loads_yaml,
    history_text, import_pool, merge_collections, read_pool,
)
from memory_store.records import Experience, State, Transition
from memory_store.store import ExperienceStore
from memory_store.updater import Updater
from tests.fakes import FakeEmbedderForTests
from tests.raw_chroma import raw_collection

POOLS = Path(__file__).parent / "data" / "pools"
MUG = "i need a red ceramic coffee mug that holds 12 ounces, and price lower than 20.00 dollars"


def webshop_state(task: str, observation: str, actions, history=()):
    return spec("webshop").new_state(task, observation, history, available_actions=actions)


@pytest.fixture
def client_store():
    """A factory of in-memory stores that share one client (so they can be merged/copied)."""
    embedder = FakeEmbedderForTests()
    first = ExperienceStore.open("pool-a", in_memory=True, embedder=embedder)
    opened = [first]

    def factory(name: str = "pool-a") -> ExperienceStore:
        if name == "pool-a":
            return first
        store = ExperienceStore.open(name, client=first.client, embedder=embedder)
        opened.append(store)
        return store

    yield factory
    first.close()


def by_action(experiences):
    return {e.action: e for e in experiences}


def comparable(experiences) -> list[tuple]:
    """Everything but the timestamps (YAML pools carry none)."""
    return sorted((e.id, e.state, e.action, e.q, e.visits, e.reward, e.reason, e.pattern)
                  for e in experiences)


def test_webshop_original_pool_imports_with_aliases_and_merged_reasons(client_store):
    store = client_store()
    assert import_pool(store, POOLS / "webshop_original.yaml") == (6, 6, 0)
    rows = by_action(store.iter_experiences())
    search = rows["search[red ceramic coffee mug 12 oz]"]
    # Two entries differ only in their reason: visits 3 + 1, Q (0.6 * 3 + 1.0 * 1) / 4.
    assert (search.visits, search.q) == (4, pytest.approx(0.7))
    assert search.state.task == MUG  # "Instruction: " prefix removed
    assert search.pattern == "search" and search.provenance == "webshop_original.yaml"
    buy = rows["click[buy now]"]
    assert buy.state.get("available_actions")[-1] == "buy now" and buy.pattern == "item"
    assert (buy.q, buy.visits, buy.reward) == (0.75, 2, 0.75)
    # action_history aliases resolved into "<action>: <reason>" entries
    assert buy.state.history == (
        "search[red ceramic coffee mug 12 oz]: The request names the item, so I search for it "
        "directly.",
        "click[b07mug0012]: The first result is a red ceramic 12 oz mug under 20 dollars.",
    )
    assert rows["click[b07mug0012]"].pattern == "results"
    assert store.task_count() == 2


def test_wikihow_original_pool(client_store):
    store = client_store()
    import_pool(store, POOLS / "wikihow_original.yaml")
    rows = by_action(store.iter_experiences())
    wrong = rows["CLICK(3)"]
    assert (wrong.q, wrong.reward, wrong.pattern) == (-0.1, -0.1, "article")
    assert wrong.state.get("instruction") == 'Access the article "How to Repot a Cactus"'
    assert wrong.reason.startswith('<a class="result" id="3"')  # the element html slot
    assert rows["INPUT(2, repot a cactus)"].pattern == "search"


@pytest.mark.parametrize("name", ["webshop_original.yaml", "wikihow_original.yaml"])
def test_original_pool_round_trip(client_store, tmp_path, name):
    first = client_store()
    import_pool(first, POOLS / name)
    exported = tmp_path / "first.yaml"
    export_pool(first.iter_experiences(), exported)
    text = exported.read_text(encoding="utf-8")
    assert "? !!python/tuple" in text and "&id001 !!python/tuple" in text and "*id001" in text
    # The original code read pools with PyYAML's unsafe loader. The file uses no tag but standard
    # YAML and !!python/tuple, which that loader builds exactly as our safe PoolLoader does.
    assert set(re.findall(r"!![\w/]+", text)) == {"!!python/tuple"}
    original_view = loads_yaml(text)
    for key, record in original_view.items():
        assert isinstance(key, tuple) and len(key) == 3
        assert set(record) == {"action_dict", "other_info", "id"}
        assert all(isinstance(a, tuple) for a in record["other_info"]["action_history"])
    second = client_store("pool-b")
    import_pool(second, exported)
    assert comparable(second.iter_experiences()) == comparable(first.iter_experiences())
    again = tmp_path / "second.yaml"
    export_pool(second.iter_experiences(), again)
    assert again.read_text(encoding="utf-8") == text


def test_exported_history_shares_the_action_objects(client_store):
    store = client_store()
    import_pool(store, POOLS / "webshop_original.yaml")
    pool = loads_yaml(dump_original(store.iter_experiences()))
    keys = {id(action) for record in pool.values() for action in record["action_dict"]}
    history = [a for record in pool.values() for a in record["other_info"]["action_history"]]
    assert history and all(id(a) in keys for a in history)  # aliases, as the original wrote
    numbers = sorted(record["other_info"]["number"] for record in pool.values())
    assert numbers == [1, 4, 4, 4]
    assert all(key[1].startswith("Instruction: ") for key in pool)


def updated_memory(store: ExperienceStore) -> None:
    """A memory with real timestamps, markers, two environments and non-ASCII text."""
    shop = webshop_state("a café-style mug, ≤ 20 €", "WebShop [SEP] Search", ("search",))
    results = webshop_state("a café-style mug, ≤ 20 €", "Page 1",
                            ("back to search", "next >", "b01aaaaaaa"), ("search[mug]: café",))
    screen = spec("wikihow").new_state("Search how to knit", '<input id="0">Search</input>',
                                       instruction="", last_reward=0.0, total_reward=1.0)
    updater = Updater(store, n_step=1)
    updater.apply("ep-1", [Transition(shop, "search[café mug]", 0.0, "ünïcode reason"),
                           Transition(results, "click[b01aaaaaaa]", 0.5)], ended=True)
    updater.apply("ep-2", [Transition(screen, "INPUT(0, knit)", 1.0, "type it")], ended=True)
    store.add([Experience(screen, "GOBACK", q=-0.25, visits=2, created_at=1.5, updated_at=2.5)])


def test_jsonl_round_trip_is_byte_identical(client_store, tmp_path):
    first = client_store()
    updated_memory(first)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert export_pool(first.iter_experiences(), one) == 4
    second = client_store("pool-b")
    assert import_pool(second, one) == (4, 4, 0)
    export_pool(second.iter_experiences(), two)
    assert one.read_bytes() == two.read_bytes()
    assert "café" in one.read_text(encoding="utf-8")  # written as UTF-8, not \u escapes
    kept = by_action(second.iter_experiences())["search[café mug]"]
    original = by_action(first.iter_experiences())["search[café mug]"]
    assert (kept.created_at, kept.updated_at) == (original.created_at, original.updated_at)
    assert by_action(second.iter_experiences())["GOBACK"].provenance == ""  # kept, not filled
    relabelled = client_store("pool-c")
    import_pool(relabelled, one, provenance="laptop")
    assert {e.provenance for e in relabelled.iter_experiences()} == {"laptop"}
    with pytest.raises(MemoryStoreError, match="exists; pass --force"):
        export_pool(first.iter_experiences(), one)
    with pytest.raises(MemoryStoreError, match="one environment"):
        export_pool(first.iter_experiences(), tmp_path / "mixed.yaml")


@pytest.mark.parametrize("name, message", [
    ("unsafe_tag.yaml", r"unsafe_tag.yaml: line 9, column 7: could not determine a constructor "
                        r"for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("bad_shape.yaml", r"bad_shape.yaml: entry 2 \('WebShop \[SEP\] Instruction: \[SEP\] a desk…'\)"
                       r": action 'search\[desk\]': qvalue and reward must be numbers"),
    ("broken.yaml", r"broken.yaml: line \d+, column \d+: "),
    ("bad_line.jsonl", r"bad_line.jsonl: line 2: missing action"),
])
def test_bad_files_are_reported_and_leave_the_memory_untouched(client_store, monkeypatch, name,
                                                               message):
    calls = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command))
    store = client_store()
    store.add([Experience(webshop_state("a lamp", "WebShop", ("search",)), "search[lamp]")])
    with pytest.raises(MemoryStoreError, match=message):
        import_pool(store, POOLS / name)
    assert store.count() == 1 and calls == []  # nothing written, nothing executed


@pytest.mark.parametrize("text, problem", [
    ("[1, 2]", "a pool must be a mapping"),
    ("", "the file is empty"),
    ("? !!python/tuple [a, b]\n: {action_dict: {}}\n", "entry 1: the key must be"),
    ("? !!python/tuple [o, t, search]\n: {action_dict: {? !!python/tuple [x, y]: "
     "{number: 1, qvalue: 1, reward: 0}}}\n", "pass --env"),
    ("? !!python/tuple [o, t, search]\n: {action_dict: {'search[a]': {number: 1}}}\n",
     "is not a !!python/tuple"),
    ("? !!python/tuple [o, t, search]\n: {action_dict: {? !!python/tuple ['search[a]', r]: "
     "{number: -1, qvalue: 1, reward: 0}}}\n", "number must be a whole number >= 0"),
    ("? !!python/tuple [o, t, search]\n: {action_dict: {}, other_info: {action_history: [x]}}\n",
     "action_history must be a list"),
    ("? !!python/tuple [o, t, search]\n: {action_dict: {}, extra: 1}\n", "unknown record keys"),
    ("!!python/tuple {a: b}\n", "a !!python/tuple must be a sequence"),
])
def test_pool_shape_errors(tmp_path, text, problem):
    path = tmp_path / "pool.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MemoryStoreError, match=problem):
        read_pool(path)


@pytest.mark.parametrize("line, problem", [
    ("not json", "line 1: not JSON"),
    ('{"env": "mars", "task": "t", "observation": "o", "action": "a"}', "unknown environment"),
    ('{"env": "webshop", "task": "t", "observation": "o", "action": "a", "visits": 1.5}',
     "visits must be a whole number"),
    ('{"env": "webshop", "task": "t", "observation": "o", "action": "a", "q": "high"}',
     "q must be a number"),
    ('{"env": "webshop", "task": "t", "observation": "o", "action": "a", "visit": 1}',
     r"unknown keys \['visit'\]"),
    ('{"env": "webshop", "task": "t", "observation": "o", "action": "a", "history": "x"}',
     "history must be a list of strings"),
])
def test_jsonl_line_errors(tmp_path, line, problem):
    path = tmp_path / "pool.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(MemoryStoreError, match=problem):
        read_pool(path)


def test_formats_and_missing_files(tmp_path):
    assert format_of(Path("a.yml")) == "yaml" and format_of(Path("a.JSONL")) == "jsonl"
    assert format_of(Path("a.txt"), "jsonl") == "jsonl"
    with pytest.raises(MemoryStoreError, match="pass --format"):
        format_of(Path("a.txt"))
    with pytest.raises(MemoryStoreError, match="no such file"):
        read_pool(tmp_path / "missing.yaml")


@pytest.mark.parametrize("action, reason", [
    ("search[red mug]", "a mug: red"), ("click[a: b]", "why"), ("GOBACK", "wrong page"),
    ("INPUT(3, how to: knit)", "<input id=\"3\">"), ("click[buy now]", ""),
])
def test_history_entries_split_back(action, reason):
    assert history_pair(history_text(action, reason)) == (action, reason)


def test_import_conflict_modes(client_store, tmp_path):
    store = client_store()
    state = webshop_state("a lamp", "WebShop", ("search",))
    pool = tmp_path / "pool.jsonl"
    pool.write_text(dump_jsonl([Experience(state, "search[lamp]", q=1.0, visits=3)]))
    store.add([Experience(state, "search[lamp]", q=0.2, visits=1)])
    assert import_pool(store, pool) == (1, 0, 1)
    assert store.get([Experience(state, "search[lamp]").id])[0].q == 0.2  # skip keeps it
    import_pool(store, pool, on_conflict="merge")
    merged = store.get([Experience(state, "search[lamp]").id])[0]
    assert (merged.visits, merged.q) == (4, pytest.approx((0.2 + 3.0) / 4))
    import_pool(store, pool, on_conflict="replace")
    assert store.get([Experience(state, "search[lamp]").id])[0].visits == 3


def test_merge_collections_weights_by_visits_and_unions_ledgers(client_store):
    state = webshop_state("a lamp", "WebShop", ("search",))
    a, b, target = client_store(), client_store("pool-b"), client_store("pool-c")
    a.add([Experience(state, "search[lamp]", q=1.0, visits=1, updated_at=5.0),
           Experience(state, "search[desk lamp]", q=0.4, visits=2)])
    b.add([Experience(state, "search[lamp]", q=0.0, visits=3, reason="newer", updated_at=9.0)])
    Updater(a).apply("ep-a", [Transition(state, "search[lamp]", 1.0)], ended=True)
    target.add([Experience(state, "search[lamp]", q=0.5, visits=4, updated_at=1.0)])
    assert merge_collections(target, [a, b]) == (3, 1)
    lamp = by_action(target.iter_experiences())["search[lamp]"]
    # a after its episode: visits 2, Q (1 + 1) / 2 = 1; b: 3 at 0; target: 4 at 0.5
    assert lamp.visits == 9 and lamp.q == pytest.approx((2 * 1.0 + 3 * 0.0 + 4 * 0.5) / 9)
    assert target.has_episode("ep-a")
    assert target.count() == 2


def test_copy_collection_is_exact(client_store):
    source, target = client_store(), client_store("pool-b")
    updated_memory(source)
    assert copy_collection(source, target) == 4
    include = ["embeddings", "documents", "metadatas"]
    for src, dst in ((raw_collection(source), raw_collection(target)),
                     (raw_collection(source, ".tasks"), raw_collection(target, ".tasks"))):
        one, two = src.get(include=include), dst.get(include=include)
        rows_one = {i: (d, m, e) for i, d, m, e in zip(one["ids"], one["documents"],
                                                       one["metadatas"], one["embeddings"].tolist())}
        rows_two = {i: (d, m, e) for i, d, m, e in zip(two["ids"], two["documents"],
                                                       two["metadatas"], two["embeddings"].tolist())}
        assert rows_one == rows_two and rows_one
    assert sorted(i for i, _ in target.episodes()) == ["ep-1", "ep-2"]
    with pytest.raises(MemoryStoreError, match="not empty"):
        copy_collection(source, target)
