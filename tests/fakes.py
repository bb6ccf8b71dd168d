"""Every stand-in the test suite uses instead of a real model: the fake LLM (also behind
`--llm fake`, which exists only while REMEMBERER_TEST_LLM names `fake_llm` below), the fake
embedder and the fake player that answers `--llm fake` runs. The package itself ships none."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from agent.llm import BaseLLM, Completion, estimate_tokens, truncate_at_stop
from agent.llm_cache import ResponseCache
from environments import registry
from environments.spec import NO_HISTORY, EnvSpec
from environments.state import HISTORY_LENGTH
from memory_store.records import State


class FakeLLMForTests(BaseLLM):
    """A deterministic stand-in that never runs a model.

    Answers `responder(prompt)` when a responder is given, else the fixed `text`; stop strings are
    applied as for real backends; token counts are estimates. Every prompt is kept in `prompts`.
    """

    DEFAULT_TEXT = "search[fake query] -> 1.0 fixed answer of the fake test LLM"

    def __init__(self, responder: Callable[[str], str] | None = None, *, text: str = DEFAULT_TEXT,
                 temperature: float = 0.1, cache: ResponseCache | None = None) -> None:
        super().__init__(name="fake", temperature=temperature, cache=cache)
        self.responder = responder
        self.text = text
        self.prompts: list[str] = []

    def _generate(self, prompt: str, *, max_tokens: int, stop: tuple[str, ...],
                  temperature: float, constraint=None) -> Completion:
        self.prompts.append(prompt)
        text = self.responder(prompt) if self.responder is not None else self.text
        return Completion(text, estimate_tokens(prompt), estimate_tokens(truncate_at_stop(text, stop)))


def fake_llm(*, responder: Callable[[str], str] | None = None, env: str | None = None,
             temperature: float = 0.1, cache: ResponseCache | None = None) -> FakeLLMForTests:
    """The factory behind `make_llm("fake")`: with an environment and no responder, the fake
    player of that environment answers."""
    if responder is None and env is not None:
        responder = FakePlayerForTests(registry.spec(env))
    return FakeLLMForTests(responder, temperature=temperature, cache=cache)


class FakeEmbedderForTests:
    """A deterministic hashing embedder (no model).

    Texts are bags of lowercase words hashed into `dim` buckets, then normalised, so texts that
    share words are similar. It has the same interface as `memory_store.embedding.Embedder`.
    """

    def __init__(self, dim: int = 32, name: str = "fake-hashing-embedder-for-tests"):
        self.name = name
        self.dim = dim
        self.encoded_count = 0
        self._cache: dict[str, np.ndarray] = {}

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in text.lower().split():
            bucket = int(hashlib.md5(word.encode()).hexdigest()[:8], 16) % self.dim
            vector[bucket] += 1.0
        if not vector.any():
            vector[0] = 1.0
        return vector / np.linalg.norm(vector)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        for text in texts:
            if text not in self._cache:
                self._cache[text] = self._vector(text)
                self.encoded_count += 1
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


# --- the fake player ---------------------------------------------------------------------------

class FakePlayerForTests:
    """The responder of the fake LLM in `--llm fake` runs.

    It reads the new input at the end of the prompt back into a state (for the bundled
    environments, whose prompt views it knows) and answers deterministically. When the most
    similar exemplar comes from the same task and its Encouraged action is valid here with a
    value above 0, it repeats that action: so what the memory learned changes what it does.
    Otherwise it makes a simple goal-directed choice (WebShop: search the request, open the first
    result, pick the options the request names, buy; WikiHow: type the topic, then click the
    element sharing the most words with the step instruction; TextWorldExpress: take the coin,
    put, take, move, avoiding what it just did). For any other environment it
    takes the first action of the environment's syntax written in the new input.
    """

    def __init__(self, spec: EnvSpec):
        self.spec = spec

    def __call__(self, prompt: str) -> str:
        blocks = prompt.split("\n\n")
        query = blocks[-1]
        react = query.rstrip().endswith("Thought:")
        action = self._decide(blocks, query)
        if react:
            return f" I should make progress towards the goal.\nAction: {action}\n"
        return f"{action} -> 0.6 the fake test player's choice\n"

    def _decide(self, blocks: list[str], query: str) -> str:
        reader = READERS.get(self.spec.name)
        if reader is None:
            return _first_action(self.spec, query)
        state = reader[0](query)
        candidates = self.spec.valid_actions(state, random.Random(query))
        advised, value = _advice(blocks[-2]) if len(blocks) > 2 else (None, 0.0)
        same_task = len(blocks) > 2 and blocks[-2].split("\n", 1)[0] == query.split("\n", 1)[0]
        if same_task and advised in candidates and value > 0:
            return advised
        return reader[1](state, candidates) if candidates else "search[item]"


def _first_action(spec: EnvSpec, text: str) -> str:
    """The first action of `spec`'s syntax written in `text` (the no-op when there is none)."""
    for match in re.finditer(spec.syntax.pattern, text, spec.syntax.flags):
        action = spec.syntax.canonical(match)
        if action:
            return action
    return spec.noop


def _head(lines: list[str]) -> dict[str, str]:
    return {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines if ":" in line}


def _webshop_state(query: str) -> State:
    lines = query.splitlines()
    body = _between(lines, "Observation:", "Available actions:")
    listed = [a[2:] for a in _between(lines, "Available actions:", "Encouraged:")
              if a.startswith("- ")]
    labels = ["search" if a.startswith("search[") else a[len("click["):-1] for a in listed]
    return registry.spec("webshop").new_state(_head(lines).get("Request", ""), "\n".join(body),
                                              available_actions=labels)


def _wikihow_state(query: str) -> State:
    lines = query.splitlines()
    body = _between(lines, "Screen:", "Current instruction:")
    instruction = _head(lines).get("Current instruction", "")
    return registry.spec("wikihow").new_state(
        _head(lines).get("Command", ""), "\n".join(body),
        instruction="" if instruction == "(none yet)" else instruction)


def _webshop_choice(state: State, candidates: list[str]) -> str:
    clicked = set(re.findall(r"You have clicked (.+?)\.", state.observation))
    wanted_words = " ".join(_words(state.task))
    options = [a for a in candidates if a.startswith("click[") and a[6:-1] in wanted_words
               and a[6:-1] not in clicked
               and a[6:-1] not in ("buy now", "description", "features", "reviews")]
    products = [a for a in candidates if re.fullmatch(r"click\[b0\w+\]", a)]
    for wanted in (options, ["click[buy now]"], products[:1],
                   [a for a in candidates if a.startswith("search[")]):
        for action in wanted:
            if action in candidates:
                return action
    return candidates[0]


def _wikihow_choice(state: State, candidates: list[str]) -> str:
    inputs = [a for a in candidates if a.startswith("INPUT(")]
    instruction = state.get("instruction", "")
    if not instruction and inputs:
        return inputs[-1]
    goal = set(_words(instruction)) or set(_words(state.task))
    best, best_overlap = None, 0
    for line in state.observation.splitlines():
        ident = re.search(r'id="(\d+)"', line)
        if ident and 'clickable="true"' in line and f"CLICK({ident.group(1)})" in candidates:
            overlap = len(goal & set(_words(re.sub(r"<[^>]*>", " ", line))))
            if overlap > best_overlap:
                best, best_overlap = f"CLICK({ident.group(1)})", overlap
    return best or ("SCROLL(DOWN)" if "SCROLL(DOWN)" in candidates else candidates[0])


def _twx_state(name: str, query: str) -> State:
    lines = query.splitlines()
    history = [a[2:] for a in _between(lines, f"Last {HISTORY_LENGTH} actions:", "Observation:")
               if a.startswith("- ") and a[2:] != NO_HISTORY]
    body = _between(lines, "Observation:", "Valid actions:")
    listed = [a[2:] for a in _between(lines, "Valid actions:", "Encouraged:") if a.startswith("- ")]
    return registry.spec(name).new_state(_head(lines).get("Task", ""), "\n".join(body), history,
                                         available_actions=listed)


_REVERSE = {"north": "south", "south": "north", "east": "west", "west": "east"}


def _twx_choice(state: State, candidates: list[str]) -> str:
    """Nothing done in the last few steps, nor a step straight back: take the coin when it is
    there, else put a carried object somewhere (the first place listed), else take what lies in
    view, else walk on."""
    last = state.history[-1] if state.history else ""
    back = f"move {_REVERSE.get(last.removeprefix('move '), '')}"
    fresh = [a for a in candidates if a not in state.history and a != back]
    for verb in ("take coin", "put ", "take ", "move "):
        for action in fresh:
            if action.startswith(verb):
                return action
    return (fresh or candidates)[0]


# environment -> (read the prompt's new input back into a state, choose among valid actions)
READERS: dict[str, tuple[Callable[[str], State], Callable[[State, list[str]], str]]] = {
    "webshop": (_webshop_state, _webshop_choice),
    "wikihow": (_wikihow_state, _wikihow_choice),
    **{name: (partial(_twx_state, name), _twx_choice)
       for name in ("twx", "twx-coin", "twx-cooking")},
}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _between(lines: list[str], first: str, last: str) -> list[str]:
    try:
        start = lines.index(first) + 1
    except ValueError:
        return []
    end = next((i for i in range(start, len(lines)) if lines[i].startswith(last)), len(lines))
    return lines[start:end]


def _advice(block: str) -> tuple[str | None, float]:
    """The first Encouraged action of an exemplar block and its value ((None, 0) if none)."""
    lines = block.splitlines()
    if "Encouraged:" not in lines or lines.index("Encouraged:") + 1 >= len(lines):
        return None, 0.0
    action, _, rest = lines[lines.index("Encouraged:") + 1].partition(" -> ")
    try:
        value = float(rest.split()[0])
    except (IndexError, ValueError):
        value = 0.0
    return action.strip(), value
