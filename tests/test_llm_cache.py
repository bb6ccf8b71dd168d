"""The SQLite response cache: hits, bypass, what the key covers, threads, processes, bad files."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from agent.errors import AgentError
from agent.llm import default_cache_path, make_llm
from agent.llm_cache import CachedAnswer, ResponseCache, cache_key
from tests.openai_test_server import OpenAITestServer

ROOT = Path(__file__).resolve().parents[1]


class CountingResponder:
    """FOR UNIT TESTS ONLY: answers `answer:<prompt>` and counts how often the model was 'run'."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, prompt: str) -> str:
        with self._lock:
            self.calls += 1
        return f"answer:{prompt} tail"


def test_second_identical_call_is_a_hit_and_costs_no_tokens(tmp_path):
    responder = CountingResponder()
    llm = make_llm("fake", fake_responder=responder, cache_path=tmp_path / "c.sqlite")
    first = llm.complete("hello there", max_tokens=20, stop=[" tail"])
    second = llm.complete("hello there", max_tokens=20, stop=[" tail"])
    assert responder.calls == 1
    assert (first.cached, second.cached) == (False, True)
    assert second.text == first.text == "answer:hello there"
    assert (second.prompt_tokens, second.completion_tokens) == (first.prompt_tokens, first.completion_tokens)
    assert llm.usage.calls == 2 and llm.usage.cached_calls == 1
    assert llm.usage.prompt_tokens == first.prompt_tokens  # the hit added no tokens


def test_the_cache_outlives_the_llm_instance(tmp_path):
    path = tmp_path / "c.sqlite"
    make_llm("fake", fake_responder=CountingResponder(), cache_path=path).complete("p")
    responder = CountingResponder()
    again = make_llm("fake", fake_responder=responder, cache_path=path).complete("p")
    assert again.cached and again.text == "answer:p tail" and responder.calls == 0


def test_use_cache_false_bypasses_and_writes_nothing(tmp_path):
    path = tmp_path / "c.sqlite"
    responder = CountingResponder()
    llm = make_llm("fake", fake_responder=responder, cache_path=path, use_cache=False)
    results = [llm.complete("p"), llm.complete("p")]
    assert responder.calls == 2
    assert not any(r.cached for r in results)
    assert not path.exists()


@pytest.mark.parametrize(
    "changed",
    [
        {"temperature": 0.7},
        {"max_tokens": 21},
        {"stop": ["\n", "x"]},
        {"prompt": "other prompt"},
    ],
)
def test_the_key_includes_prompt_and_parameters(tmp_path, changed):
    responder = CountingResponder()
    llm = make_llm("fake", fake_responder=responder, cache_path=tmp_path / "c.sqlite")
    base = {"prompt": "p", "max_tokens": 20, "stop": ["\n"], "temperature": None}
    llm.complete(base["prompt"], max_tokens=base["max_tokens"], stop=base["stop"], temperature=base["temperature"])
    call = {**base, **changed}
    result = llm.complete(call["prompt"], max_tokens=call["max_tokens"], stop=call["stop"], temperature=call["temperature"])
    assert not result.cached and responder.calls == 2


def test_stop_order_and_default_temperature_do_not_split_the_cache(tmp_path):
    responder = CountingResponder()
    llm = make_llm("fake", fake_responder=responder, cache_path=tmp_path / "c.sqlite", temperature=0.1)
    llm.complete("p", stop=["a", "b"])
    assert llm.complete("p", stop=["b", "a"], temperature=0.1).cached
    assert responder.calls == 1


def test_the_key_includes_backend_and_model():
    params = {"temperature": 0.1, "max_tokens": 8, "stop": []}
    keys = {
        cache_key("openai:gpt-4o-mini", "p", params),
        cache_key("openai:gpt-4o", "p", params),
        cache_key("local:gemma3-270m", "p", params),
        cache_key("local:gemma3-270m", "p", {**params, "seed": 1}),
    }
    assert len(keys) == 4
    assert cache_key("fake", "p", {"a": 1, "b": 2}) == cache_key("fake", "p", {"b": 2, "a": 1})


def test_openai_backend_reruns_from_the_cache_without_contacting_the_server(tmp_path):
    path = tmp_path / "c.sqlite"
    with OpenAITestServer(responder=lambda prompt: "click[b01] -> 1.0 cached") as server:
        first = make_llm("openai", base_url=server.base_url, model="test-chat", cache_path=path).complete("x y")
        rerun = make_llm("openai", base_url=server.base_url, model="test-chat", cache_path=path)
        second = rerun.complete("x y")
        other_api = make_llm("openai", base_url=server.base_url, model="test-chat", api="completion", cache_path=path)
        third = other_api.complete("x y")
        assert len(server.completion_requests()) == 2  # the rerun was a hit, the other API style a miss
    assert second.cached and not first.cached and not third.cached
    assert (second.text, second.prompt_tokens, second.completion_tokens) == ("click[b01] -> 1.0 cached", 2, 4)
    assert rerun.usage.cached_calls == 1 and rerun.usage.prompt_tokens == 0


def test_default_cache_file_follows_the_cache_dir_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("REMEMBERER_CACHE_DIR", str(tmp_path / "cachedir"))
    assert default_cache_path() == tmp_path / "cachedir" / "llm_cache.sqlite"
    with OpenAITestServer() as server:
        make_llm("openai", base_url=server.base_url, model="test-chat").complete("p")
    assert len(ResponseCache(default_cache_path())) == 1


def test_threads_share_one_cache_safely(tmp_path):
    responder = CountingResponder()
    llm = make_llm("fake", fake_responder=responder, cache_path=tmp_path / "c.sqlite")
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(25):
                assert llm.complete(f"prompt {i % 10}").text == f"answer:prompt {i % 10} tail"
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(llm.cache) == 10
    assert llm.usage.calls == 150
    assert llm.usage.cached_calls == 150 - responder.calls


_WRITER = """
import sys
from pathlib import Path
from agent.llm import make_llm
llm = make_llm("fake", fake_responder=lambda p: p.upper(), cache_path=Path(sys.argv[1]))
for i in range(40):
    llm.complete(f"shared {i % 20}")
    llm.complete(f"own {sys.argv[2]} {i}")
print(llm.usage.cached_calls)
"""


def test_several_processes_can_write_the_same_file(tmp_path):
    path = tmp_path / "c.sqlite"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(n)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for n in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert len(ResponseCache(path)) == 20 + 3 * 40
    cache = ResponseCache(path)
    hit = cache.get(cache_key("fake", "shared 3", {"temperature": 0.1, "max_tokens": 128, "stop": []}))
    assert hit == CachedAnswer("SHARED 3", hit.prompt_tokens, hit.completion_tokens)


def test_a_file_that_is_not_sqlite_is_a_clear_agent_error(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_text("this is not a database, just some text that is long enough " * 20)
    with pytest.raises(AgentError, match=r"cannot use the LLM response cache at .*c\.sqlite.*REMEMBERER_CACHE_DIR"):
        make_llm("fake", cache_path=path)
