"""Policies playing short real episodes on both simulators (fake LLM), and the exemplar sets."""

from __future__ import annotations

import random

import pytest

from agent.exemplars import (EXEMPLAR_SETS, load_exemplar_states, load_exemplars,
                             load_react_exemplars)
from agent.exemplars.make import render_files
from agent.llm import make_llm
from agent.policies import LLMOnlyPolicy, ReActPolicy, RemembererPolicy
from environments.registry import spec as get_profile
from agent.prompts import ENCOURAGED
from tests.episodes import oracle_for, play

ENVS = ["webshop", "wikihow"]


@pytest.fixture(scope="module")
def envs():
    return {name: get_profile(name).make() for name in ENVS}


class OracleAnswers:
    """Feeds the fake LLM the oracle's next action, written as an advice line."""

    def __init__(self, name, env, style="advice"):
        self.oracle = oracle_for(name, env)
        self.style = style
        self.next = ""

    def __call__(self, observation, info):
        action = self.oracle.act(observation, info)
        self.next = (f"{action} -> 1.0 the oracle's move\n" if self.style == "advice"
                     else f" The oracle knows.\nAction: {action}\n")

    def responder(self, prompt: str) -> str:
        return self.next


# --- exemplar sets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ENVS)
@pytest.mark.parametrize("set_name", EXEMPLAR_SETS)
def test_each_set_has_two_states_with_a_good_and_a_bad_action_outside_the_splits(name, set_name):
    profile = get_profile(name)
    experiences = load_exemplars(name, set_name)
    states = load_exemplar_states(name, set_name)
    assert len(experiences) == 4 and len(states) == 2
    for item in states:
        qs = sorted(a.q for a in item.actions)
        assert qs[0] == 0.0 and qs[1] > 0.0
        for action in item.actions:
            assert profile.syntax.canonicalize(action.action) == action.action and action.reason
    used = set()
    for split in profile.splits.values():
        used |= set(split)
    env = profile.make()
    indices = {exp.state.task for exp in experiences}
    for index in used:
        _, info = env.reset(options=profile.reset_options(index))
        assert profile.task_of(info) not in indices
    assert {exp.provenance for exp in experiences} == {set_name}


@pytest.mark.dispatch
def test_exemplar_files_match_a_fresh_build_from_the_simulators():
    for path, text in render_files().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: python -m agent.exemplars.make"


def test_react_exemplars_reason_then_take_the_good_action():
    (_, item_page) = load_react_exemplars("webshop", "E0")
    assert item_page.action == "click[buy now]"
    assert item_page.thoughts[0].startswith("click[habanero] would not help:")
    assert "within budget" in item_page.thoughts[-1]


# --- random advice actions are valid in real states ----------------------------------------------

@pytest.mark.parametrize("name", ENVS)
def test_random_advice_actions_are_valid_on_real_screens(name, envs):
    profile, env = get_profile(name), envs[name]
    oracle = oracle_for(name, env)
    rng = random.Random(0)
    observation, info = env.reset(options=profile.reset_options(2))
    for _ in range(4):
        state = profile.state(observation, info, ())
        candidates = profile.valid_actions(state, rng)
        available = set(info["available_actions"])
        if name == "webshop":
            expected = {f"click[{a}]" for a in available if a != "search"}
            assert {a for a in candidates if a.startswith("click[")} == expected
        else:
            clicks_and_inputs = {a for a in candidates if a.startswith(("CLICK", "INPUT"))}
            assert clicks_and_inputs == {a for a in available if a.startswith(("CLICK", "INPUT"))}
        if name == "webshop":
            searches = [a for a in candidates if a.startswith("search[")]
            assert len(searches) == (1 if "search" in available else 0)
        observation, _, terminated, truncated, info = env.step(oracle.act(observation, info))
        if terminated or truncated:
            break


# --- whole episodes --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, index", [("webshop", 3), ("wikihow", 5)])
def test_llm_only_policy_completes_an_episode_when_the_model_answers_well(name, index, envs):
    profile, env = get_profile(name), envs[name]
    answers = OracleAnswers(name, env)
    llm = make_llm("fake", fake_responder=answers.responder)
    policy = LLMOnlyPolicy(profile, llm, load_exemplar_states(name, "E1"))
    decisions, total, success = play(policy, profile, env, index, answers)
    assert success and all(d.parse_ok and d.attempts == 1 for d in decisions)
    assert total > 0 and (name != "webshop" or total == pytest.approx(1.0))
    assert len(decisions[-1].state.history) == min(5, len(decisions) - 1)
    assert all(prompt.count(ENCOURAGED) == 3 for prompt in llm.prompts)  # two exemplars + query
    assert decisions[0].exemplar_ids == [s.state_id for s in reversed(load_exemplar_states(name, "E1"))]


@pytest.mark.parametrize("name", ENVS)
def test_garbage_answers_give_noops_until_the_episode_is_truncated(name, envs):
    profile, env = get_profile(name), envs[name]
    llm = make_llm("fake", fake_responder=lambda prompt: "I am a little teapot")
    policy = LLMOnlyPolicy(profile, llm, load_exemplar_states(name, "E0"))
    decisions, total, success = play(policy, profile, env, 1)
    assert not success and total == 0.0 and len(decisions) == 15
    assert all(d.action == profile.noop and d.attempts == 3 for d in decisions)
    assert llm.usage.calls == 45


@pytest.mark.parametrize("name, index", [("webshop", 4), ("wikihow", 6)])
def test_react_policy_plays_an_episode(name, index, envs):
    profile, env = get_profile(name), envs[name]
    answers = OracleAnswers(name, env, style="react")
    llm = make_llm("fake", fake_responder=answers.responder)
    policy = ReActPolicy(profile, llm, load_react_exemplars(name, "E2"))
    decisions, total, success = play(policy, profile, env, index, answers)
    assert success and all(d.reason == "The oracle knows." for d in decisions)


@pytest.mark.parametrize("name, index", [("webshop", 7), ("wikihow", 8)])
def test_rememberer_on_a_memory_initialised_from_e0(name, index, envs, fake_embedder):
    from memory_store.store import ExperienceStore

    profile, env = get_profile(name), envs[name]
    store = ExperienceStore.open(f"episode-{name}", in_memory=True, embedder=fake_embedder)
    try:
        store.add(load_exemplars(name, "E0"))
        answers = OracleAnswers(name, env)
        llm = make_llm("fake", fake_responder=answers.responder)
        policy = RemembererPolicy(profile, llm, store, m=2, lam=0.5)
        decisions, total, success = play(policy, profile, env, index, answers)
    finally:
        store.close()
    assert success and total > 0
    e0_ids = {s.state_id for s in load_exemplar_states(name, "E0")}
    for decision in decisions:
        assert set(decision.exemplar_ids) == e0_ids  # only two states in memory: both retrieved
        assert decision.exemplar_scores == sorted(decision.exemplar_scores)  # best last
    first_prompt = llm.prompts[0]
    assert first_prompt.count("Encouraged:") == 3
