"""A small OpenAI-compatible HTTP server for tests, run on 127.0.0.1 in a background thread.

It is a real server speaking the wire protocol, so tests exercise the `openai` client, HTTP and
JSON end to end. It serves:

- ``POST /v1/chat/completions`` (the prompt is the content of the last message)
- ``POST /v1/completions``
- ``GET  /v1/models``

Answers come from `responder(prompt) -> str` (default: a fixed WebShop-style line). The server
applies `stop` (cut at the first stop string) and `max_tokens`, and reports `usage` with its own
toy tokenizer: one token per whitespace-separated word. Failures can be scripted per request:
``server.fail_next(429, times=2)`` answers the next two requests with HTTP 429, and
``server.delay_next(2.0)`` holds the next answer back for two seconds (to trigger client timeouts),
and ``server.send_raw_next(b"...")`` sends a malformed answer.
Every request is recorded in `server.requests`.

Use it as a context manager::

    with OpenAITestServer(responder=lambda prompt: "click[b0] -> 1.0 ok") as server:
        llm = make_llm("openai", base_url=server.base_url, model="test-chat", use_cache=False)

or run it by hand for demos: ``python tests/openai_test_server.py --port 8765``.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_ANSWER = "search[test item] -> 1.0 the loopback test server always suggests this search"


def count_words(text: str) -> int:
    """The server's toy tokenizer: one token per whitespace-separated word."""
    return len(text.split())


@dataclass
class RecordedRequest:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]  # names in lower case


@dataclass
class _Fault:
    status: int | None = None  # answer with this HTTP error
    delay: float = 0.0  # wait this long before answering
    retry_after: float | None = None  # seconds, sent as a Retry-After header with the error
    raw: bytes | None = None  # answer 200 with exactly these bytes (to test malformed answers)


@dataclass
class OpenAITestServer:
    """An OpenAI-compatible server on loopback; `base_url` ends in /v1 as the openai client expects."""

    responder: Callable[[str], str] | None = None
    api_key: str | None = None  # when set, requests must carry "Authorization: Bearer <api_key>"
    models: tuple[str, ...] = ("test-chat", "test-completion")  # empty: accept any model name
    port: int = 0
    requests: list[RecordedRequest] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._faults: deque[_Fault] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting -------------------------------------------------------------------------------
    def fail_next(self, status: int, *, times: int = 1, retry_after: float | None = None) -> None:
        """Answer the next `times` requests with HTTP `status` (an OpenAI-style error body)."""
        with self._lock:
            self._faults.extend(_Fault(status=status, retry_after=retry_after) for _ in range(times))

    def delay_next(self, seconds: float, *, times: int = 1) -> None:
        """Hold the next `times` answers back for `seconds` (then answer normally)."""
        with self._lock:
            self._faults.extend(_Fault(delay=seconds) for _ in range(times))

    def send_raw_next(self, body: bytes) -> None:
        """Answer the next request with HTTP 200 and `body` as is (e.g. not JSON, or no choices)."""
        with self._lock:
            self._faults.append(_Fault(raw=body))

    def completion_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST"]

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the test server is not running")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> OpenAITestServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="openai-test-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a scripted delay
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OpenAITestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- behaviour -------------------------------------------------------------------------------
    def _next_fault(self) -> _Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _answer(self, prompt: str, body: dict[str, Any]) -> tuple[str, str, int]:
        """(text, finish_reason, completion_tokens) for one request."""
        text = self.responder(prompt) if self.responder is not None else DEFAULT_ANSWER
        finish = "stop"
        stops = body.get("stop") or []
        if isinstance(stops, str):
            stops = [stops]
        cuts = [text.find(s) for s in stops if s and s in text]
        if cuts:
            text = text[: min(cuts)]
        limit = body.get("max_tokens") or body.get("max_completion_tokens")
        words = list(re.finditer(r"\S+", text))
        if limit is not None and len(words) > int(limit):
            text, finish = text[: words[int(limit) - 1].end()] if int(limit) > 0 else "", "length"
        return text, finish, count_words(text)


class _Handler(BaseHTTPRequestHandler):
    owner: OpenAITestServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._record({})
        if self.path.rstrip("/") != "/v1/models":
            self._error(404, f"no route {self.path}", "not_found")
            return
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "tests"} for m in self.owner.models]
        self._json(200, {"object": "list", "data": data})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._record({})
            self._error(400, "request body is not JSON", "invalid_request_error")
            return
        self._record(body)
        owner = self.owner
        if owner.api_key is not None and self.headers.get("Authorization") != f"Bearer {owner.api_key}":
            self._error(401, "Incorrect API key provided", "invalid_api_key")
            return
        fault = owner._next_fault()
        if fault is not None and fault.delay:
            if owner._stopping.wait(fault.delay):
                return
        if fault is not None and fault.status is not None:
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            self._error(fault.status, f"scripted failure {fault.status}", "scripted", headers)
            return
        if fault is not None and fault.raw is not None:
            self._send(200, fault.raw)
            return
        route = self.path.rstrip("/")
        if route not in ("/v1/chat/completions", "/v1/completions"):
            self._error(404, f"no route {self.path}", "not_found")
            return
        model = body.get("model")
        if owner.models and model not in owner.models:
            self._error(404, f"The model `{model}` does not exist", "model_not_found")
            return
        if route == "/v1/chat/completions":
            messages = body.get("messages") or []
            prompt = str(messages[-1].get("content", "")) if messages else ""
        else:
            prompt = str(body.get("prompt", ""))
        try:
            text, finish, completion_tokens = owner._answer(prompt, body)
        except Exception as exc:  # a broken responder shows up as a server error, not a hung test
            self._error(500, f"responder failed: {type(exc).__name__}: {exc}", "server_error")
            return
        prompt_tokens = count_words(prompt)
        created = int(time.time())
        if route == "/v1/chat/completions":
            choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}
            kind, prefix = "chat.completion", "chatcmpl"
        else:
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": finish}
            kind, prefix = "text_completion", "cmpl"
        self._json(
            200,
            {
                "id": f"{prefix}-test-{len(owner.requests)}",
                "object": kind,
                "created": created,
                "model": model,
                "choices": [choice],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
        )

    def _record(self, body: dict[str, Any]) -> None:
        with self.owner._lock:
            self.owner.requests.append(RecordedRequest(self.command, self.path, body, {k.lower(): v for k, v in self.headers.items()}))

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"), headers)

    def _send(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        try:
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during a scripted delay)

    def _error(self, status: int, message: str, code: str, headers: dict[str, str] | None = None) -> None:
        self._json(status, {"error": {"message": message, "type": code, "param": None, "code": code}}, headers)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the loopback OpenAI-compatible test server by hand.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--player", metavar="ENV", help="answer as the test suite's fake player of "
                                                         "this environment (default: a fixed line)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before every answer")
    args = parser.parse_args()
    responder = None
    if args.player:
        from environments.registry import spec
        from tests.fakes import FakePlayerForTests

        responder = FakePlayerForTests(spec(args.player))
    if args.delay:
        def slow(prompt: str, answer=responder or (lambda _: DEFAULT_ANSWER)) -> str:
            time.sleep(args.delay)
            return answer(prompt)

        responder = slow
    server = OpenAITestServer(responder=responder, port=args.port).start()
    print(f"serving {server.base_url} (models: {', '.join(server.models)}); Ctrl-C to stop", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
