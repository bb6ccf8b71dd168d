"""Retrieval: the similarity functions, and exactness against brute force on random memories."""

from __future__ import annotations

import random

import pytest

from memory_store.errors import MemoryStoreError
from memory_store.records import Experience, State
from memory_store.retrieval import brute_force_retrieve
from environments.registry import spec
from environments.webshop.spec import page_pattern as webshop_page_pattern
from environments.webshop.spec import page_similarity as webshop_page_similarity
from environments.wikihow.spec import (
    instruction_kind, instruction_similarity, screen_similarity, screen_tags,
)

SEARCH = ("search",)
RESULTS = ("back to search", "next >", "b06ahk3l4m", "b01xyzz123", "b09qqqq000")
ITEM = ("back to search", "< prev", "description", "features", "reviews", "buy now", "red")
SUBPAGE = ("back to search", "< prev")


@pytest.mark.parametrize("actions, pattern", [
    (SEARCH, "search"), (RESULTS, "results"), (ITEM, "item"), (SUBPAGE, "subpage"),
    (("back to search", "next >"), "unknown"),  # a results page needs a product id
    (("back to search", "< prev", "next >", "b02abcdefg"), "results"),  # page 2+
    (("back to search", "next >", "b02abcdefg"), "results"),  # fewer than 3 results
    (("back to search", "next >", "description"), "unknown"),
    (("search", "click[x]"), "unknown"),
])
def test_webshop_page_pattern(actions, pattern):
    assert webshop_page_pattern(actions) == pattern


def test_webshop_page_similarity_table():
    assert webshop_page_similarity("item", "item") == 1.0
    assert webshop_page_similarity("item", "subpage") == 0.3
    assert webshop_page_similarity("subpage", "item") == 0.3
    assert webshop_page_similarity("search", "results") == 0.0
    assert webshop_page_similarity("unknown", "unknown") == 0.0


def test_screen_tags_and_lcs_similarity():
    screen = ('<button class="menu" id="0" clickable="true"></button>\n'
              '<img class="logo" alt="wikiHow" id="1" clickable="false"></img>\n'
              '<p class="text" id="2" clickable="false">Hi</p>')
    assert screen_tags(screen) == ("button", "img", "p")
    assert screen_similarity(("button", "img", "p"), ("button", "p")) == pytest.approx(2 / 3)
    assert screen_similarity(("a", "b", "c", "d"), ("d", "c", "b", "a")) == pytest.approx(1 / 4)
    assert screen_similarity((), ()) == 1.0


def test_instruction_kinds_including_reference():
    assert instruction_kind("") == "search"
    assert instruction_kind('Access the article "How to Knit a Scarf"') == "article"
    assert instruction_kind("Check the author page of Dana Reyes.") == "author"
    assert instruction_kind("Access the page of category Hobbies") == "category"
    assert instruction_kind("Check the reference list") == "reference"
    assert instruction_kind("Access the about page to learn why people trust wikihow.") == "about"
    assert instruction_similarity("author", "category") == 0.8
    assert instruction_similarity("reference", "about") == 0.8
    assert instruction_similarity("search", "article") == 0.1
    assert instruction_similarity("search", "unknown") == 0.0


def _ws(task, obs, actions):
    return spec("webshop").new_state(task, obs, available_actions=actions)


def test_ties_go_to_the_state_with_more_visits(make_store):
    store = make_store()
    task = "a warm wool blanket"
    few = _ws(task, "obs few", ITEM)
    many = _ws(task, "obs many", ITEM)
    store.add([Experience(few, "click[buy now]", visits=1),
               Experience(many, "click[buy now]", visits=2),
               Experience(many, "click[red]", visits=3)])
    best = store.retrieve(_ws(task, "new", ITEM), m=1)
    assert best[0].state.observation == "obs many" and best[0].visits == 5
    assert {a.action for a in best[0].actions} == {"click[buy now]", "click[red]"}


def test_lambda_weights_task_and_observation(make_store):
    store = make_store()
    same_task = _ws("green tea bags organic", "search page", SEARCH)
    same_page = _ws("leather office chair", "item page", ITEM)
    store.add([Experience(same_task, "search[green tea]"), Experience(same_page, "click[buy now]")])
    query = _ws("green tea bags organic", "an item", ITEM)
    assert store.retrieve(query, m=1, lam=1.0)[0].state == same_task
    assert store.retrieve(query, m=1, lam=0.0)[0].state == same_page
    top = store.retrieve(query, m=2, lam=0.5)
    assert [round(r.score, 6) for r in top] == sorted((round(r.score, 6) for r in top),
                                                      reverse=True)
    assert top[0].score == pytest.approx(0.5 * top[0].f_g + 0.5 * top[0].f_o)


def test_bad_parameters_and_other_envs(make_store):
    store = make_store()
    with pytest.raises(MemoryStoreError):
        store.retrieve(_ws("t", "o", SEARCH), m=0)
    with pytest.raises(MemoryStoreError):
        store.retrieve(_ws("t", "o", SEARCH), lam=1.5)
    store.add([Experience(_ws("t", "o", SEARCH), "search[t]")])
    wikihow = spec("wikihow").new_state("t", "<p></p>", instruction="")
    assert store.retrieve(wikihow) == []  # never mixes environments


# --- exactness on random memories --------------------------------------------------------

WORDS = "red blue green wool cotton mug lamp chair socks tea organic small large cheap soft".split()
PAGES = [SEARCH, RESULTS, ITEM, SUBPAGE, ("back to search", "next >")]


def _random_webshop_memory(rng: random.Random, tasks: int) -> list[Experience]:
    exps = []
    for t in range(tasks):
        task = " ".join(rng.sample(WORDS, 4))
        for s in range(rng.randint(1, 6)):
            page = rng.choice(PAGES)
            state = _ws(task, f"page {s} of {t}", page)
            for a in rng.sample(page, min(len(page), rng.randint(1, 3))):
                # visits from a small range so that score ties happen and must be broken
                exps.append(Experience(state, f"click[{a}]", q=rng.choice([0.0, 0.5, 1.0]),
                                       visits=rng.randint(0, 2)))
    return exps


def _random_wikihow_memory(rng: random.Random, states: int) -> list[Experience]:
    instructions = ["", 'Access the article "How to X"', "Check the author page of A.",
                    "Access the page of category Food", "Check the reference list",
                    "Access the about page to learn why people trust wikihow."]
    exps = []
    for s in range(states):
        tags = rng.choices(["p", "div", "img", "button"], k=rng.randint(3, 9))
        screen = "\n".join(f'<{t} id="{i}"></{t}>' for i, t in enumerate(tags))
        state = spec("wikihow").new_state(f"command {s % 7}", screen,
                                          instruction=rng.choice(instructions))
        exps.append(Experience(state, f"CLICK({rng.randint(0, 5)})", visits=rng.randint(0, 2)))
    return exps


def _same(fast, slow):
    assert [r.state_id for r in fast] == [r.state_id for r in slow]
    assert [r.score for r in fast] == [r.score for r in slow]
    assert [[a.id for a in r.actions] for r in fast] == [[a.id for a in r.actions] for r in slow]


@pytest.mark.parametrize("seed", range(6))
def test_retrieval_equals_brute_force_on_random_webshop_memories(seed, fake_embedder):
    from memory_store.store import ExperienceStore

    rng = random.Random(seed)
    with ExperienceStore.open(in_memory=True, embedder=fake_embedder) as store:
        store.add(_random_webshop_memory(rng, tasks=rng.randint(5, 60)))
        for _ in range(15):
            query = _ws(" ".join(rng.sample(WORDS, 4)), "q", rng.choice(PAGES))
            m, lam = rng.randint(1, 5), rng.choice([0.0, 0.3, 0.5, 0.8, 1.0])
            _same(store.retrieve(query, m=m, lam=lam),
                  brute_force_retrieve(store, query, m=m, lam=lam))


@pytest.mark.parametrize("seed", range(3))
def test_retrieval_equals_brute_force_on_random_wikihow_memories(seed, fake_embedder):
    from memory_store.store import ExperienceStore

    rng = random.Random(100 + seed)
    with ExperienceStore.open(in_memory=True, embedder=fake_embedder) as store:
        store.add(_random_wikihow_memory(rng, states=rng.randint(10, 80)))
        for query in _random_wikihow_memory(rng, states=10):
            m, lam = rng.randint(1, 4), rng.choice([0.0, 0.5, 1.0])
            _same(store.retrieve(query.state, m=m, lam=lam),
                  brute_force_retrieve(store, query.state, m=m, lam=lam))


def test_retrieval_on_the_server_equals_brute_force(make_store):
    store = make_store()
    rng = random.Random(7)
    store.add(_random_webshop_memory(rng, tasks=30))
    for _ in range(5):
        query = _ws(" ".join(rng.sample(WORDS, 4)), "q", rng.choice(PAGES))
        _same(store.retrieve(query, m=3), brute_force_retrieve(store, query, m=3))


def test_retrieval_stops_early_without_chroma_round_trips(fake_embedder):
    from memory_store.store import ExperienceStore

    rng = random.Random(3)
    with ExperienceStore.open(in_memory=True, embedder=fake_embedder) as store:
        exps = [Experience(_ws(f"w{t} x{t} y{t}", f"page {s}", rng.choice(PAGES)), "click[a]")
                for t in range(300) for s in range(5)]
        store.add(exps)
        known = next(store.iter_experiences(where={"pattern": "item"}))
        store.retrieve(known.state, m=1)  # builds the in-process index once
        index = store.state_index()
        groups, rows_read = [], []
        rows = store._rows  # noqa: SLF001 - count the raw Chroma reads
        real_group, real_get = index.group, rows.get
        index.group = lambda *a: groups.append(a) or real_group(*a)
        rows.get = lambda *a, **k: rows_read.append(k.get("ids")) or real_get(*a, **k)
        result = store.retrieve(known.state, m=1)
        index.group, rows.get = real_group, real_get
        assert result[0].state.task == known.state.task and result[0].score == pytest.approx(1.0)
        assert result == brute_force_retrieve(store, known.state, m=1)
        assert len(groups) < 10  # of 300 tasks
        assert rows_read == []  # the only writer serves the winners from its own copy


def test_index_follows_writes_and_deletes(fake_embedder):
    from memory_store.store import ExperienceStore

    with ExperienceStore.open(in_memory=True, embedder=fake_embedder) as store:
        first = _ws("oak desk", "a", ITEM)
        store.add([Experience(first, "click[buy now]")])
        assert store.retrieve(first, m=1)[0].state == first
        second = _ws("oak desk", "b", ITEM)
        store.add([Experience(second, "click[buy now]", visits=4)])
        assert store.retrieve(first, m=1)[0].state == second  # tie broken by visits
        row = Experience(first, "click[buy now]").id
        store.update_metadata([row], [{"visits": 9}])
        assert store.retrieve(first, m=1)[0].state == first
        store.delete([row])
        assert [r.state for r in store.retrieve(first, m=2)] == [second]


def test_a_server_reader_sees_another_writers_changes(chroma_server, fake_embedder):
    from memory_store.store import ExperienceStore

    host, port = chroma_server
    name = f"shared-{random.randrange(10**9)}"
    with ExperienceStore.open(name, host=host, port=port, embedder=fake_embedder) as writer, \
            ExperienceStore.open(name, host=host, port=port, embedder=fake_embedder) as reader:
        state = _ws("walnut bookshelf", "page", ITEM)
        writer.add([Experience(state, "click[buy now]", q=0.0)])
        assert reader.retrieve(state, m=1)[0].actions[0].q == 0.0
        row = Experience(state, "click[buy now]").id
        writer.update_metadata([row], [{"q": 0.9, "visits": 1}])
        assert reader.retrieve(state, m=1)[0].actions[0].q == 0.9  # rows are read fresh
        newer = _ws("walnut bookshelf", "other page", ITEM)
        writer.add([Experience(newer, "click[buy now]", visits=5)])
        assert reader.retrieve(state, m=1)[0].state == newer  # index rebuilt: row count changed
