"""The openai backend against a real OpenAI-compatible HTTP server on loopback (tests/openai_test_server.py)."""

from __future__ import annotations

import socket
import threading

import pytest
from tests.openai_test_server import OpenAITestServer

from agent.errors import AgentError
from agent.llm import OpenAILLM, make_llm, resolve_openai_api

FAST_RETRY = 0.01  # seconds of backoff before the first retry, so retry tests stay quick


def _echo(prompt: str) -> str:
    return f"heard {len(prompt.split())} words\nDiscouraged:\nclick[x] -> 0.0 no"


@pytest.fixture
def server():
    with OpenAITestServer(responder=_echo) as running:
        yield running


def _llm(server: OpenAITestServer, model: str = "test-chat", **kwargs) -> OpenAILLM:
    options = {"use_cache": False, "retry_backoff": FAST_RETRY, "timeout": 5.0, **kwargs}
    llm = make_llm("openai", base_url=server.base_url, model=model, **options)
    assert isinstance(llm, OpenAILLM)
    return llm


def test_chat_completion_returns_text_usage_and_sends_the_prompt_as_a_user_message(server):
    llm = _llm(server, temperature=0.3)
    result = llm.complete("one two three", max_tokens=50)
    assert result.text == _echo("one two three")
    assert (result.prompt_tokens, result.completion_tokens, result.cached) == (3, 8, False)
    [request] = server.completion_requests()
    assert request.path == "/v1/chat/completions"
    assert request.body["messages"] == [{"role": "user", "content": "one two three"}]
    assert request.body["model"] == "test-chat"
    assert request.body["temperature"] == pytest.approx(0.3)
    assert request.body["max_tokens"] == 50
    assert "stop" not in request.body
    assert llm.name == "openai:test-chat"


def test_completion_api_uses_the_plain_completions_endpoint(server):
    llm = _llm(server, model="test-completion", api="completion")
    result = llm.complete("a b", max_tokens=3, temperature=0.0)
    [request] = server.completion_requests()
    assert request.path == "/v1/completions"
    assert request.body["prompt"] == "a b"
    assert request.body["temperature"] == 0.0
    assert result.text == "heard 2 words"  # the server cut the answer at max_tokens=3 words
    assert result.completion_tokens == 3


def test_stop_sequences_are_sent_and_honoured(server):
    llm = _llm(server)
    result = llm.complete("x", stop=["Discouraged", "\n"])
    assert result.text == "heard 1 words"
    assert server.completion_requests()[0].body["stop"] == ["Discouraged", "\n"]


def test_more_stop_sequences_than_the_api_allows_are_applied_on_the_client(server):
    llm = _llm(server)
    stops = ["zzz1", "zzz2", "zzz3", "zzz4", "words"]
    result = llm.complete("x", stop=stops)
    assert server.completion_requests()[0].body["stop"] == stops[:4]
    assert result.text == "heard 1 "  # cut locally at the fifth stop string


def test_usage_accumulates_over_calls(server):
    llm = _llm(server)
    llm.complete("one two", max_tokens=50)
    llm.complete("one two three four", max_tokens=2)
    assert llm.usage.calls == 2
    assert llm.usage.cached_calls == 0
    assert llm.usage.prompt_tokens == 2 + 4
    assert llm.usage.completion_tokens == 8 + 2


@pytest.mark.parametrize("status", [429, 500, 503])
def test_retries_on_rate_limits_and_server_errors(server, status):
    server.fail_next(status, times=2)
    llm = _llm(server, max_retries=4)
    result = llm.complete("p q")
    assert result.text.startswith("heard 2 words")
    assert len(server.completion_requests()) == 3  # two failures, then success
    assert llm.usage.calls == 1


def test_gives_up_after_max_retries_with_one_clear_line(server):
    server.fail_next(429, times=10)
    llm = _llm(server, max_retries=2)
    with pytest.raises(AgentError) as info:
        llm.complete("p")
    message = str(info.value)
    assert "\n" not in message
    assert "HTTP 429" in message and "after 2 retries" in message and server.base_url in message
    assert len(server.completion_requests()) == 3
    assert llm.usage.calls == 0


def test_retry_after_header_is_honoured(server):
    server.fail_next(429, times=1, retry_after=0.0)
    llm = _llm(server, max_retries=1, retry_backoff=1000.0)  # would hang if Retry-After were ignored
    assert llm.complete("p").text.startswith("heard")


def test_client_errors_are_not_retried(server):
    llm = _llm(server, model="no-such-model", max_retries=4)
    with pytest.raises(AgentError, match=r"HTTP 404.*no-such-model.*check --model"):
        llm.complete("p")
    assert len(server.completion_requests()) == 1


def test_wrong_api_key_is_reported_without_retrying():
    with OpenAITestServer(api_key="right") as server:
        llm = _llm(server, api_key="wrong")
        with pytest.raises(AgentError, match=r"HTTP 401.*OPENAI_API_KEY"):
            llm.complete("p")
        assert len(server.completion_requests()) == 1
        assert _llm(server, api_key="right").complete("p").text == "search[test item] -> 1.0 the loopback test server always suggests this search"


def test_a_slow_answer_times_out_and_is_retried(server):
    server.delay_next(3.0)
    llm = _llm(server, timeout=0.5, max_retries=1)
    result = llm.complete("slow one")
    assert result.text.startswith("heard 2 words")
    assert len(server.completion_requests()) == 2


def test_timeouts_that_persist_raise_agent_error(server):
    server.delay_next(3.0, times=2)
    llm = _llm(server, timeout=0.3, max_retries=1)
    with pytest.raises(AgentError, match=r"cannot reach the LLM server at .*no answer within 0.3 s \(after 1 retry\)"):
        llm.complete("p")


def test_no_retries_when_max_retries_is_zero(server):
    server.fail_next(500)
    with pytest.raises(AgentError, match=r"HTTP 500 \(server error: scripted failure 500\) without retrying"):
        _llm(server, max_retries=0).complete("p")
    assert len(server.completion_requests()) == 1


def test_a_failing_responder_becomes_a_server_error():
    def broken(prompt: str) -> str:
        raise RuntimeError("boom")

    with OpenAITestServer(responder=broken) as server:
        with pytest.raises(AgentError, match="HTTP 500 .*responder failed: RuntimeError: boom"):
            _llm(server, max_retries=1).complete("p")
        assert len(server.completion_requests()) == 2


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server_raises_one_line_agent_error():
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    llm = make_llm("openai", base_url=url, model="m", use_cache=False, retry_backoff=FAST_RETRY, max_retries=2)
    with pytest.raises(AgentError) as info:
        llm.complete("p")
    assert str(info.value) == (
        f"cannot reach the LLM server at {url}: connection refused (after 2 retries); check --base-url / OPENAI_BASE_URL"
    )


def test_parallel_threads_share_one_client_and_usage(server):
    llm = _llm(server)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            llm.complete(" ".join(["w"] * (i + 1)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert llm.usage.calls == 8
    assert llm.usage.prompt_tokens == sum(range(1, 9))


def test_base_url_and_key_come_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "env-key")
    llm = make_llm(None, model="test-chat", use_cache=False)
    assert isinstance(llm, OpenAILLM) and llm.base_url == server.base_url
    llm.complete("hi")
    assert server.completion_requests()[0].headers["authorization"] == "Bearer env-key"


def test_the_real_openai_endpoint_without_a_key_is_refused(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(AgentError, match="OPENAI_API_KEY"):
        make_llm("openai", use_cache=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"this is not json", "could not be read"),
        (b'{"id": "x", "object": "chat.completion", "created": 0, "model": "test-chat", "choices": []}', "without any choices"),
    ],
)
def test_a_malformed_answer_is_an_agent_error(server, raw, expected):
    server.send_raw_next(raw)
    with pytest.raises(AgentError, match=expected):
        _llm(server).complete("p")


@pytest.mark.parametrize(
    ("model", "api", "expected"),
    [
        ("gpt-4o-mini", None, "chat"),
        ("gpt-3.5-turbo-instruct", None, "completion"),
        ("text-davinci-003", "auto", "completion"),
        ("davinci-002", None, "completion"),
        ("Qwen/Qwen2.5-7B-Instruct", None, "chat"),
        ("gpt-4o-mini", "completion", "completion"),
        ("text-davinci-003", "chat", "chat"),
    ],
)
def test_chat_or_completion_is_chosen_by_flag_or_model_name(model, api, expected):
    assert resolve_openai_api(api, model) == expected


def test_unknown_api_style_is_an_agent_error():
    with pytest.raises(AgentError, match="chat, completion or auto"):
        resolve_openai_api("edit", "m")
