"""The LLM layer: one small interface, several backends, a response cache and usage counting.

Backends (pick with `make_llm(backend)`):

- ``openai``   any OpenAI-compatible HTTP server (OpenAI, vLLM, Ollama, llama.cpp's server), chat
               or plain completions, retries with exponential backoff on 429/5xx/timeouts.
- ``local``    Gemma 3 270M shipped as a PyPI package, run offline with transformers
               (see `agent.llm_local`).
- ``llamacpp`` the same GGUF file through llama-cpp-python (optional extra).
- ``fake``     only inside the test suite: it names the factory of its deterministic stand-in
               in the environment variable REMEMBERER_TEST_LLM ("module:function"); the package
               ships no fake, and without that variable the backend does not exist.

Every backend answers `complete(prompt, max_tokens=, stop=, temperature=, constraint=)` with a
`Completion`, cuts the text at the first stop string, keeps a per-instance `Usage` tally, and
(unless disabled) reads and writes the SQLite response cache in `agent.llm_cache`.

`constraint` (an `agent.constraints.AnswerConstraint`, or None) is the shape the answer must
have. The local backend enforces it while decoding; the openai backend sends it as guided-decoding
parameters when `guided` names the server kind (``vllm``, ``llamacpp``) and ignores it for plain
OpenAI (``none``); the fake ignores it. Callers still parse every answer.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from agent.constraints import AnswerConstraint
from agent.errors import AgentError
from agent.llm_cache import CachedAnswer, ResponseCache, cache_key

CACHE_DIR_ENV = "REMEMBERER_CACHE_DIR"
BACKENDS = ("openai", "local", "llamacpp")
TEST_BACKEND = "fake"
TEST_BACKEND_VARIABLE = "REMEMBERER_TEST_LLM"  # "module:function"; set by the test suite only
GUIDED = ("none", "vllm", "llamacpp")  # how the openai backend sends a constraint
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
OPENAI_MAX_STOP_SEQUENCES = 4  # the OpenAI API rejects more; the rest are applied client-side

# Model names served by the plain /completions endpoint (the rest are assumed to be chat models).
_COMPLETION_MODEL = re.compile(r"^(text-|davinci|babbage|curie|code-)|gpt-3\.5-turbo-instruct")


@dataclass
class Completion:
    """One answer from an LLM. `cached` is True when it came from the response cache."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    cached: bool = False


@dataclass
class Usage:
    """Calls and tokens of one LLM instance, accumulated over a run.

    `calls` counts every `complete` call, `cached_calls` those answered from the cache. Token counts
    only include calls that actually ran the model (a cache hit costs nothing).
    """

    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@runtime_checkable
class LLM(Protocol):
    name: str
    usage: Usage

    def complete(
        self, prompt: str, *, max_tokens: int = 128, stop: Sequence[str] = (), temperature: float | None = None,
        constraint: AnswerConstraint | None = None,
    ) -> Completion: ...

    def count_tokens(self, text: str) -> int: ...


def default_cache_dir() -> Path:
    """`$REMEMBERER_CACHE_DIR`, or `~/.cache/rememberer`: home of the response cache and converted models."""
    env = os.environ.get(CACHE_DIR_ENV, "").strip()
    return Path(env).expanduser() if env else Path.home() / ".cache" / "rememberer"


def default_cache_path() -> Path:
    return default_cache_dir() / "llm_cache.sqlite"


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate: the larger of word+punctuation pieces and characters / 4."""
    if not text:
        return 0
    return max(len(re.findall(r"\w+|[^\w\s]", text)), math.ceil(len(text) / 4))


def truncate_at_stop(text: str, stop: Sequence[str]) -> str:
    """Cut `text` at the earliest occurrence of any stop string (the stop string itself is dropped)."""
    cut = len(text)
    for s in stop:
        if s:
            at = text.find(s)
            if at != -1:
                cut = min(cut, at)
    return text[:cut]


class BaseLLM:
    """Shared plumbing: argument checks, the response cache, stop-string cutting and usage.

    Subclasses implement `_generate` (one uncached model call) and may override `count_tokens` and
    `_cache_params` (extra settings that change answers, e.g. the sampling seed).
    """

    def __init__(self, *, name: str, temperature: float, cache: ResponseCache | None) -> None:
        self.name = name
        self.temperature = temperature
        self.usage = Usage()
        self.cache = cache
        self._usage_lock = threading.Lock()

    def complete(
        self, prompt: str, *, max_tokens: int = 128, stop: Sequence[str] = (), temperature: float | None = None,
        constraint: AnswerConstraint | None = None,
    ) -> Completion:
        if not isinstance(prompt, str):
            raise AgentError(f"an LLM prompt must be text, got {type(prompt).__name__}")
        if isinstance(stop, str):
            stop = (stop,)
        if max_tokens < 1:
            raise AgentError(f"max_tokens must be at least 1, got {max_tokens}")
        temp = self.temperature if temperature is None else float(temperature)
        if temp < 0:
            raise AgentError(f"temperature must be >= 0, got {temp}")
        stops = tuple(dict.fromkeys(s for s in stop if s))
        if not self.enforces(constraint):
            constraint = None  # not sent, so it cannot change the answer or the cache key

        key = None
        params: dict[str, Any] = {}
        if self.cache is not None:
            params = {"temperature": temp, "max_tokens": max_tokens, "stop": sorted(stops), **self._cache_params()}
            if constraint is not None:
                params["constraint"] = constraint.key()
            key = cache_key(self.name, prompt, params)
            hit = self.cache.get(key)
            if hit is not None:
                with self._usage_lock:
                    self.usage.calls += 1
                    self.usage.cached_calls += 1
                return Completion(hit.text, hit.prompt_tokens, hit.completion_tokens, cached=True)

        raw = self._generate(prompt, max_tokens=max_tokens, stop=stops, temperature=temp, constraint=constraint)
        result = Completion(truncate_at_stop(raw.text, stops), raw.prompt_tokens, raw.completion_tokens)
        if self.cache is not None and key is not None:
            answer = CachedAnswer(result.text, result.prompt_tokens, result.completion_tokens)
            self.cache.put(key, llm_name=self.name, params=params, prompt=prompt, answer=answer)
        with self._usage_lock:
            self.usage.calls += 1
            self.usage.prompt_tokens += result.prompt_tokens
            self.usage.completion_tokens += result.completion_tokens
        return result

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def enforces(self, constraint: AnswerConstraint | None) -> bool:
        """True when this backend makes answers follow `constraint` (False: it is dropped)."""
        return False

    def _generate(self, prompt: str, *, max_tokens: int, stop: tuple[str, ...], temperature: float,
                  constraint: AnswerConstraint | None = None) -> Completion:
        raise NotImplementedError

    def _cache_params(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class OpenAILLM(BaseLLM):
    """Any OpenAI-compatible server through the `openai` package.

    `api="chat"` sends the prompt as one user message to /chat/completions; `api="completion"` sends
    it to /completions as is. Rate limits (429), server errors (5xx), timeouts and refused connections
    are retried `max_retries` times with exponential backoff (honouring Retry-After); then, or on any
    other HTTP error, an `AgentError` with one line is raised.

    `guided` says how a constraint travels: ``vllm`` sends its regular expression as
    ``structured_outputs: {"regex": ...}`` (vLLM >= 0.10.2), ``llamacpp`` sends its GBNF grammar as
    ``grammar`` (llama.cpp's server), ``none`` sends nothing (plain OpenAI: free text + the parser).
    """

    def __init__(
        self,
        *,
        model: str,
        api: str,
        base_url: str,
        api_key: str,
        temperature: float,
        timeout: float,
        max_retries: int,
        retry_backoff: float,
        cache: ResponseCache | None,
        guided: str = "none",
    ) -> None:
        import openai  # deferred: importing openai costs ~0.5 s and the local backend never needs it

        super().__init__(name=f"openai:{model}", temperature=temperature, cache=cache)
        self.model = model
        self.api = api
        self.base_url = base_url
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self.max_retry_delay = 60.0
        if guided not in GUIDED:
            raise AgentError(f"unknown guided-decoding style {guided!r}; use one of {', '.join(GUIDED)}")
        self.guided = guided
        self._openai = openai
        self._client = openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)
        self._jitter = random.Random(0)

    def _cache_params(self) -> dict[str, Any]:
        return {"api": self.api}

    def enforces(self, constraint: AnswerConstraint | None) -> bool:
        return constraint is not None and self.guided != "none"

    def _generate(self, prompt: str, *, max_tokens: int, stop: tuple[str, ...], temperature: float,
                  constraint: AnswerConstraint | None = None) -> Completion:
        request: dict[str, Any] = {"model": self.model, "max_tokens": max_tokens, "temperature": temperature}
        if stop:
            request["stop"] = list(stop[:OPENAI_MAX_STOP_SEQUENCES])
        if constraint is not None and self.guided == "vllm":
            request["extra_body"] = {"structured_outputs": {"regex": constraint.regex()}}
        elif constraint is not None and self.guided == "llamacpp":
            request["extra_body"] = {"grammar": constraint.gbnf()}
        last_error: Exception | None = None
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(self._retry_delay(attempt - 1, last_error))
            try:
                return self._request(prompt, request)
            except self._openai.APIStatusError as exc:
                if not _retryable_status(exc.status_code):
                    raise AgentError(self._rejected_message(exc)) from exc
                last_error = exc
            except self._openai.APIConnectionError as exc:  # includes APITimeoutError
                last_error = exc
            except (self._openai.OpenAIError, ValueError) as exc:  # e.g. an answer that is not JSON
                raise AgentError(
                    f"the LLM server at {self.base_url} sent an answer that could not be read: {_one_line(str(exc))}"
                ) from exc
        assert last_error is not None
        raise AgentError(self._gave_up_message(last_error)) from last_error

    def _request(self, prompt: str, request: dict[str, Any]) -> Completion:
        if self.api == "chat":
            response = self._client.chat.completions.create(messages=[{"role": "user", "content": prompt}], **request)
            texts = [choice.message.content for choice in response.choices or []]
        else:
            response = self._client.completions.create(prompt=prompt, **request)
            texts = [choice.text for choice in response.choices or []]
        if not texts:
            raise AgentError(f"the LLM server at {self.base_url} answered without any choices for model {self.model!r}")
        text = texts[0] or ""
        usage = response.usage
        if usage is not None and usage.prompt_tokens is not None:
            return Completion(text, int(usage.prompt_tokens), int(usage.completion_tokens or 0))
        return Completion(text, estimate_tokens(prompt), estimate_tokens(text))  # server sent no usage

    def _retry_delay(self, retry_index: int, error: Exception | None) -> float:
        """Exponential backoff with a little jitter; a server's Retry-After wins when it sends one."""
        server_says = _retry_after_seconds(error)
        if server_says is not None:
            return min(server_says, self.max_retry_delay)
        delay = self.retry_backoff * (2**retry_index)
        return min(delay * self._jitter.uniform(0.8, 1.0), self.max_retry_delay)

    def _gave_up_message(self, error: Exception) -> str:
        n = self.max_retries
        tries = "without retrying" if n == 0 else f"after {n} retr{'y' if n == 1 else 'ies'}"
        if isinstance(error, self._openai.APIStatusError):
            what = "rate limit" if error.status_code == 429 else "server error"
            return (
                f"the LLM server at {self.base_url} kept failing with HTTP {error.status_code} ({what}: "
                f"{_status_detail(error)}) {tries}; wait and retry, or raise --max-retries"
            )
        if isinstance(error, self._openai.APITimeoutError):
            reason = f"no answer within {self.timeout:g} s"
        else:
            reason = _connection_reason(error)
        return f"cannot reach the LLM server at {self.base_url}: {reason} ({tries}); check --base-url / OPENAI_BASE_URL"

    def _rejected_message(self, error: Exception) -> str:
        status = getattr(error, "status_code", "?")
        hint = {
            401: "check --api-key / OPENAI_API_KEY",
            403: "check --api-key / OPENAI_API_KEY and the model's access rights",
            404: f"check --model (is {self.model!r} served there?), --base-url and --api chat|completion",
        }.get(status, "check --model, --api chat|completion and the request settings")
        return f"the LLM server at {self.base_url} rejected the request with HTTP {status}: {_status_detail(error)}; {hint}"


def _retryable_status(status: int) -> bool:
    return status in (408, 409, 429) or status >= 500


def _retry_after_seconds(error: Exception | None) -> float | None:
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue  # an HTTP date; fall back to our own backoff
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return None


def _status_detail(error: Exception) -> str:
    body = getattr(error, "body", None)
    message = None
    if isinstance(body, dict):
        inner = body.get("error")
        message = body.get("message") or (inner.get("message") if isinstance(inner, dict) else inner)
    return _one_line(str(message or getattr(error, "message", "") or type(error).__name__))


def _connection_reason(error: Exception) -> str:
    cause: BaseException | None = error
    while cause is not None and cause.__cause__ is not None:
        cause = cause.__cause__
    text = _one_line(str(cause or error))
    if "refused" in text.lower():
        return "connection refused"
    return text or "connection failed"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def resolve_openai_api(api: str | None, model: str) -> str:
    """`chat` or `completion`: the explicit choice, else guessed from the model name."""
    if api is None or api == "auto":
        return "completion" if _COMPLETION_MODEL.search(model) else "chat"
    if api in ("chat", "completion"):
        return api
    raise AgentError(f"unknown OpenAI API style {api!r}; use chat, completion or auto")


def make_llm(
    backend: str | None = None,
    *,
    model: str | None = None,
    temperature: float = 0.1,
    base_url: str | None = None,
    api_key: str | None = None,
    timeout: float = 60.0,
    max_retries: int = 4,
    cache_path: Path | None = None,
    use_cache: bool = True,
    fake_responder: Callable[[str], str] | None = None,
    env: str | None = None,
    api: str | None = None,
    seed: int = 0,
    retry_backoff: float = 1.0,
    guided: str = "none",
    local_options: dict[str, Any] | None = None,
) -> LLM:
    """Build an LLM backend.

    `backend=None` picks ``openai`` when OPENAI_API_KEY is set, else ``local``. `cache_path=None`
    means the default cache file (`default_cache_path()`); `use_cache=False` bypasses the cache.
    The test backend (see `backend_names`) gets `fake_responder` and `env` (the environment it
    will play) and only caches when given an explicit `cache_path`, so tests never touch the
    user's cache. `api` (chat/completion/auto) and `retry_backoff` only matter for ``openai``;
    `seed` for the sampling backends; `guided` (none/vllm/llamacpp) how ``openai`` sends
    constraints; `local_options` are keyword arguments of `LocalGemmaLLM` (threads, decode_threads, reuse_prefix).
    """
    if backend is None or not backend.strip():
        backend = "openai" if os.environ.get("OPENAI_API_KEY") else "local"
    backend = backend.strip().lower()
    if backend not in backend_names():
        raise AgentError(f"unknown LLM backend {backend!r}; choose one of "
                         f"{', '.join(backend_names())}")
    if temperature < 0:
        raise AgentError(f"temperature must be >= 0, got {temperature}")
    if timeout <= 0:
        raise AgentError(f"the LLM timeout must be positive, got {timeout}")
    if max_retries < 0:
        raise AgentError(f"max_retries must be >= 0, got {max_retries}")

    if backend == TEST_BACKEND:
        cache = ResponseCache(cache_path) if use_cache and cache_path is not None else None
        return _test_backend()(responder=fake_responder, env=env, temperature=temperature,
                               cache=cache)

    cache = ResponseCache(cache_path or default_cache_path()) if use_cache else None
    if backend == "openai":
        model = model or DEFAULT_OPENAI_MODEL
        url = (base_url or os.environ.get("OPENAI_BASE_URL", "").strip() or OPENAI_DEFAULT_BASE_URL).rstrip("/")
        key = api_key or os.environ.get("OPENAI_API_KEY", "").strip()
        if not key:
            if url == OPENAI_DEFAULT_BASE_URL:
                raise AgentError("the openai backend needs an API key: set OPENAI_API_KEY or pass --api-key")
            key = "not-needed"  # local servers (vLLM, Ollama, llama.cpp) usually ignore the key
        return OpenAILLM(
            model=model,
            api=resolve_openai_api(api, model),
            base_url=url,
            api_key=key,
            temperature=temperature,
            timeout=timeout,
            max_retries=max_retries,
            retry_backoff=retry_backoff,
            cache=cache,
            guided=guided,
        )

    from agent.llm_local import LlamaCppLLM, LocalGemmaLLM

    models_dir = default_cache_dir() / "models"
    if backend == "local":
        return LocalGemmaLLM(model=model, temperature=temperature, seed=seed, models_dir=models_dir, cache=cache,
                             **(local_options or {}))
    return LlamaCppLLM(model=model, temperature=temperature, seed=seed, models_dir=models_dir, cache=cache)


def backend_names() -> tuple[str, ...]:
    """The LLM backends; the test suite's stand-in only while REMEMBERER_TEST_LLM is set."""
    return BACKENDS + ((TEST_BACKEND,) if os.environ.get(TEST_BACKEND_VARIABLE) else ())


def _test_backend() -> Callable[..., LLM]:
    """The factory REMEMBERER_TEST_LLM names ("module:function")."""
    target = os.environ.get(TEST_BACKEND_VARIABLE, "")
    module_name, _, function = target.partition(":")
    try:
        return getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError, ValueError) as exc:
        raise AgentError(f"{TEST_BACKEND_VARIABLE}={target!r} names no LLM factory ({exc})") from None


def add_llm_arguments(parser: argparse.ArgumentParser, *, backend_flag: str = "--backend",
                      hidden_aliases: tuple[str, ...] = (), choices: Sequence[str] = BACKENDS,
                      backend_help: str | None = None,
                      seed_help: str | None = None) -> list[argparse.Action]:
    """The LLM flags shared by the commands that run an agent; read them back with `llm_from_args`.
    `backend_flag` spells the backend flag (`hidden_aliases` are accepted but not shown) and
    `choices` are its backends. Returns the flags' actions."""
    group = parser.add_argument_group("LLM")
    backend = dict(dest="backend", choices=list(choices), default=None)
    actions = [group.add_argument(backend_flag, **backend, help=backend_help or (
        "LLM backend (default: openai when OPENAI_API_KEY is set, else local)"))]
    actions += [group.add_argument(alias, **backend, help=argparse.SUPPRESS)
                 for alias in hidden_aliases]
    actions += [
        group.add_argument("--model", default=None, help=f"model name (openai default: {DEFAULT_OPENAI_MODEL}; local: gemma3-270m)"),
        group.add_argument("--base-url", default=None, help="OpenAI-compatible server URL ending in /v1 (default: OPENAI_BASE_URL)"),
        group.add_argument("--api-key", default=None, help="API key (default: OPENAI_API_KEY; local servers need none)"),
        group.add_argument(
            "--api",
            choices=["auto", "chat", "completion"],
            default="auto",
            help="openai endpoint: chat completions or plain completions (auto: guess from the model name)",
        ),
        group.add_argument("--temperature", type=float, default=0.1, help="sampling temperature (default 0.1)"),
        group.add_argument("--timeout", type=float, default=60.0, help="seconds per LLM request (default 60)"),
        group.add_argument("--max-retries", type=int, default=4, help="retries on rate limits, 5xx and timeouts (default 4)"),
        group.add_argument("--seed", type=int, default=0, help=seed_help or "sampling seed of the local backends (default 0)"),
        group.add_argument("--llm-cache", type=Path, default=None, help="response cache file (default: under REMEMBERER_CACHE_DIR)"),
        group.add_argument("--no-cache", action="store_true", help="do not read or write the LLM response cache"),
        group.add_argument(
            "--guided",
            choices=GUIDED,
            default="none",
            help="openai backend: send the valid actions as guided decoding to a vllm server "
            "(structured_outputs regex) or a llamacpp server (GBNF grammar); none: free text + the parser (default)",
        ),
    ]
    return actions


def llm_from_args(args: argparse.Namespace) -> LLM:
    """Build the LLM that the flags from `add_llm_arguments` describe."""
    return make_llm(
        args.backend,
        model=args.model,
        temperature=args.temperature,
        base_url=args.base_url,
        api_key=args.api_key,
        timeout=args.timeout,
        max_retries=args.max_retries,
        cache_path=args.llm_cache,
        use_cache=not args.no_cache,
        api=args.api,
        seed=args.seed,
        guided=args.guided,
    )
