"""The Q updater: hand-worked numbers for every mode, idempotency, crash and resume, capacity."""

from __future__ import annotations

import pytest

from environments.registry import spec
from memory_store.errors import MemoryStoreError
from memory_store.records import Experience, State, Transition, experience_id
from memory_store.store import ExperienceStore
from memory_store.updater import Updater
from tests.fakes import FakeEmbedderForTests
from tests.raw_chroma import raw_collection

TASK = "a red ceramic mug under 20 dollars"
SEARCH = ("search",)
RESULTS = ("back to search", "next >", "b01mug0001", "b02mug0002")
ITEM = ("back to search", "< prev", "description", "buy now")


def state(obs: str, actions=SEARCH, task: str = TASK) -> State:
    return spec("webshop").new_state(task, obs, available_actions=actions)


S0 = state("WebShop [SEP] search box")
S1 = state("Results page 1: red mug, blue mug", RESULTS)
S2 = state("Red ceramic mug, $12", ITEM)


def episode(rewards=(0.0, 0.0, 1.0)) -> list[Transition]:
    """s0 --search--> s1 --click b01--> s2 --buy--> end, with the given rewards r1, r2, r3."""
    return [
        Transition(S0, "search[red mug]", rewards[0], reason="look for mugs"),
        Transition(S1, "click[b01mug0001]", rewards[1], reason="the red one"),
        Transition(S2, "click[buy now]", rewards[2], reason="matches"),
    ]


@pytest.fixture
def store():
    opened = ExperienceStore.open("updater-test", in_memory=True, embedder=FakeEmbedderForTests())
    yield opened
    opened.close()


def seed_prior(store: ExperienceStore) -> None:
    """Before the episode: s1 has click[b01] Q .8 (2 visits) and click[b02] Q .3; s2 has buy Q .5."""
    store.add([
        Experience(S1, "click[b01mug0001]", q=0.8, visits=2, reason="old reason"),
        Experience(S1, "click[b02mug0002]", q=0.3, visits=1),
        Experience(S2, "click[buy now]", q=0.5, visits=1),
    ])


def q_of(store, st: State, action: str) -> tuple[float, int]:
    (exp,) = store.get([experience_id(st.state_id, action)])
    return exp.q, exp.visits


def test_monte_carlo_returns_and_mean_averaging(store):
    updater = Updater(store)
    report = updater.apply("ep-1", episode((0.0, 0.5, 1.0)), ended=True)
    # G_t = sum of the rest of the rewards (gamma = 1): G0 = 1.5, G1 = 1.5, G2 = 1
    assert report.returns == [1.5, 1.5, 1.0]
    assert (report.updated, report.added, report.steps) == (3, 3, 3)
    assert q_of(store, S0, "search[red mug]") == (1.5, 1)
    # A second episode through s0 with G0 = 0.5: mean of 1.5 and 0.5.
    updater.apply("ep-2", episode((0.0, 0.0, 0.5)), ended=True)
    assert q_of(store, S0, "search[red mug]") == (pytest.approx(1.0), 2)
    assert q_of(store, S2, "click[buy now]") == (pytest.approx(0.75), 2)


def test_monte_carlo_with_discount(store):
    report = Updater(store, gamma=0.5).apply("ep", episode((0.0, 0.0, 1.0)), ended=True)
    assert report.returns == pytest.approx([0.25, 0.5, 1.0])


def test_new_experiences_keep_reason_provenance_and_reward(store):
    seed_prior(store)
    Updater(store).apply("run-a/ep-7", episode(), ended=True)
    (new,) = store.get([experience_id(S0.state_id, "search[red mug]")])
    assert (new.reason, new.provenance, new.reward) == ("look for mugs", "run-a/ep-7", 0.0)
    (old,) = store.get([experience_id(S1.state_id, "click[b01mug0001]")])
    assert old.reason == "the red one"  # the latest reason replaces the old one
    assert old.provenance == ""  # where it came from is kept
    meta = raw_collection(store).get(ids=[experience_id(S1.state_id, "click[b01mug0001]")])["metadatas"][0]
    assert (meta["last_episode"], meta["last_step"]) == ("run-a/ep-7", 1)


def test_one_step_bootstrap_from_stored_states(store):
    seed_prior(store)
    report = Updater(store, n_step=1).apply("ep", episode(), ended=True)
    # G0 = r1 + max Q(s1) = 0 + .8; G1 = r2 + max Q(s2) = 0 + .5; G2 = r3 = 1 (episode end)
    assert report.returns == pytest.approx([0.8, 0.5, 1.0])
    assert q_of(store, S0, "search[red mug]") == (pytest.approx(0.8), 1)
    assert q_of(store, S1, "click[b01mug0001]") == (pytest.approx(0.8 + (0.5 - 0.8) / 3), 3)
    assert q_of(store, S2, "click[buy now]") == (pytest.approx(0.75), 2)
    assert q_of(store, S1, "click[b02mug0002]") == (0.3, 1)  # not taken: unchanged


def test_two_step_bootstrap_with_discount_and_truncation(store):
    seed_prior(store)
    report = Updater(store, n_step=2, gamma=0.5).apply("ep", episode(), ended=True)
    # G0 = r1 + .5 r2 + .25 max Q(s2) = .25 * .5; G1 = r2 + .5 r3 (truncated) = .5; G2 = 1
    assert report.returns == pytest.approx([0.125, 0.5, 1.0])
    assert q_of(store, S0, "search[red mug]") == (pytest.approx(0.125), 1)
    assert q_of(store, S1, "click[b01mug0001]") == (pytest.approx(0.7), 3)


def test_constant_step_size(store):
    seed_prior(store)
    Updater(store, mode="const", alpha=0.1).apply("ep", episode(), ended=True)
    # Monte Carlo: every G is 1. New: 0 + .1 (1 - 0); old: .8 + .1 (1 - .8); .5 + .1 (1 - .5)
    assert q_of(store, S0, "search[red mug]") == (pytest.approx(0.1), 1)
    assert q_of(store, S1, "click[b01mug0001]") == (pytest.approx(0.82), 3)
    assert q_of(store, S2, "click[buy now]") == (pytest.approx(0.55), 2)


def test_bootstrap_from_the_most_similar_stored_state(store):
    other_item = state("Blue mug, $9", ITEM)  # same task, item page: s = 1
    other_search = state("WebShop [SEP] search box, again")  # same task, search page: s = .5
    store.add([Experience(other_item, "click[buy now]", q=0.6, visits=1),
               Experience(other_search, "search[mug]", q=0.9, visits=4)])
    steps = [Transition(S1, "click[b01mug0001]", 0.0), Transition(S2, "click[buy now]", 1.0)]
    report = Updater(store, n_step=1).apply("ep", steps, ended=True)
    # s2 itself is not stored: V(s2) = max Q of the most similar stored state (the item page) = .6
    assert report.returns == pytest.approx([0.6, 1.0])


def test_bootstrap_is_zero_in_an_empty_memory(store):
    steps = [Transition(S1, "click[b01mug0001]", 0.25), Transition(S2, "click[buy now]", 1.0)]
    assert Updater(store, n_step=1).apply("ep", steps, ended=True).returns == [0.25, 1.0]


SECOND_RESULTS = state("Results page 2: green mug", RESULTS)


def bootstrap_on_own_episode() -> list[Transition]:
    """s2 is new, and the stored state most like it is s0, updated earlier in this episode."""
    return [Transition(S1, "click[b01mug0001]", 0.5), Transition(S2, "click[< prev]", 0.0),
            Transition(SECOND_RESULTS, "click[b02mug0002]", 1.0)]


def test_batch_apply_sees_its_own_earlier_updates(store):
    report = Updater(store, n_step=1).apply("ep", bootstrap_on_own_episode(), ended=True)
    # G0 = .5 + V(s2) = .5 (nothing stored); G1 = 0 + V(page 2) = Q(s1) = .5 (same task and
    # page kind as s1, which step 0 has just updated); G2 = 1.
    assert report.returns == pytest.approx([0.5, 0.5, 1.0])


def test_online_session_matches_batch_apply(store):
    online = ExperienceStore.open("online", client=store.client, embedder=store.embedder)
    updater = Updater(online, n_step=1)
    session = updater.start_episode("ep")
    transitions = bootstrap_on_own_episode()
    session.step(transitions[0])
    assert online.count() == 0  # step 0 needs s1 first
    session.step(transitions[1])
    assert q_of(online, S1, "click[b01mug0001]") == (pytest.approx(0.5), 1)  # written at t+n
    session.step(transitions[2])
    report = session.finish(ended=True)
    assert report.returns == pytest.approx([0.5, 0.5, 1.0])
    batch = Updater(store, n_step=1).apply("ep", transitions, ended=True)
    for row in store.iter_experiences():
        assert q_of(online, row.state, row.action) == (pytest.approx(row.q), row.visits)
    assert batch.returns == pytest.approx(report.returns)


def test_unfinished_episode(store):
    report = Updater(store).apply("mc", episode(), ended=False)
    assert report.returns == [None, None, None] and store.count() == 0
    report = Updater(store, n_step=1).apply("n1", episode(), ended=False)
    assert report.returns[:2] == [0.0, 0.0] and report.returns[2] is None
    assert store.count() == 2


def test_applying_an_episode_twice_changes_nothing(store):
    seed_prior(store)
    updater = Updater(store)
    updater.apply("ep", episode(), ended=True)
    before = {e.id: (e.q, e.visits) for e in store.iter_experiences()}
    again = updater.apply("ep", episode(), ended=True)
    assert not again.applied and again.updated == 0
    assert {e.id: (e.q, e.visits) for e in store.iter_experiences()} == before
    assert updater.is_applied("ep") and not updater.is_applied("other")


def test_crash_before_the_ledger_write_is_detected(store):
    seed_prior(store)
    updater = Updater(store, n_step=1)
    updater.apply("ep", episode(), ended=True)
    before = {e.id: (e.q, e.visits) for e in store.iter_experiences()}
    raw_collection(store, ".episodes").delete(ids=["ep"])  # as if the process died after the row write
    resumed = updater.apply("ep", episode(), ended=True)
    assert resumed.applied and resumed.resumed and resumed.updated == 0
    assert {e.id: (e.q, e.visits) for e in store.iter_experiences()} == before
    assert updater.is_applied("ep")


def test_crash_between_adding_and_updating_new_rows(store):
    # The new rows were added (Q = 0, visits = 0) but never updated: same result as a clean run.
    clean = ExperienceStore.open("clean", client=store.client, embedder=store.embedder)
    Updater(clean).apply("ep", episode(), ended=True)
    store.add([Experience(t.state, t.action) for t in episode()])
    Updater(store).apply("ep", episode(), ended=True)
    assert {e.id: (e.q, e.visits) for e in store.iter_experiences()} == {
        e.id: (e.q, e.visits) for e in clean.iter_experiences()}


def test_online_crash_mid_episode_then_replay(store):
    seed_prior(store)
    clean = ExperienceStore.open("clean", client=store.client, embedder=store.embedder)
    seed_prior(clean)
    Updater(clean, n_step=1).apply("ep", episode(), ended=True)
    first = Updater(store, n_step=1).start_episode("ep")
    for transition in episode()[:2]:
        first.step(transition)  # step 0 written, then the process "dies"
    replay = Updater(store, n_step=1).start_episode("ep")
    for transition in episode():
        replay.step(transition)
    report = replay.finish(ended=True)
    assert report.resumed and report.returns[0] is None  # step 0 was not counted twice
    assert {e.id: (pytest.approx(e.q), e.visits) for e in store.iter_experiences()} == {
        e.id: (e.q, e.visits) for e in clean.iter_experiences()}


def test_action_capacity_drops_lowest_reward_then_untouched_then_oldest(store):
    store.add([
        Experience(S1, "click[b01mug0001]", q=0.1, reward=0.0, visits=1, created_at=100.0),
        Experience(S1, "click[b02mug0002]", q=0.2, reward=0.2, visits=1, created_at=50.0),
        Experience(S1, "click[next >]", q=0.3, reward=0.0, visits=1, created_at=200.0),
    ])
    steps = [Transition(S1, "click[back to search]", 0.0), Transition(S0, "search[mug]", 1.0)]
    report = Updater(store, max_actions_per_state=2).apply("ep", steps, ended=True)
    # Reward 0: b01 (old), next > (newer), back to search (this episode): b01 and next > go.
    assert report.dropped == 2
    assert sorted(a.action for a in store.state_actions(S1.state_id)) == [
        "click[b02mug0002]", "click[back to search]"]


def test_state_capacity_drops_least_visited_oldest_first(store):
    a, b, c = (state(f"search box {i}", task=f"task {i}") for i in "abc")
    store.add([Experience(a, "search[x]", visits=5, created_at=10.0),
               Experience(b, "search[y]", visits=1, created_at=20.0),
               Experience(c, "search[z]", visits=1, created_at=30.0)])
    report = Updater(store, max_states=3).apply("ep", [Transition(S0, "search[mug]", 1.0)], True)
    assert report.dropped == 1
    remaining = {e.state.task for e in store.iter_experiences()}
    assert remaining == {"task a", "task c", TASK}  # b: fewest visits and older than c
    assert store.task_count() == 3  # the dropped task left the task index too


@pytest.mark.parametrize("kwargs", [
    {"n_step": 0}, {"gamma": 1.5}, {"mode": "median"}, {"alpha": 0.0},
    {"max_actions_per_state": 0}, {"max_states": 0}, {"lam": -0.1},
])
def test_bad_settings_are_user_errors(store, kwargs):
    with pytest.raises(MemoryStoreError):
        Updater(store, **kwargs)


def test_finished_session_refuses_more_steps(store):
    session = Updater(store).start_episode("ep")
    session.finish(ended=True)
    with pytest.raises(MemoryStoreError):
        session.step(episode()[0])


def test_every_client_kind(make_store):
    store = make_store()
    seed_prior(store)
    updater = Updater(store, n_step=1)
    assert updater.apply("ep", episode(), ended=True).returns == pytest.approx([0.8, 0.5, 1.0])
    assert not updater.apply("ep", episode(), ended=True).applied
    assert q_of(store, S2, "click[buy now]") == (pytest.approx(0.75), 2)
