"""n-step returns as the original (OpenDFM/Rememberer, history.py) computes them, worked by hand.

Two rules decide which stored state V(s_{t+n}) comes from when s_{t+n} is not stored as it is:

1. (s_t, a_t) is recorded — created at Q = 0 if new, its visit counted — *before* the bootstrap
   state is looked up, so s_t itself is a candidate (and a loop s_{t+n} = s_t finds s_t exactly);
2. candidates rank by (score, visits), and exact ties go to the state stored first.

All WebShop states below share one task, so f_g = 1 and the score is .5 + .5·f_o (λ = .5), where
f_o is 1 for the same page kind, .3 between an item page and its sub-page, else 0. γ = 1, 1-step,
mean averaging: Q += (G - Q) / visits.
"""

from __future__ import annotations

import pytest

from environments.registry import spec
from memory_store.records import Experience, State, Transition, experience_id
from memory_store.store import ExperienceStore
from memory_store.updater import Updater
from tests.fakes import FakeEmbedderForTests

TASK = "a red ceramic mug under 20 dollars"
RESULTS = ("back to search", "next >", "b01mug0001", "b02mug0002")
ITEM = ("back to search", "< prev", "description", "buy now")
SUBPAGE = ("back to search", "< prev")


def state(obs: str, actions) -> State:
    return spec("webshop").new_state(TASK, obs, available_actions=actions)


PAGE_1 = state("Results page 1: red mug, blue mug", RESULTS)
PAGE_2 = state("Results page 2: green mug", RESULTS)
RED_MUG = state("Red ceramic mug, $12", ITEM)
DESCRIPTION = state("Red ceramic mug: description", SUBPAGE)


@pytest.fixture
def store():
    opened = ExperienceStore.open("nstep-test", in_memory=True, embedder=FakeEmbedderForTests())
    yield opened
    opened.close()


def q_of(store: ExperienceStore, st: State, action: str) -> tuple[float, int]:
    (exp,) = store.get([experience_id(st.state_id, action)])
    return exp.q, exp.visits


def run(store: ExperienceStore, episode_id: str, steps: list[Transition], *, online: bool):
    """Apply one finished episode, 1-step, in one batch or step by step."""
    updater = Updater(store, n_step=1)
    if not online:
        return updater.apply(episode_id, steps, ended=True)
    session = updater.start_episode(episode_id)
    for step in steps:
        session.step(step)
    return session.finish(ended=True)


def self_loop() -> list[Transition]:
    """On page 1 the agent clicks a product that is not there: the page does not change."""
    return [Transition(PAGE_1, "click[b09mug0009]", 0.0),
            Transition(PAGE_1, "click[b01mug0001]", 1.0)]


@pytest.mark.parametrize("online", [False, True], ids=["batch", "online"])
def test_a_self_loop_bootstraps_from_the_current_state(store, online):
    store.add([Experience(PAGE_2, "click[b02mug0002]", q=0.9, visits=1)])
    first = run(store, "ep-1", self_loop(), online=online)
    # Episode 1. t=0: (page 1, b09) is recorded first (Q 0, 1 visit), so s_1 = page 1 is now
    # stored: V = max Q(page 1) = max{b09: 0} = 0, and G0 = 0 + 0 = 0 — not the 0.9 of page 2,
    # the only state stored before the episode. t=1: the episode ends, G1 = r = 1.
    assert first.returns == [0.0, 1.0]
    assert q_of(store, PAGE_1, "click[b09mug0009]") == (0.0, 1)
    assert q_of(store, PAGE_1, "click[b01mug0001]") == (1.0, 1)
    second = run(store, "ep-2", self_loop(), online=online)
    # Episode 2. t=0: b09 goes to 2 visits, Q still 0; V(page 1) = max{b09: 0, b01: 1} = 1,
    # G0 = 1, Q = 0 + (1 - 0) / 2 = .5. t=1: G1 = 1, Q(b01) = 1 + (1 - 1) / 2 = 1.
    assert second.returns == [1.0, 1.0]
    assert q_of(store, PAGE_1, "click[b09mug0009]") == (0.5, 2)
    assert q_of(store, PAGE_1, "click[b01mug0001]") == (1.0, 2)
    assert q_of(store, PAGE_2, "click[b02mug0002]") == (0.9, 1)  # never taken: unchanged


@pytest.mark.parametrize("online", [False, True], ids=["batch", "online"])
def test_the_current_state_competes_with_its_new_visit(store, online):
    other_mug = state("Blue ceramic mug, $9", ITEM)
    store.add([Experience(other_mug, "click[buy now]", q=0.6, visits=1)])  # stored first
    store.add([Experience(RED_MUG, "click[buy now]", q=0.1, visits=1)])
    steps = [Transition(RED_MUG, "click[description]", 0.0),
             Transition(DESCRIPTION, "click[< prev]", 0.0)]
    report = run(store, "ep", steps, online=online)
    # t=0: (red mug, description) is recorded first, so the red mug page has 2 visits. s_1 =
    # the description sub-page, not stored; both item pages score .5 + .5·.3 = .65, and the red
    # mug wins on visits (2 against 1) although the blue mug is older: V = max{buy: .1,
    # description: 0} = .1, G0 = .1. t=1: the episode ends, G1 = 0.
    assert report.returns == pytest.approx([0.1, 0.0])
    assert q_of(store, RED_MUG, "click[description]") == (pytest.approx(0.1), 1)
    assert q_of(store, DESCRIPTION, "click[< prev]") == (0.0, 1)


def two_item_pages() -> tuple[State, State]:
    """Two stored item pages of the task, the older one with the *larger* state id, so that
    "older first" and "smaller id first" disagree."""
    first = state("Red mug A, $12", ITEM)
    second = state("Red mug B, $14", ITEM)
    return tuple(sorted([first, second], key=lambda s: s.state_id, reverse=True))


@pytest.mark.parametrize("online", [False, True], ids=["batch", "online"])
def test_tied_item_pages_bootstrap_from_the_older(store, online):
    older, newer = two_item_pages()
    store.add([Experience(older, "click[buy now]", q=0.2, visits=1)])
    store.add([Experience(newer, "click[buy now]", q=0.7, visits=1)])
    steps = [Transition(PAGE_1, "click[b01mug0001]", 0.0),
             Transition(RED_MUG, "click[buy now]", 1.0)]
    report = run(store, "ep", steps, online=online)
    # t=0: (page 1, b01) recorded (score for an item page: .5 + .5·0 = .5). s_1 = the red mug
    # page, not stored: the two stored item pages both score 1 with 1 visit each — an exact tie,
    # which goes to the one stored first: V = .2 (the smaller state id would give .7). G0 = .2.
    # t=1: the episode ends, G1 = 1.
    assert report.returns == pytest.approx([0.2, 1.0])
    assert q_of(store, PAGE_1, "click[b01mug0001]") == (pytest.approx(0.2), 1)
    assert q_of(store, RED_MUG, "click[buy now]") == (1.0, 1)


def test_more_visits_beat_being_older(store):
    older, newer = two_item_pages()
    store.add([Experience(older, "click[buy now]", q=0.2, visits=1)])
    store.add([Experience(newer, "click[buy now]", q=0.7, visits=2)])
    report = Updater(store, n_step=1).apply("ep", [
        Transition(PAGE_1, "click[b01mug0001]", 0.0),
        Transition(RED_MUG, "click[buy now]", 1.0)], ended=True)
    # The same scores, but the newer page has 2 visits: V = .7, G0 = .7.
    assert report.returns == pytest.approx([0.7, 1.0])


def test_retrieval_ranks_exact_ties_older_first_after_a_reopen(tmp_path):
    older, newer = two_item_pages()
    with ExperienceStore.open("reopened", path=tmp_path / "mem", embedder=FakeEmbedderForTests()) as s:
        s.add([Experience(older, "click[buy now]", q=0.2, visits=1)])
        s.add([Experience(newer, "click[buy now]", q=0.7, visits=1)])
    with ExperienceStore.open("reopened", path=tmp_path / "mem", embedder=FakeEmbedderForTests()) as s:
        # numbering goes on after the reopen: a third page stored now is the newest
        third = state("Red mug C, $16", ITEM)
        s.add([Experience(third, "click[buy now]", q=0.5, visits=1)])
        found = s.retrieve(RED_MUG, m=3)
        assert [f.state_id for f in found] == [older.state_id, newer.state_id, third.state_id]
        assert [f.order for f in found] == [(0, 0), (0, 1), (0, 2)]


def test_an_import_numbers_new_rows_oldest_first(store):
    from memory_store.pools import write_experiences

    older, newer = two_item_pages()
    write_experiences(store, [Experience(newer, "click[buy now]", q=0.7, visits=1, created_at=20.0),
                              Experience(older, "click[buy now]", q=0.2, visits=1, created_at=10.0)])
    assert [f.state_id for f in store.retrieve(RED_MUG, m=2)] == [older.state_id, newer.state_id]
