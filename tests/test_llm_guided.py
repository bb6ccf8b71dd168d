"""Guided decoding over the openai backend, against the loopback OpenAI-compatible server.

The request must carry the constraint in the server's own form (vLLM: a regex under
`structured_outputs`; llama.cpp: a GBNF `grammar`), nothing for plain OpenAI, and an answer
outside the constraint (the loopback server does not enforce it) is still read by the parser.
"""

from __future__ import annotations

import re

import pytest
from tests.openai_test_server import OpenAITestServer

from agent.constraints import ADVICE, AnswerConstraint
from agent.errors import AgentError
from agent.llm import make_llm
from agent.policies import LLMOnlyPolicy, ReActPolicy
from environments.registry import spec
from environments.action_patterns import Slot

WEBSHOP, WIKIHOW = spec("webshop"), spec("wikihow")

TASK = "i need a red wool scarf, and price lower than 30.00 dollars"
OBS = f"\nWebShop \nInstruction: \n{TASK} \n[Search]"
INFO = {"instruction": TASK, "available_actions": ["search"]}
CONSTRAINT = AnswerConstraint(ADVICE, (("search[", Slot(forbidden="]\n"), "]"), ("click[buy now]",)))


def _llm(server, guided, **kwargs):
    return make_llm("openai", base_url=server.base_url, model="test-completion", api="completion",
                    use_cache=False, retry_backoff=0.01, guided=guided, **kwargs)


@pytest.mark.parametrize("guided, field", [("vllm", "structured_outputs"), ("llamacpp", "grammar")])
def test_the_request_carries_the_constraint_in_the_servers_form(guided, field):
    with OpenAITestServer() as server:
        _llm(server, guided).complete("Request: scarf\nEncouraged:\n", max_tokens=40, constraint=CONSTRAINT)
        body = server.completion_requests()[-1].body
    if guided == "vllm":
        assert body[field] == {"regex": CONSTRAINT.regex()}
        assert "grammar" not in body
    else:
        assert body[field] == CONSTRAINT.gbnf()
        assert "structured_outputs" not in body
    assert body["prompt"] == "Request: scarf\nEncouraged:\n" and body["max_tokens"] == 40


def test_plain_openai_gets_no_constraint_and_it_stays_out_of_the_cache_key(tmp_path):
    with OpenAITestServer() as server:
        llm = make_llm("openai", base_url=server.base_url, model="test-completion", api="completion",
                       cache_path=tmp_path / "cache.sqlite", guided="none")
        first = llm.complete("p", max_tokens=20, constraint=CONSTRAINT)
        second = llm.complete("p", max_tokens=20)  # same request on the wire: a cache hit
        body = server.completion_requests()[0].body
    assert "structured_outputs" not in body and "grammar" not in body
    assert not first.cached and second.cached and len(server.completion_requests()) == 1


def test_a_guided_constraint_is_part_of_the_cache_key(tmp_path):
    other = AnswerConstraint(ADVICE, (("click[buy now]",),))
    with OpenAITestServer() as server:
        llm = make_llm("openai", base_url=server.base_url, model="test-completion", api="completion",
                       cache_path=tmp_path / "cache.sqlite", guided="vllm")
        llm.complete("p", max_tokens=20, constraint=CONSTRAINT)
        assert llm.complete("p", max_tokens=20, constraint=CONSTRAINT).cached
        assert not llm.complete("p", max_tokens=20, constraint=other).cached
        assert len(server.completion_requests()) == 2


def test_an_unknown_guided_style_is_refused():
    with OpenAITestServer() as server, pytest.raises(AgentError, match="guided"):
        _llm(server, "outlines")


def test_a_policy_sends_the_states_valid_actions_and_parses_an_answer_outside_them():
    # The server ignores the grammar and answers with a preamble line before a valid advice line.
    answer = "Sure, here is my advice.\nsearch[red wool scarf] -> 0.9 the request names it\n"
    with OpenAITestServer(responder=lambda prompt: answer) as server:
        policy = LLMOnlyPolicy(WEBSHOP, _llm(server, "vllm"), exemplars=[])
        policy.reset(INFO)
        decision = policy.act(OBS, INFO)
        [request] = server.completion_requests()
    regex = request.body["structured_outputs"]["regex"]
    assert regex == policy.constraint(decision.state).regex()
    assert not re.fullmatch(regex, answer)  # outside the language, yet the parser reads it
    assert decision.parse_ok and decision.action == "search[red wool scarf]" and decision.value == 0.9


def test_an_unusable_answer_outside_the_constraint_ends_as_a_noop_after_retries():
    with OpenAITestServer(responder=lambda prompt: "I would rather not say.") as server:
        policy = LLMOnlyPolicy(WEBSHOP, _llm(server, "llamacpp"), exemplars=[])
        policy.reset(INFO)
        decision = policy.act(OBS, INFO)
        requests = server.completion_requests()
    assert decision.noop and decision.attempts == 3 and len(requests) == 3
    assert all(r.body["grammar"] == requests[0].body["grammar"] for r in requests)
    assert 'search[' in requests[0].body["grammar"]


def test_react_sends_its_own_format_and_free_text_mode_sends_nothing():
    screen = '<button alt="Open navigation drawer" id="0" clickable="true"></button>'
    info = {"command": "Search how to knit.", "instruction": "", "last_reward": 0.0, "total_reward": 0.0}
    reply = " The drawer is closed.\nAction: CLICK(0)\n"
    with OpenAITestServer(responder=lambda prompt: reply) as server:
        react = ReActPolicy(WIKIHOW, _llm(server, "vllm"), exemplars=[])
        react.reset(info)
        decision = react.act(screen, info)
        free = ReActPolicy(WIKIHOW, _llm(server, "vllm"), exemplars=[], constrain=False)
        free.reset(info)
        free.act(screen, info)
        constrained, unconstrained = server.completion_requests()
    regex = constrained.body["structured_outputs"]["regex"]
    assert regex.endswith(r"Action: (?:CLICK\(0\)|SCROLL\(UP\)|SCROLL\(DOWN\)|SCROLL\(LEFT\)|SCROLL\(RIGHT\)|GOBACK)\n")
    assert re.fullmatch(regex, reply) and decision.action == "CLICK(0)"
    assert "structured_outputs" not in unconstrained.body
