"""Double Q-learning (memory_store/double.py): two sides of one memory, each episode updating one
and bootstrapping from the other; the merged view the agent reads; the two kinds never mixed.

WebShop states of one task: f_g = 1, so with λ = .5 a state scores .5 + .5·f_o, and f_o is 1
between pages of the same kind (two item pages tie exactly), 0 between a results and an item
page. γ = 1, 1-step returns, mean averaging: visits += 1, Q += (G - Q) / visits.
"""

from __future__ import annotations

import uuid

import pytest

from environments.registry import spec
from memory_store.client import MemoryClient
from memory_store.double import DoubleMemory, DoubleUpdater, merge_metadata
from memory_store.errors import MemoryStoreError
from memory_store.pools import export_double, import_pool
from memory_store.records import Experience, State, Transition, experience_id
from memory_store.store import ExperienceStore
from tests.fakes import FakeEmbedderForTests
from tests.raw_chroma import raw_client

TASK = "a red ceramic mug under 20 dollars"
RESULTS = ("back to search", "next >", "b01mug0001", "b02mug0002")
ITEM = ("back to search", "< prev", "description", "buy now")


def state(obs: str, actions=("search",)) -> State:
    return spec("webshop").new_state(TASK, obs, available_actions=actions)


S0 = state("WebShop [SEP] search box")
S1 = state("Results page 1: red mug, blue mug", RESULTS)
S2 = state("Red ceramic mug, $12", ITEM)
BLUE = state("Blue ceramic mug, $9", ITEM)  # another item page: ties with S2 exactly


def episode() -> list[Transition]:
    """s0 --search--> s1 --click b01--> s2 --buy--> end; rewards 0, 0, 1."""
    return [Transition(S0, "search[red mug]", 0.0), Transition(S1, "click[b01mug0001]", 0.0),
            Transition(S2, "click[buy now]", 1.0)]


@pytest.fixture(params=["in-memory", "server"])
def memory(request):
    """A new double-Q memory, in memory or on a real `chroma run` server (where side B shares
    side A's writer lease and reads go to Chroma)."""
    if request.param == "in-memory":
        opened = DoubleMemory.open("dqm", in_memory=True, embedder=FakeEmbedderForTests())
    else:
        host, port = request.getfixturevalue("chroma_server")
        opened = DoubleMemory.open(f"dq-{uuid.uuid4().hex[:12]}", host=host, port=port,
                                   embedder=FakeEmbedderForTests())
    yield opened
    opened.close()


def q_of(store, st: State, action: str) -> tuple[float, int]:
    (exp,) = store.get([experience_id(st.state_id, action)])
    return exp.q, exp.visits


def test_two_episodes_in_turn_each_bootstrap_from_the_other_side(memory):
    memory.a.add([Experience(S1, "click[b01mug0001]", q=0.2, visits=1),
                  Experience(S2, "click[buy now]", q=0.4, visits=1)])
    memory.b.add([Experience(S1, "click[b01mug0001]", q=0.6, visits=1),
                  Experience(BLUE, "click[buy now]", q=0.8, visits=1)])
    updater = DoubleUpdater(memory, order="turn", n_step=1)

    first = updater.apply("ep-0", episode(), ended=True, index=0)
    # Episode 0 updates side A, reading V from side B.
    # t=0: (s0, search) is new on A: visits 1. V_B(s1) = max{b01: .6} = .6, so G0 = 0 + .6 = .6
    #      and Q = 0 + (.6 - 0) / 1 = .6.
    # t=1: (s1, b01) on A: .2, visits 1 -> 2. s2 is not on B; B's most similar state is the blue
    #      mug's item page (score 1, against .5 for the results page): V = .8, G1 = .8, and
    #      Q = .2 + (.8 - .2) / 2 = .5. (Single Q-learning would have read A's own s2: .4.)
    # t=2: (s2, buy) on A: .4, visits 2; the episode ends, G2 = 1, Q = .4 + (1 - .4) / 2 = .7.
    assert (first.side, first.returns) == ("a", pytest.approx([0.6, 0.8, 1.0]))
    assert q_of(memory.a, S0, "search[red mug]") == (pytest.approx(0.6), 1)
    assert q_of(memory.a, S1, "click[b01mug0001]") == (pytest.approx(0.5), 2)
    assert q_of(memory.a, S2, "click[buy now]") == (pytest.approx(0.7), 2)
    assert memory.b.count() == 2 and q_of(memory.b, S1, "click[b01mug0001]") == (0.6, 1)

    second = updater.apply("ep-1", episode(), ended=True, index=1)
    # Episode 1 updates side B, reading V from side A (as episode 0 left it).
    # t=0: (s0, search) is new on B: V_A(s1) = max{b01: .5} = .5, G0 = .5, Q = .5, visits 1.
    # t=1: (s1, b01) on B: .6, visits 2; V_A(s2) = max{buy: .7} = .7 (A holds s2 itself),
    #      G1 = .7, Q = .6 + (.7 - .6) / 2 = .65.
    # t=2: (s2, buy) is new on B: visits 1, G2 = 1, Q = 1.
    assert (second.side, second.returns) == ("b", pytest.approx([0.5, 0.7, 1.0]))
    assert q_of(memory.b, S0, "search[red mug]") == (pytest.approx(0.5), 1)
    assert q_of(memory.b, S1, "click[b01mug0001]") == (pytest.approx(0.65), 2)
    assert q_of(memory.b, S2, "click[buy now]") == (pytest.approx(1.0), 1)
    assert q_of(memory.b, BLUE, "click[buy now]") == (0.8, 1)  # not taken: unchanged
    # side A is as episode 0 left it
    assert q_of(memory.a, S1, "click[b01mug0001]") == (pytest.approx(0.5), 2)
    assert q_of(memory.a, S2, "click[buy now]") == (pytest.approx(0.7), 2)

    # The merged view: Q the mean of both sides', visits the sum.
    assert q_of(memory, S0, "search[red mug]") == (pytest.approx((0.6 + 0.5) / 2), 2)
    assert q_of(memory, S1, "click[b01mug0001]") == (pytest.approx((0.5 + 0.65) / 2), 4)
    assert q_of(memory, S2, "click[buy now]") == (pytest.approx((0.7 + 1.0) / 2), 3)
    assert q_of(memory, BLUE, "click[buy now]") == (0.8, 1)  # on one side only: as it is
    assert memory.count() == 4 and memory.episode_count() == 2


def test_turn_alternates_and_random_is_a_pure_function_of_seed_and_index(memory):
    assert [DoubleUpdater(memory).side_of(i) for i in range(4)] == ["a", "b", "a", "b"]
    drawn = [DoubleUpdater(memory, order="random", seed=7).side_of(i) for i in range(32)]
    assert drawn == [DoubleUpdater(memory, order="random", seed=7).side_of(i) for i in range(32)]
    assert set(drawn) == {"a", "b"}
    assert drawn != [DoubleUpdater(memory, order="random", seed=8).side_of(i) for i in range(32)]
    with pytest.raises(MemoryStoreError, match="turn or random"):
        DoubleUpdater(memory, order="sometimes")


def test_an_episode_is_applied_once_whichever_side_recorded_it(memory):
    updater = DoubleUpdater(memory, n_step=1)
    assert updater.apply("ep", episode(), ended=True, index=0).applied
    before = sorted((e.id, e.q, e.visits) for side in memory.sides for e in side.iter_experiences())
    again = updater.apply("ep", episode(), ended=True, index=0)
    elsewhere = updater.apply("ep", episode(), ended=True, index=1)  # its index would say B
    assert (again.applied, elsewhere.applied, elsewhere.side) == (False, False, "a")
    after = sorted((e.id, e.q, e.visits) for side in memory.sides for e in side.iter_experiences())
    assert after == before and memory.b.count() == 0


def test_retrieval_reads_the_merged_view(memory):
    memory.b.add([Experience(BLUE, "click[buy now]", q=0.3, visits=1)])  # stored first
    memory.a.add([Experience(S2, "click[buy now]", q=0.2, visits=1, reason="old"),
                  Experience(S2, "click[description]", q=0.9, visits=1)])
    memory.b.add([Experience(S2, "click[buy now]", q=0.6, visits=2, reason="newer")])
    memory.a.add([Experience(S1, "click[b01mug0001]", q=0.5, visits=1)])
    found = memory.retrieve(S2, m=3)
    # s2 is on both sides: one state, buy now = (.2 + .6) / 2 = .4 with 1 + 2 = 3 visits, and
    # description from side A alone. It ranks first (score 1, 4 visits), the blue mug's page
    # second (score 1, 1 visit), the results page last (score .5).
    assert [f.state_id for f in found] == [S2.state_id, BLUE.state_id, S1.state_id]
    assert [(a.action, a.q, a.visits) for a in found[0].actions] == [
        ("click[description]", 0.9, 1), ("click[buy now]", pytest.approx(0.4), 3)]
    assert found[0].visits == 4 and found[0].score == pytest.approx(1.0)
    assert memory.count() == 4  # distinct experiences: buy now on both sides counts once
    # Side A alone does not know the blue mug's page nor side B's visits.
    assert [f.state_id for f in memory.a.retrieve(S2, m=3)] == [S2.state_id, S1.state_id]


def test_exact_ties_go_to_the_older_state_across_sides(memory):
    memory.b.add([Experience(BLUE, "click[buy now]", q=0.3, visits=1)])
    memory.a.add([Experience(S2, "click[buy now]", q=0.7, visits=1)])
    # Same score, same visits: the blue mug's page was stored first (on side B), and both sides
    # number their rows from one counter, so it is the older one.
    assert [f.state_id for f in memory.retrieve(S1, m=2)] == [BLUE.state_id, S2.state_id]
    assert [f.order for f in memory.retrieve(S1, m=2)] == [(0, 0), (0, 1)]


def test_the_merged_view_follows_updates(memory):
    memory.a.add([Experience(S2, "click[buy now]", q=0.2, visits=1)])
    assert memory.retrieve(S2, m=1)[0].actions[0].q == 0.2
    DoubleUpdater(memory, n_step=1).apply("ep", [Transition(S2, "click[buy now]", 1.0)],
                                          ended=True, index=1)  # side B
    (top,) = memory.retrieve(S2, m=1)
    assert (top.actions[0].q, top.actions[0].visits) == (pytest.approx((0.2 + 1.0) / 2), 2)


def test_merge_metadata_keeps_the_newer_sides_details():
    older = {"q": 0.2, "visits": 1, "reward": 0.0, "reason": "a", "seq": 4,
             "created_at": 1.0, "updated_at": 5.0}
    newer = {"q": 0.6, "visits": 2, "reward": 1.0, "reason": "b", "seq": 9,
             "created_at": 3.0, "updated_at": 7.0}
    merged = merge_metadata(older, newer)
    assert merged == {"q": pytest.approx(0.4), "visits": 3, "reward": 1.0, "reason": "b",
                      "seq": 4, "created_at": 1.0, "updated_at": 7.0}
    assert merge_metadata(None, newer) == newer and merge_metadata(older, None) == older


def test_the_two_kinds_are_never_mixed(tmp_path):
    embedder = FakeEmbedderForTests()
    with DoubleMemory.open("dqm", path=tmp_path / "m", embedder=embedder) as memory:
        memory.a.add([Experience(S0, "search[red mug]", q=1.0, visits=1)])
    with ExperienceStore.open("single", path=tmp_path / "m", embedder=embedder):
        pass
    with pytest.raises(MemoryStoreError, match="'dqm' .* is a double-Q memory; open it with "
                                               "--double-q"):
        ExperienceStore.open("dqm", path=tmp_path / "m", embedder=embedder)
    with pytest.raises(MemoryStoreError, match="'single' .* is a single memory, not double-Q; "
                                               "drop --double-q"):
        DoubleMemory.open("single", path=tmp_path / "m", embedder=embedder)
    with MemoryClient.connect(tmp_path / "m") as client:
        assert client.list_collections() == ["dqm", "single"]  # dqm.b is shown as part of dqm
        assert client.is_double("dqm") and not client.is_double("single")
        summary = client.summary("dqm")
        assert (summary["double_q"], summary["experiences"], summary["tasks"]) == (True, 1, 1)
        client.delete_collection("dqm")
        names = [getattr(c, "name", c) for c in raw_client(client).list_collections()]
        assert sorted(names) == ["single", "single.episodes", "single.tasks"]


def test_export_and_import_carry_both_sides_exactly(memory, tmp_path):
    updater = DoubleUpdater(memory, n_step=1)
    for index in range(3):
        updater.apply(f"ep-{index}", episode(), ended=True, index=index)
    memory.b.add([Experience(BLUE, "click[buy now]", q=0.8, visits=1)])
    first = tmp_path / "first.jsonl"
    assert export_double([side.iter_experiences() for side in memory.sides], first) == (3, 4)
    lines = first.read_text(encoding="utf-8").splitlines()
    assert [line.endswith('"side": "a"}') for line in lines] == [True] * 3 + [False] * 4
    with DoubleMemory.open("back", in_memory=True, embedder=FakeEmbedderForTests()) as back:
        assert import_pool(back, first) == (7, 7, 0)
        for side, copy in zip(memory.sides, back.sides):
            assert sorted((e.id, e.q, e.visits, e.reward) for e in side.iter_experiences()) == \
                sorted((e.id, e.q, e.visits, e.reward) for e in copy.iter_experiences())
        again = tmp_path / "again.jsonl"
        export_double([side.iter_experiences() for side in back.sides], again)
        assert again.read_bytes() == first.read_bytes()
        assert [f.state_id for f in back.retrieve(S2, m=2)] == \
            [f.state_id for f in memory.retrieve(S2, m=2)]
    with ExperienceStore.open("plain", in_memory=True, embedder=FakeEmbedderForTests()) as plain:
        with pytest.raises(MemoryStoreError, match="the two sides of a double-Q memory, but "
                                                   "'plain' is a single memory"):
            import_pool(plain, first)
        assert plain.count() == 0
