"""End to end: a Rememberer agent with a real memory (Chroma in memory, the bundled MiniLM
embedder, initialised from E0) plays whole episodes on both simulators

- through the loopback OpenAI-compatible test server (real HTTP and the `openai` client; the
  server's "model" plays the environment's oracle move), to the end of a successful episode;
- with the embedded local Gemma 3 270M (loaded once for this module). Whatever the small model
  answers, the episode must run to its end: the step budget is cut to 2 so that the test stays
  within a minute or two on two CPU cores.
"""

from __future__ import annotations

import re

import pytest

from agent.exemplars import load_exemplar_states, load_exemplars
from environments.action_patterns import matches
from agent.llm import make_llm
from agent.policies import RemembererPolicy
from agent.prompts import STOP
from environments.registry import spec as get_profile
from memory_store.embedding import Embedder
from memory_store.store import ExperienceStore
from tests.openai_test_server import OpenAITestServer
from tests.episodes import oracle_for, play

ENVS = [("webshop", 11), ("wikihow", 12)]


@pytest.fixture(scope="module")
def embedder():
    return Embedder()


@pytest.fixture
def memory(embedder):
    """A factory for an in-memory store holding one environment's E0 exemplars."""
    opened = []

    def factory(name: str) -> ExperienceStore:
        store = ExperienceStore.open(f"e2e-{name}", in_memory=True, embedder=embedder,
                                     client=opened[0].client if opened else None)
        store.add(load_exemplars(name, "E0"))
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.mark.parametrize("name, index", ENVS)
def test_rememberer_over_the_loopback_openai_server_finishes_an_episode(name, index, memory):
    profile = get_profile(name)
    env = profile.make()
    oracle = oracle_for(name, env)
    upcoming = {"line": ""}

    def before_step(observation, info):
        upcoming["line"] = f"{oracle.act(observation, info)} -> 1.0 the server's model knows the way"

    with OpenAITestServer(responder=lambda prompt: upcoming["line"]) as server:
        llm = make_llm("openai", base_url=server.base_url, model="test-completion", use_cache=False,
                       api_key="test-key", api="completion")
        policy = RemembererPolicy(profile, llm, memory(name), m=2, lam=0.5)
        decisions, total, success = play(policy, profile, env, index, before_step)
        requests = list(server.requests)

    assert success and total > 0
    assert all(d.parse_ok and d.attempts == 1 and d.reason == "the server's model knows the way"
               for d in decisions)
    assert len(requests) == len(decisions) == llm.usage.calls
    first = requests[0].body
    assert requests[0].path.endswith("/completions") and first["prompt"].endswith("Encouraged:\n")
    assert set(first["stop"]) == set(STOP)
    e0 = {s.state_id for s in load_exemplar_states(name, "E0")}
    assert all(set(d.exemplar_ids) == e0 for d in decisions)  # both E0 states shown each step
    assert sum(d.prompt_tokens for d in decisions) == llm.usage.prompt_tokens > 0


@pytest.mark.xdist_group("gemma")  # shares the session's one model load (tests/conftest.py)
@pytest.mark.parametrize("name, index", ENVS)
def test_rememberer_with_the_local_gemma_plays_an_episode_to_its_end(name, index, memory, gemma):
    profile = get_profile(name)
    env = profile.make(max_steps=2)
    policy = RemembererPolicy(profile, gemma, memory(name), m=2, lam=0.5, max_tokens=40)
    decisions, _, _ = play(policy, profile, env, index)

    assert 1 <= len(decisions) <= 2
    for decision in decisions:
        # constrained decoding: the first answer is a valid action of the state, no retries
        assert decision.parse_ok and decision.attempts == 1 and decision.failures == []
        assert profile.syntax.canonicalize(decision.action) == decision.action
        assert any(matches(p, decision.action) for p in profile.action_patterns(decision.state))
        assert re.match(r".+ -> \d\.\d ", decision.raw_text)
        # the budget was counted with Gemma's own tokenizer
        assert decision.budget_tokens > 0 and len(decision.exemplar_ids) == 2
    assert decisions[0].prompt_tokens >= decisions[0].budget_tokens
