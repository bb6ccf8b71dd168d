"""Policies with a fake LLM: retries, no-op fallback, history, retrieval wiring, baselines."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from agent.errors import AgentError
from agent.llm import make_llm
from agent.policies import (MAX_ATTEMPTS, NOOP_REASON, RETRY_TEMPERATURES, LLMOnlyPolicy,
                            ReActPolicy, RemembererPolicy, make_policy)
from environments.registry import spec

WEBSHOP, WIKIHOW = spec("webshop"), spec("wikihow")
from agent.prompts import REACT_STOP, STOP, ReactExemplar
from memory_store.records import ActionRecord, Experience, RetrievedState, State

TASK = "i'm looking for a red wool scarf, and price lower than 30.00 dollars"
SEARCH_OBS = f"\nWebShop \nInstruction: \n{TASK} \n[Search]"
SEARCH_INFO = {"instruction": TASK, "available_actions": ["search"]}


@dataclass
class Answer:
    text: str
    prompt_tokens: int = 10
    completion_tokens: int = 5
    cached: bool = False


class ScriptedLLMForTests:
    """FOR UNIT TESTS ONLY: answers from a script and records every call's arguments."""

    name = "scripted-for-tests"

    def __init__(self, *answers: str):
        self.answers = list(answers)
        self.calls: list[dict] = []

    def complete(self, prompt, *, max_tokens=128, stop=(), temperature=None, constraint=None):
        self.calls.append({"prompt": prompt, "stop": tuple(stop), "temperature": temperature,
                           "max_tokens": max_tokens, "constraint": constraint})
        return Answer(self.answers.pop(0) if len(self.answers) > 1 else self.answers[0])

    def count_tokens(self, text: str) -> int:
        return len(text.split())


class RecordingRetrieverForTests:
    """FOR UNIT TESTS ONLY: returns fixed states and records the retrieval arguments."""

    def __init__(self, states: list[RetrievedState]):
        self.states = states
        self.calls: list[tuple[State, int, float]] = []

    def retrieve(self, state, *, m=2, lam=0.5):
        self.calls.append((state, m, lam))
        return self.states[:m]


def exemplar(task: str, action: str, q: float, score: float) -> RetrievedState:
    state = WEBSHOP.new_state(task, f"\nWebShop \nInstruction: \n{task} \n[Search]",
                              available_actions=("search",))
    return RetrievedState(state=state, score=score,
                          actions=[ActionRecord(action=action, q=q, visits=1, reason="fits the request")])


def rememberer(llm, states=(), **kwargs):
    retriever = RecordingRetrieverForTests(list(states))
    policy = RemembererPolicy(WEBSHOP, llm, retriever, **kwargs)
    policy.reset(SEARCH_INFO)
    return policy, retriever


# --- the step loop ------------------------------------------------------------------------------

def test_a_good_answer_is_used_at_once():
    llm = ScriptedLLMForTests("search[red wool scarf] -> 1.0 the request names it")
    policy, _ = rememberer(llm)
    decision = policy.act(SEARCH_OBS, SEARCH_INFO)
    assert (decision.action, decision.reason, decision.value) == ("search[red wool scarf]", "the request names it", 1.0)
    assert decision.parse_ok and decision.attempts == 1 and decision.failures == []
    assert decision.llm_calls == 1 and decision.prompt_tokens == 10 and decision.completion_tokens == 5
    assert llm.calls[0]["stop"] == STOP and llm.calls[0]["temperature"] is None
    assert decision.state == WEBSHOP.state(SEARCH_OBS, SEARCH_INFO, ())


def test_unparsable_answers_are_asked_again_at_higher_temperature():
    llm = ScriptedLLMForTests("I would search.", "Encouraged: maybe", "search[scarf] -> 0.8 ok")
    policy, _ = rememberer(llm)
    decision = policy.act(SEARCH_OBS, SEARCH_INFO)
    assert decision.parse_ok and decision.action == "search[scarf]"
    assert decision.attempts == 3 and decision.llm_calls == 3 and len(decision.failures) == 2
    assert decision.failures[0].startswith("attempt 1: no line of the form")
    assert [c["temperature"] for c in llm.calls] == [None, *RETRY_TEMPERATURES]
    assert len({c["prompt"] for c in llm.calls}) == 1  # the same question each time


def test_after_three_failures_the_step_is_a_noop_and_the_episode_goes_on():
    llm = ScriptedLLMForTests("no idea")
    policy, _ = rememberer(llm)
    decision = policy.act(SEARCH_OBS, SEARCH_INFO)
    assert not decision.parse_ok and decision.noop
    assert decision.action == WEBSHOP.noop and decision.reason == NOOP_REASON
    assert decision.attempts == MAX_ATTEMPTS and len(decision.failures) == MAX_ATTEMPTS
    assert decision.raw_text == "no idea"
    assert WEBSHOP.syntax.canonicalize(WEBSHOP.noop) is None  # the env sees an invalid no-op
    assert WIKIHOW.syntax.canonicalize(WIKIHOW.noop) is None
    assert policy.history == [WEBSHOP.noop]


def test_history_keeps_the_last_five_actions_without_reasons_and_reset_clears_it():
    llm = ScriptedLLMForTests(*[f"search[scarf {i}] -> 1.0 try {i}" for i in range(7)])
    policy, _ = rememberer(llm)
    decisions = [policy.act(SEARCH_OBS, SEARCH_INFO) for _ in range(7)]
    assert policy.history == [f"search[scarf {i}]" for i in range(2, 7)]
    assert decisions[-1].state.history == tuple(f"search[scarf {i}]" for i in range(1, 6))
    assert "- search[scarf 5]\n" in llm.calls[-1]["prompt"]
    assert "try 5" not in llm.calls[-1]["prompt"]  # reasons stay out: the model copied that shape
    policy.reset(SEARCH_INFO)
    assert policy.history == []


def test_backend_errors_propagate_instead_of_becoming_noops():
    class DownLLMForTests(ScriptedLLMForTests):
        def complete(self, prompt, **kwargs):
            raise AgentError("LLM server at http://127.0.0.1:9 is unreachable")

    policy, _ = rememberer(DownLLMForTests("x"))
    with pytest.raises(AgentError, match="unreachable"):
        policy.act(SEARCH_OBS, SEARCH_INFO)


# --- Rememberer ----------------------------------------------------------------------------------

def test_rememberer_retrieves_with_m_and_lambda_and_logs_exemplars_in_prompt_order():
    states = [exemplar("i need green tea", "search[green tea]", 1.0, 0.9),
              exemplar("i want a lamp", "search[lamp]", 1.0, 0.6)]
    llm = ScriptedLLMForTests("search[red scarf] -> 1.0 fits")
    policy, retriever = rememberer(llm, states, m=2, lam=0.3)
    decision = policy.act(SEARCH_OBS, SEARCH_INFO)
    (state, m, lam), = retriever.calls
    assert (m, lam) == (2, 0.3) and state == decision.state
    assert decision.exemplar_scores == [0.6, 0.9]  # most similar last
    assert decision.exemplar_ids == [states[1].state_id, states[0].state_id]
    prompt = llm.calls[0]["prompt"]
    assert prompt.index("search[lamp] -> 1.0") < prompt.index("search[green tea] -> 1.0")


@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_similarity_ablations_are_lambda_extremes(lam):
    policy, retriever = rememberer(ScriptedLLMForTests("search[x] -> 1.0 y"), [], lam=lam)
    policy.act(SEARCH_OBS, SEARCH_INFO)
    assert retriever.calls[0][2] == lam


def test_bad_rememberer_parameters_are_user_errors():
    with pytest.raises(AgentError, match="lambda"):
        RemembererPolicy(WEBSHOP, ScriptedLLMForTests("x"), RecordingRetrieverForTests([]), lam=1.5)
    with pytest.raises(AgentError, match="m must be"):
        RemembererPolicy(WEBSHOP, ScriptedLLMForTests("x"), RecordingRetrieverForTests([]), m=-1)


def test_ablation_flags_reach_the_prompt():
    states = [exemplar("i need green tea", "search[green tea]", 0.0, 0.9)]
    llm = ScriptedLLMForTests("search[x] -> 1.0 y")
    policy, _ = rememberer(llm, states, no_random=True, no_discouraged=True)
    policy.act(SEARCH_OBS, SEARCH_INFO)
    prompt = llm.calls[0]["prompt"]
    assert "search[green tea] -> 0.0 fits the request" in prompt  # top recorded, not random
    assert "Discouraged" not in prompt


def test_same_seed_and_task_give_the_same_random_advice():
    states = [exemplar("i need green tea", "search[green tea]", 0.0, 0.9),
              exemplar("i want a lamp", "search[lamp]", 0.0, 0.5)]

    def prompts(seed):
        llm = ScriptedLLMForTests("search[x] -> 1.0 y")
        policy, _ = rememberer(llm, states, seed=seed)
        for _ in range(3):
            policy.act(SEARCH_OBS, SEARCH_INFO)
        policy.reset(SEARCH_INFO)
        policy.act(SEARCH_OBS, SEARCH_INFO)
        return [c["prompt"] for c in llm.calls]

    first = prompts(1)
    assert first == prompts(1)
    assert first[0] == first[3]  # reset restarts the episode's random stream
    assert any(p != q for seed in range(2, 6) for p, q in zip(first, prompts(seed)))


def test_rememberer_with_a_real_in_memory_store(fake_embedder):
    from memory_store.store import ExperienceStore

    stored = WEBSHOP.new_state("i need a blue wool scarf under 20 dollars",
                               "\nWebShop \nInstruction: \ni need a blue wool scarf \n[Search]",
                               available_actions=("search",))
    store = ExperienceStore.open("policy-test", in_memory=True, embedder=fake_embedder)
    try:
        store.add([Experience(state=stored, action="search[blue wool scarf]", q=1.0, visits=2,
                              reason="names the item"),
                   Experience(state=stored, action="search[scarf under 20]", q=0.0, visits=1,
                              reason="too vague")])
        llm = make_llm("fake", fake_responder=lambda prompt: "search[red wool scarf] -> 1.0 as asked\n")
        policy = RemembererPolicy(WEBSHOP, llm, store, m=2)
        policy.reset(SEARCH_INFO)
        decision = policy.act(SEARCH_OBS, SEARCH_INFO)
    finally:
        store.close()
    assert decision.action == "search[red wool scarf]" and decision.parse_ok
    assert decision.exemplar_ids == [stored.state_id]
    prompt = llm.prompts[0]
    assert ("Encouraged:\nsearch[blue wool scarf] -> 1.0 names the item\n"
            "Discouraged:\nsearch[scarf under 20] -> 0.0 too vague") in prompt
    assert prompt.endswith("- search[<keywords>]\nEncouraged:\n")


# --- baselines -------------------------------------------------------------------------------------

def test_llm_only_always_shows_its_fixed_exemplars():
    fixed = [exemplar("i need green tea", "search[green tea]", 1.0, 0.0),
             exemplar("i want a lamp", "search[lamp]", 1.0, 0.0)]
    llm = ScriptedLLMForTests("search[x] -> 1.0 y")
    policy = LLMOnlyPolicy(WEBSHOP, llm, fixed)
    policy.reset(SEARCH_INFO)
    policy.act(SEARCH_OBS, SEARCH_INFO)
    decision = policy.act(SEARCH_OBS, SEARCH_INFO)
    assert decision.exemplar_ids == [fixed[1].state_id, fixed[0].state_id]
    for call in llm.calls:
        assert "search[green tea] -> 1.0" in call["prompt"] and "search[lamp] -> 1.0" in call["prompt"]


def test_react_thinks_then_acts():
    worked = ReactExemplar(exemplar("i need green tea", "search[green tea]", 1.0, 0).state,
                           ("Nothing is searched yet.", "The request names green tea."), "search[green tea]")
    llm = ScriptedLLMForTests(" The request is for a red wool scarf.\nAction: search[red wool scarf]")
    policy = ReActPolicy(WEBSHOP, llm, [worked])
    policy.reset(SEARCH_INFO)
    decision = policy.act(SEARCH_OBS, SEARCH_INFO)
    assert decision.action == "search[red wool scarf]" and decision.reason == "The request is for a red wool scarf."
    assert llm.calls[0]["stop"] == REACT_STOP and llm.calls[0]["prompt"].endswith("\nThought:")
    assert "Action: search[green tea]" in llm.calls[0]["prompt"]


def test_react_without_an_action_line_retries_then_noops():
    llm = ScriptedLLMForTests("Thought: hmm")
    policy = ReActPolicy(WIKIHOW, llm, [])
    policy.reset({"command": "Search an article to learn how to knit."})
    decision = policy.act('<p class="x" id="0" clickable="false">Hi</p>',
                          {"command": "Search an article to learn how to knit.", "instruction": ""})
    assert decision.action == WIKIHOW.noop and decision.attempts == MAX_ATTEMPTS


def test_make_policy_names_and_errors():
    llm = ScriptedLLMForTests("x")
    assert isinstance(make_policy("rememberer", WEBSHOP, llm, store=RecordingRetrieverForTests([])),
                      RemembererPolicy)
    with pytest.raises(AgentError, match="needs an experience memory"):
        make_policy("rememberer", WEBSHOP, llm)
    with pytest.raises(AgentError, match="unknown policy 'reflexion'"):
        make_policy("reflexion", WEBSHOP, llm)


def test_useful_exemplars_come_from_states_where_something_worked():
    """--useful-exemplars: among the retrieved candidates, states with a positive Q first (in
    similarity order), topped up with the others; without it, the m most similar as they come."""
    nothing = [exemplar(f"task {i}", "search[x]", 0.0, 0.9 - i / 100) for i in range(3)]
    worked = [exemplar("shirt task", "search[shirt]", 0.6, 0.5), exemplar("hat task", "search[hat]", 0.2, 0.4)]
    llm = ScriptedLLMForTests("search[scarf] -> 0.8 ok")
    policy, retriever = rememberer(llm, nothing + worked, m=2, useful_exemplars=True)
    decision = policy.act(SEARCH_OBS, SEARCH_INFO)
    assert retriever.calls[0][1] == 2 * RemembererPolicy.CANDIDATES_PER_EXEMPLAR
    assert set(decision.exemplar_ids) == {s.state_id for s in worked}
    assert "search[shirt] -> 0.6" in llm.calls[0]["prompt"] and "search[x]" not in llm.calls[0]["prompt"]
    # fewer useful states than m: the most similar of the others fill the gap
    policy, _ = rememberer(ScriptedLLMForTests("search[scarf] -> 0.8 ok"), nothing + worked[:1], m=2,
                           useful_exemplars=True)
    assert set(policy.act(SEARCH_OBS, SEARCH_INFO).exemplar_ids) == {worked[0].state_id, nothing[0].state_id}
    # the paper's rule: the m most similar, whatever their Q
    policy, retriever = rememberer(ScriptedLLMForTests("search[scarf] -> 0.8 ok"), nothing + worked, m=2)
    assert set(policy.act(SEARCH_OBS, SEARCH_INFO).exemplar_ids) == {s.state_id for s in nothing[:2]}
    assert retriever.calls[0][1] == 2


# --- exploration (not in the paper) ---------------------------------------------------------------

ITEM_PAGE_INFO = {"instruction": TASK,
                  "available_actions": ["back to search", "< prev", "buy now", "red", "blue"]}
ITEM_PAGE_OBS = f"\nInstruction: \n{TASK} \n[Back to Search]\n[< Prev]\ncolor [red][blue]\n[Buy Now]"


def explored_actions(policy, episode: str, steps: int = 12) -> list[str | None]:
    policy.reset(ITEM_PAGE_INFO, episode=episode)
    decisions = [policy.act(ITEM_PAGE_OBS, ITEM_PAGE_INFO) for _ in range(steps)]
    return [d.action if d.explored else None for d in decisions]


def test_exploration_takes_random_valid_actions_without_asking_the_model():
    """explore = 1: every step is a valid action of the state drawn at random, the model is never
    asked; explore = 0 (the paper, and every test pass): the model answers every step."""
    llm = ScriptedLLMForTests("click[buy now] -> 0.5 it fits")
    policy, _ = rememberer(llm)
    policy.explore = 1.0
    actions = explored_actions(policy, "run/train/epoch1/task3")
    valid = {f"click[{label}]" for label in ITEM_PAGE_INFO["available_actions"]}
    assert set(actions) <= valid and len(set(actions)) > 1 and llm.calls == []
    policy.explore = 0.0
    assert explored_actions(policy, "run/train/epoch1/task3") == [None] * 12
    assert len(llm.calls) == 12


def test_exploration_is_reproducible_per_episode_and_differs_between_epochs():
    llm = ScriptedLLMForTests("click[buy now] -> 0.5 it fits")
    policy, _ = rememberer(llm)
    policy.explore = 0.5
    first = explored_actions(policy, "run/train/epoch1/task3")
    assert explored_actions(policy, "run/train/epoch1/task3") == first  # a rerun or a resume
    assert explored_actions(policy, "run/train/epoch2/task3") != first  # the next epoch
    assert 0 < sum(a is not None for a in first) < len(first)
    calls = len(llm.calls)
    again = explored_actions(policy, "run/train/epoch1/task3")
    assert len(llm.calls) - calls == again.count(None)  # the model answers the other steps


def test_explore_choices_makes_the_open_requested_choice_without_asking_the_model():
    """explore_choices = 1 on goal 0's product page (the request names 32 fl oz, still open): the
    step is that click, logged as an explored choice, and the model is not asked; once it is
    chosen nothing is open and the model answers. 0 (the paper, every test pass): the model."""
    from environments.webshop.env import WebShopEnv

    env = WebShopEnv()
    observation, info = env.reset(options={"goal": 0})
    observation, _, _, _, info = env.step(f"search[{info['instruction']}]")
    listed = [a for a in info["available_actions"] if a.startswith("b0")]
    observation, _, _, _, info = env.step(f"click[{listed[0]}]")
    llm = ScriptedLLMForTests("click[buy now] -> 0.5 it fits")
    policy, _ = rememberer(llm)
    policy.explore_choices = 1.0
    policy.reset(info, episode="run/train/epoch1/task0")
    decision = policy.act(observation, info)
    assert (decision.action, decision.explored, decision.choice) == ("click[32 fl oz]", True, True)
    assert llm.calls == []
    observation, _, _, _, info = env.step(decision.action)
    after = policy.act(observation, info)
    assert (after.action, after.explored, len(llm.calls)) == ("click[buy now]", False, 1)
    policy.explore_choices = 0.0
    policy.reset(info, episode="run/train/epoch1/task0")
    assert not policy.act(observation, info).explored and len(llm.calls) == 2
    # a page with no option the request names: the model answers even at P = 1
    other = {**ITEM_PAGE_INFO, "available_actions": ["back to search", "buy now", "green", "blue"]}
    policy.explore_choices = 1.0
    policy.reset(other, episode="run/train/epoch1/task3")
    assert not policy.act(ITEM_PAGE_OBS.replace("[red]", "[green]"), other).explored
    assert len(llm.calls) == 3


def test_explore_choices_draws_per_episode_from_a_stream_of_its_own():
    """P = 0.5: a rerun of an episode makes the same draws; the epochs differ."""
    info = {"instruction": "i want a red scarf", "available_actions": ["buy now", "red", "blue"]}
    obs = "\nInstruction: \ni want a red scarf \ncolor [red][blue]\n[Buy Now]"
    llm = ScriptedLLMForTests("click[buy now] -> 0.5 it fits")
    policy, _ = rememberer(llm)
    policy.explore_choices = 0.5

    def chosen(episode):
        policy.reset(info, episode=episode)
        return [policy.act(obs, info).choice for _ in range(16)]

    first = chosen("run/train/epoch1/task3")
    assert 0 < sum(first) < 16 and chosen("run/train/epoch1/task3") == first
    assert chosen("run/train/epoch2/task3") != first


def test_a_decision_records_the_advice_its_prompt_showed():
    """The Encouraged / Discouraged actions of the prompt are kept with the decision (the episode
    log's `encouraged` / `discouraged`, counted by the experiment's behaviour table)."""
    worked = exemplar("shirt task", "search[shirt]", 0.6, 0.5)
    llm = ScriptedLLMForTests("search[shirt] -> 0.6 as before")
    policy, _ = rememberer(llm, [worked], m=1)
    decision = policy.act(SEARCH_OBS, SEARCH_INFO)
    assert decision.encouraged == ["search[shirt]"] and len(decision.discouraged) == 1
    prompt = llm.calls[0]["prompt"]
    assert f"Discouraged:\n{decision.discouraged[0]} -> 0.0" in prompt
    assert decision.discouraged[0] != "search[shirt]"


# --- the random reference (not in the paper) --------------------------------------------------

class RefusingLLMForTests:
    """An LLM that fails the test if anything asks it."""

    name = "refusing"

    def complete(self, *args, **kwargs):
        raise AssertionError("the random policy asked the model")

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def test_the_random_policy_takes_valid_actions_reproducibly_without_a_model():
    policy = make_policy("random", WEBSHOP, RefusingLLMForTests(), seed=3)
    valid = {f"click[{label}]" for label in ITEM_PAGE_INFO["available_actions"]}

    def episode(task_info):
        policy.reset(task_info)
        return [policy.act(ITEM_PAGE_OBS, task_info) for _ in range(12)]

    decisions = episode(ITEM_PAGE_INFO)
    actions = [d.action for d in decisions]
    assert set(actions) <= valid and len(set(actions)) > 1
    assert all(d.parse_ok and d.llm_calls == 0 and not d.explored for d in decisions)
    assert [d.action for d in episode(ITEM_PAGE_INFO)] == actions  # a rerun plays the same
    other_task = {**ITEM_PAGE_INFO, "instruction": TASK + " in green"}
    assert [d.action for d in episode(other_task)] != actions  # each task its own stream
    # on the search page: a search for words of the request
    policy.reset(SEARCH_INFO)
    action = policy.act(SEARCH_OBS, SEARCH_INFO).action
    assert action.startswith("search[") and all(w in TASK.lower() for w in action[7:-1].split())


# --- --greedy-test: the paper's advice in training, the memory exploited in tests ------------------

def test_greedy_test_explores_in_training_and_exploits_in_test_passes():
    """set_pass with greedy_test: training passes keep the paper's rule (the most similar states,
    a random action Encouraged where nothing worked); test and --compare passes show states where
    something worked and only recorded actions. Without it every pass is the paper's rule."""
    from types import SimpleNamespace

    from agent.prompts import RANDOM_ENCOURAGED_REASON
    from agent.run_parts import set_pass

    nothing = [exemplar(f"task {i}", "search[x]", 0.0, 0.9 - i / 100) for i in range(2)]
    worked = [exemplar("shirt task", "search[shirt]", 0.6, 0.5)]

    def prompts(split, **settings):
        cfg = SimpleNamespace(**{"explore": 0.0, "explore_choices": 0.0, "no_random": False,
                                 "useful_exemplars": False, "greedy_test": False, **settings})
        llm = ScriptedLLMForTests("search[scarf] -> 0.8 ok")
        policy, _ = rememberer(llm, nothing + worked, m=1)
        set_pass(policy, split, cfg)
        policy.act(SEARCH_OBS, SEARCH_INFO)
        return llm.calls[0]["prompt"]

    for split in ("train", "test", "llm-only"):
        assert RANDOM_ENCOURAGED_REASON in prompts(split)  # the paper's rule, every pass
    assert RANDOM_ENCOURAGED_REASON in prompts("train", greedy_test=True)
    for split in ("test", "llm-only"):
        greedy = prompts(split, greedy_test=True)
        assert RANDOM_ENCOURAGED_REASON not in greedy and "search[shirt] -> 0.6" in greedy
    # the switches it combines still hold in training when set on their own
    assert RANDOM_ENCOURAGED_REASON not in prompts("train", greedy_test=True, no_random=True)
    assert "search[shirt] -> 0.6" in prompts("train", greedy_test=True, useful_exemplars=True)


def test_llm_only_with_carry_over_adapts_its_fixed_search_exemplar_to_the_task():
    """E0's WikiHow search exemplar types another topic; carried over to the home screen of a
    new task it types this task's topic, and the decision logs it."""
    from environments.wikihow.env import WikiHowEnv

    observation, info = WikiHowEnv().reset(options={"task": 0})
    topic = info["command"].split("learn ", 1)[1].split(".")[0]
    llm = ScriptedLLMForTests(f"INPUT(2, {topic}) -> 3.0 search first")
    policy = make_policy("llm-only", WIKIHOW, llm, carry_over=True)
    policy.reset(info)
    decision = policy.act(observation, info)
    assert decision.carried == [f"INPUT(2, {topic})"]
    assert f"Carried over from memory:\nINPUT(2, {topic}) -> " in llm.calls[0]["prompt"]
    plain = make_policy("llm-only", WIKIHOW, ScriptedLLMForTests("GOBACK -> 0.0 x"))
    plain.reset(info)
    assert plain.act(observation, info).carried == []
    import dataclasses

    without = dataclasses.replace(WEBSHOP, carry_over=None)
    with pytest.raises(AgentError, match="webshop cannot carry actions over"):
        make_policy("llm-only", without, llm, carry_over=True)
    with pytest.raises(AgentError, match="wikihow has no choices to carry over"):
        make_policy("llm-only", WIKIHOW, llm, carry_over=True, carry_choices=True)
    with pytest.raises(AgentError, match="add --carry-over"):
        make_policy("llm-only", WEBSHOP, llm, carry_choices=True)


def test_llm_only_with_carry_choices_chooses_the_requested_option_before_buying():
    """E0's WebShop purchase exemplar was bought with its request's flavour chosen; on goal 0's
    product page (the request names 32 fl oz, still open) --carry-choices carries it as that
    choice, and once it is made as the purchase itself."""
    from environments.webshop.env import WebShopEnv

    env = WebShopEnv()
    observation, info = env.reset(options={"goal": 0})
    observation, _, _, _, info = env.step(f"search[{info['instruction']}]")
    listed = [a for a in info["available_actions"] if a.startswith("b0")]
    observation, _, _, _, info = env.step(f"click[{listed[0]}]")
    assert "32 fl oz" in info["available_actions"]
    llm = ScriptedLLMForTests("click[32 fl oz] -> 1.0 the size asked for")
    policy = make_policy("llm-only", WEBSHOP, llm, carry_over=True, carry_choices=True)
    policy.reset(info)
    assert policy.act(observation, info).carried == ["click[32 fl oz]"]
    plain = make_policy("llm-only", WEBSHOP, ScriptedLLMForTests("click[buy now] -> 1.0 x"),
                        carry_over=True)
    plain.reset(info)
    assert plain.act(observation, info).carried == ["click[buy now]"]
    observation, _, _, _, info = env.step("click[32 fl oz]")
    policy.reset(info)
    assert policy.act(observation, info).carried == ["click[buy now]"]
