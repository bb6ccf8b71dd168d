"""`Updater.apply_round`: a round of episodes applied with one read and one write leaves exactly the
memory that applying them one by one leaves (Q, visits, markers, creation order, ledger), for
Monte Carlo and n-step returns; and a crash in the middle of the round's write resumes to it."""

from __future__ import annotations

import random

import pytest

from environments.registry import spec
from memory_store.records import Experience, State, Transition
from memory_store.store import ExperienceStore
from memory_store.updater import Updater
from tests.fakes import FakeEmbedderForTests

TASKS = ("a red ceramic mug under 20 dollars", "blue cotton socks, pack of six")
PAGES = {
    "search": ("search",),
    "results": ("back to search", "next >", "b01", "b02"),
    "item": ("back to search", "< prev", "description", "buy now"),
}
VOLATILE = ("created_at", "updated_at", "applied_at")


def states() -> list[State]:
    webshop = spec("webshop")
    return [webshop.new_state(task, f"{page} page {i} of {task}", available_actions=actions)
            for task in TASKS for page, actions in PAGES.items() for i in range(2)]


def episodes(seed: int, count: int, first: int = 0) -> list[tuple[str, list[Transition]]]:
    """Episodes over a few shared states, so that later episodes revisit earlier ones' rows."""
    rng = random.Random(seed)
    pool = states()
    out = []
    for k in range(first, first + count):
        steps = []
        for _ in range(rng.randint(1, 5)):
            st = rng.choice(pool)
            action = "search[mug]" if st.get("available_actions") == ("search",) else \
                f"click[{rng.choice(st.get('available_actions'))}]"
            steps.append(Transition(st, action, rng.choice((0.0, 0.0, 0.5, 1.0)), reason=f"r{k}"))
        out.append((f"run/train/epoch1/task{k}", steps))
    return out


@pytest.fixture
def stores():
    """Two memories on one in-memory client, seeded alike with a few prior experiences."""
    embedder = FakeEmbedderForTests()
    one = ExperienceStore.open("one", in_memory=True, embedder=embedder)
    two = ExperienceStore.open("two", client=one.client, embedder=embedder)
    prior = states()
    for store in (one, two):
        store.add([Experience(prior[2], "click[b01]", q=0.4, visits=2),
                   Experience(prior[8], "click[buy now]", q=0.9, visits=1)])
    yield one, two
    one.close()


def contents(store: ExperienceStore) -> tuple[dict, dict]:
    rows = {row.id: {k: v for k, v in row.metadata.items() if k not in VOLATILE}
            for row in store.iter_rows()}
    ledger = {i: {k: v for k, v in meta.items() if k not in VOLATILE}
              for i, meta in store.episodes()}
    return rows, ledger


def reports(found) -> list[tuple]:
    return [(r.episode_id, r.applied, r.updated, r.added, r.returns) for r in found]


@pytest.mark.parametrize("n_step", [None, 1, 2])
def test_a_round_leaves_the_memory_of_one_by_one(stores, n_step):
    one, two = stores
    for first in (0, 6):  # two rounds, the second building on the first
        batch = episodes(seed=first, count=6, first=first)
        by_one = [Updater(one, n_step=n_step).apply(i, steps, ended=True) for i, steps in batch]
        by_round = Updater(two, n_step=n_step).apply_round(batch)
        assert reports(by_round) == reports(by_one)
    assert contents(two) == contents(one)
    assert sum(r["visits"] for r in contents(two)[0].values()) > 3  # the episodes did update


def test_a_round_applied_twice_changes_nothing(stores):
    _, store = stores
    batch = episodes(seed=3, count=4)
    Updater(store).apply_round(batch)
    before = contents(store)
    again = Updater(store).apply_round(batch)
    assert [r.applied for r in again] == [False] * 4 and contents(store) == before


# Between the add of new rows and the update (Monte Carlo: a bootstrap would find the added
# blank rows on resume, the same narrow window `apply` has), and before the ledger write.
@pytest.mark.parametrize("fail, n_step", [("update_metadata", None), ("record_episodes", 1)])
def test_a_crash_in_the_rounds_write_resumes_to_the_same_memory(stores, monkeypatch, fail, n_step):
    clean, crashed = stores
    batch = episodes(seed=5, count=6)
    Updater(clean, n_step=n_step).apply_round(batch)

    def die(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:  # the rows are added; then the process dies
        patch.setattr(crashed, fail, die)
        with pytest.raises(KeyboardInterrupt):
            Updater(crashed, n_step=n_step).apply_round(batch)
    resumed = Updater(crashed, n_step=n_step).apply_round(batch)
    assert all(r.applied for r in resumed)
    assert any(r.resumed for r in resumed) == (fail == "record_episodes")
    rows, ledger = contents(crashed)
    assert rows == contents(clean)[0] and ledger.keys() == contents(clean)[1].keys()
