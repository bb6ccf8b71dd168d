"""The unit-test fake, `make_llm` backend selection and argument checks, and the small text helpers."""

from __future__ import annotations

import argparse

import pytest

from agent.errors import AgentError
from agent.llm import (
    LLM,
    Completion,
    OpenAILLM,
    add_llm_arguments,
    estimate_tokens,
    llm_from_args,
    make_llm,
    truncate_at_stop,
)
from agent.llm_local import LlamaCppLLM, LocalGemmaLLM
from tests.fakes import FakeLLMForTests


@pytest.fixture(autouse=True)
def isolated_cache_dir(tmp_path, monkeypatch):
    """Point the default cache at a temporary folder so nothing here touches the user's cache."""
    monkeypatch.setenv("REMEMBERER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_fake_answers_with_its_responder_and_records_prompts():
    llm = make_llm("fake", fake_responder=lambda prompt: f"click[{prompt[::-1]}] -> 1.0 reversed")
    assert isinstance(llm, FakeLLMForTests) and llm.name == "fake"
    result = llm.complete("abc")
    assert result == Completion("click[cba] -> 1.0 reversed", estimate_tokens("abc"), estimate_tokens(result.text))
    assert llm.prompts == ["abc"]


def test_fake_without_responder_gives_its_fixed_text_cut_at_stop_strings():
    llm = FakeLLMForTests(text="search[a b] -> 1.0 why\nDiscouraged:\nclick[x] -> 0.0 no")
    assert llm.complete("p").text == "search[a b] -> 1.0 why\nDiscouraged:\nclick[x] -> 0.0 no"
    assert llm.complete("p", stop=["Discouraged"]).text == "search[a b] -> 1.0 why\n"
    assert llm.complete("p", stop="\n").text == "search[a b] -> 1.0 why"  # a single string is one stop


def test_fake_counts_usage():
    llm = make_llm("fake", fake_responder=lambda prompt: "one two three")
    llm.complete("a b c d")
    llm.complete("e f")
    assert (llm.usage.calls, llm.usage.cached_calls) == (2, 0)
    assert llm.usage.prompt_tokens == estimate_tokens("a b c d") + estimate_tokens("e f")
    assert llm.usage.completion_tokens == 2 * estimate_tokens("one two three")


def test_fake_never_writes_the_default_cache(isolated_cache_dir):
    llm = make_llm("fake")
    llm.complete("p")
    assert llm.cache is None
    assert not isolated_cache_dir.exists()


def test_backends_satisfy_the_protocol():
    assert isinstance(make_llm("fake"), LLM)
    assert isinstance(make_llm("local"), LLM)


def test_no_backend_means_openai_with_a_key_and_local_without(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    chosen = make_llm(None)
    assert isinstance(chosen, OpenAILLM) and chosen.name == "openai:gpt-4o-mini"
    monkeypatch.delenv("OPENAI_API_KEY")
    local = make_llm(None)
    assert isinstance(local, LocalGemmaLLM) and local.name == "local:gemma3-270m"
    assert local._model is None  # building the backend does not load the model


def test_llamacpp_backend_is_built_lazily():
    llm = make_llm("llamacpp", use_cache=False)
    assert isinstance(llm, LlamaCppLLM) and llm.name == "llamacpp:gemma3-270m"


def test_cache_sits_in_the_cache_dir_by_default(isolated_cache_dir):
    llm = make_llm("local")
    assert llm.cache is not None and llm.cache.path == isolated_cache_dir / "llm_cache.sqlite"
    assert make_llm("local", use_cache=False).cache is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"backend": "gpt"}, r"unknown LLM backend 'gpt'; choose one of openai, local, llamacpp, fake"),
        ({"backend": "fake", "temperature": -1}, "temperature must be >= 0"),
        ({"backend": "fake", "timeout": 0}, "timeout must be positive"),
        ({"backend": "fake", "max_retries": -1}, "max_retries must be >= 0"),
        ({"backend": "local", "model": "llama-3-8b"}, r"only ships gemma3-270m.*--llm openai"),
        ({"backend": "llamacpp", "model": "phi-3"}, "only ships gemma3-270m"),
    ],
)
def test_bad_settings_are_agent_errors(kwargs, message):
    with pytest.raises(AgentError, match=message):
        make_llm(**kwargs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"prompt": "p", "max_tokens": 0}, "max_tokens must be at least 1"),
        ({"prompt": "p", "temperature": -0.5}, "temperature must be >= 0"),
        ({"prompt": None}, "prompt must be text"),
    ],
)
def test_bad_call_arguments_are_agent_errors(call, message):
    llm = make_llm("fake")
    prompt = call.pop("prompt")
    with pytest.raises(AgentError, match=message):
        llm.complete(prompt, **call)
    assert llm.usage.calls == 0


@pytest.mark.parametrize(
    ("text", "stop", "expected"),
    [
        ("a -> 1.0 x\nDiscouraged:\nb", ["Discouraged"], "a -> 1.0 x\n"),
        ("abc", [], "abc"),
        ("abc", [""], "abc"),
        ("one\ntwo END three", ["END", "\n"], "one"),  # the earliest stop wins, whatever its order
        ("no stop here", ["zzz"], "no stop here"),
    ],
)
def test_truncate_at_stop(text, stop, expected):
    assert truncate_at_stop(text, stop) == expected


def test_estimate_tokens_grows_with_text():
    assert estimate_tokens("") == 0
    assert estimate_tokens("click[b06ab] -> 1.0") >= 5
    assert estimate_tokens("word " * 100) >= 100
    assert estimate_tokens("x" * 400) == 100


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_llm_arguments(parser)
    return parser.parse_args(list(argv))


def test_command_line_flags_build_the_described_backend(tmp_path):
    args = _parse(
        "--backend", "openai", "--model", "test-completion", "--base-url", "http://127.0.0.1:9/v1",
        "--api", "completion", "--temperature", "0", "--timeout", "7", "--max-retries", "1",
        "--llm-cache", str(tmp_path / "x.sqlite"),
    )
    llm = llm_from_args(args)
    assert isinstance(llm, OpenAILLM)
    assert (llm.name, llm.api, llm.base_url, llm.temperature, llm.timeout, llm.max_retries) == (
        "openai:test-completion", "completion", "http://127.0.0.1:9/v1", 0.0, 7.0, 1,
    )
    assert llm.cache is not None and llm.cache.path == tmp_path / "x.sqlite"
    assert llm_from_args(_parse("--backend", "local", "--no-cache", "--seed", "3")).cache is None


def test_the_fake_backend_is_not_offered_on_the_command_line():
    with pytest.raises(SystemExit):
        _parse("--backend", "fake")


def test_the_fake_backend_exists_only_while_the_test_suite_names_it(monkeypatch):
    from agent.run_config import add_run_arguments

    monkeypatch.delenv("REMEMBERER_TEST_LLM")
    with pytest.raises(AgentError, match="unknown LLM backend 'fake'"):
        make_llm("fake")
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--env", "webshop", "--llm", "fake"])
