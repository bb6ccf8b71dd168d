"""WebShop's plug-in spec: how the agent and the memory see the shop (see environments/spec.py).

Everything WebShop-specific outside the simulator lives here: the action syntax, the state the
memory stores (the page's available actions), the prompt view, the page-pattern similarity, the
scoring words, the `play` view, the original pool layout and the exemplar scripts.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from environments.spec import (
    EnvSpec, PlayView, PoolLayout, Scoring, Similarity, StateField, history_lines,
    observation_lines,
)
from environments.state import State
from environments.syntax import ActionSyntax
from environments.webshop.actions import action_patterns, query_words
from environments.webshop.carry import carry_choice, carry_over, open_choice
from environments.webshop.exemplar_scripts import SCRIPTS

NAME = "webshop"

# The paper's goal splits: test on goals 0..99, train on S0 / S1. Any range can be used.
SPLITS = {"test": range(0, 100), "S0": range(500, 510), "S1": range(510, 520)}


# --- actions: search[query] and click[label]; the environment lowercases the argument --------

def _canonical(match: re.Match[str]) -> str | None:
    keyword = match.group("ws_kw").lower()
    argument = " ".join(match.group("ws_arg").split()).lower()
    if not argument:
        return None
    return f"{keyword}[{argument}]"


SYNTAX = ActionSyntax(
    name=NAME,
    pattern=r"(?P<ws_kw>search|click)\s*\[(?P<ws_arg>[^\n]*?)\]",
    canonical=_canonical,
)


# --- the state and its prompt view ------------------------------------------------------------

INSTRUCTIONS = """\
You are shopping in an online store on behalf of a customer. At every step you see the customer's \
request, your last actions, the current page and the actions the page allows. Answer with the \
next action in the form `<action> -> <value> <reason>`. An action is `search[<keywords>]`, or \
`click[<label>]` for a button, a product id or an option listed under "Available actions". The \
value is your estimate, from 0 to 1, of how well the final purchase will match the request if you \
take this action."""

REACT_INSTRUCTIONS = """\
You are shopping in an online store on behalf of a customer. At every step you see the customer's \
request, your last actions, the current page and the actions the page allows. First think about \
the situation in one or more lines starting with `Thought:`, then give exactly one line \
`Action: <action>`, where the action is `search[<keywords>]`, or `click[<label>]` for a button, a \
product id or an option listed under "Available actions". Here are some worked examples."""

FIELDS = (StateField("available_actions", tuple, identity=True, flag="--action",
                     help="an available action of the page (repeat for each, in page order)"),)

def available(state: State) -> tuple[str, ...]:
    return state.get("available_actions", ())


def state_of(observation: str, info: Mapping[str, Any], history: tuple[str, ...]) -> State:
    return State(NAME, str(info.get("instruction", "")), observation, history,
                 {"available_actions": tuple(str(a) for a in info.get("available_actions", ()))})


def action_of(label: str) -> str:
    """The action string for one entry of WebShop's `available_actions`."""
    return "search[<keywords>]" if label == "search" else f"click[{label}]"


def _without_request(lines: list[str], task: str) -> list[str]:
    """The page lines without the "Instruction:" line and the request under it: the prompt
    already states the request once, on its first line."""
    for i in range(len(lines) - 1):
        if lines[i].strip() == "Instruction:" and lines[i + 1].strip() == task.strip():
            return lines[:i] + lines[i + 2:]
    return lines


def render(state: State) -> str:
    lines = [f"Request: {state.task}", *history_lines(state), "Observation:"]
    lines += _without_request(observation_lines(state.observation), state.task)
    lines.append("Available actions:")
    lines += [f"- {action_of(a)}" for a in available(state)]
    return "\n".join(lines)


def valid_actions(state: State, rng: random.Random) -> list[str]:
    """Every listed click, and a search for a random run of the request's words."""
    actions: list[str] = []
    for label in available(state):
        if label == "search":
            words = query_words(state.task) or ["item"]
            size = min(len(words), rng.randint(3, 8))
            start = rng.randint(0, len(words) - size)
            actions.append(f"search[{' '.join(words[start:start + size]).lower()}]")
        else:
            actions.append(f"click[{label}]")
    return actions


def legacy_identity(state: State) -> tuple[str, str]:
    """The state id parts memories stored before specs existed (actions, then an empty slot)."""
    return "\n".join(available(state)), ""


# --- similarity: the page pattern, read off the available actions -----------------------------

_PRODUCT_ID = re.compile(r"^b0\d")
_RESULTS_NAVIGATION = ("back to search", "< prev", "next >")
_PAGE_SIMILARITY = {frozenset({"item", "subpage"}): 0.3}


def page_pattern(available_actions: Sequence[str]) -> str:
    """One of search, results, item, subpage, unknown.

    Results pages are recognised by their product ids after the navigation buttons. (The
    original required the ids from the third action on, which misses results pages 2+, whose
    actions start `back to search, < prev, next >`, and pages with fewer than 3 results.)
    """
    actions = [a.strip().lower() for a in available_actions]
    if actions == ["search"]:
        return "search"
    if "buy now" in actions:
        return "item"
    if actions == ["back to search", "< prev"]:
        return "subpage"
    products = [a for a in actions if a not in _RESULTS_NAVIGATION]
    if products and actions[0] == "back to search" and all(_PRODUCT_ID.match(a) for a in products):
        return "results"
    return "unknown"


def page_similarity(a: str, b: str) -> float:
    """1 for the same known pattern, 0.3 between item and sub-page, else 0."""
    if a == "unknown" or b == "unknown":
        return 0.0
    if a == b:
        return 1.0
    return _PAGE_SIMILARITY.get(frozenset({a, b}), 0.0)


def _pattern(state: State) -> str:
    return page_pattern(available(state))


SIMILARITY = Similarity(observation_key=_pattern, observation_similarity=page_similarity,
                        pattern=_pattern)


# --- scoring, play view, original pools -------------------------------------------------------

SCORING = Scoring(
    "score", "score = mean final reward, how well the purchase matches the request (0-1)",
    "success = a perfect purchase (reward 1.0)",
    score=lambda r: float(r["final_reward"]),
    success=lambda r: float(r["final_reward"]) >= 1.0 - 1e-9)


def _play_lines(info: Mapping[str, Any]) -> list[str]:
    actions = info["available_actions"]
    if actions == ["search"]:
        return ["Available: search[...]"]
    return ["Available: " + "  ".join(f"{i}) {a}" for i, a in enumerate(actions, 1))]


def _expand(line: str, info: Mapping[str, Any]) -> str:
    """A bare number clicks the numbered available action."""
    actions = info.get("available_actions") or []
    if line.isdigit() and actions != ["search"] and 1 <= int(line) <= len(actions):
        return f"click[{actions[int(line) - 1]}]"
    return line


PLAY = PlayView(
    hint="Type search[query] or click[label] (a number clicks that listed action); quit to stop.",
    index_flag="goal", describe=_play_lines, expand=_expand)

_INSTRUCTION_PREFIX = re.compile(r"^\s*Instruction:\s*(?:\[SEP\]\s*)?", re.IGNORECASE)


def _pool_key(state: State) -> tuple[str, str, str]:
    return state.observation, f"Instruction: {state.task}", "\n".join(available(state))


def _pool_state(key: tuple[str, str, str], history: tuple[str, ...],
                other: Mapping[str, Any]) -> State:
    observation, task, actions = key
    return State(NAME, _INSTRUCTION_PREFIX.sub("", task, count=1), observation, history,
                 {"available_actions": tuple(actions.split("\n")) if actions else ()})


POOL = PoolLayout(key=_pool_key, state=_pool_state,
                  action=re.compile(r"^(?:search|click)\s*\[", re.IGNORECASE))


SPEC = EnvSpec(
    name=NAME,
    entry_point="environments.webshop.env:WebShopEnv",
    task_option="goal",
    task_info="instruction",
    build_state=state_of,
    render=render,
    instructions=INSTRUCTIONS,
    react_instructions=REACT_INSTRUCTIONS,
    syntax=SYNTAX,
    valid_actions=valid_actions,
    action_patterns=action_patterns,
    similarity=SIMILARITY,
    splits=SPLITS,
    quick={"train_set": "500:502", "test_set": "0:3", "epochs": 1, "max_steps": 8,
           "max_tokens": 48},
    paper={"train_set": "S0", "test_set": "0:100", "epochs": 3, "max_steps": 15,
           "max_tokens": 128, "initial_memory": "E0", "m": 2, "lam": 0.5},
    fields=FIELDS,
    scoring=SCORING,
    play=PLAY,
    pool=POOL,
    exemplar_dir=Path(__file__).parent / "exemplars",
    exemplar_scripts=SCRIPTS,
    legacy_identity=legacy_identity,
    carry_over=carry_over,
    carry_choice=carry_choice,
    open_choice=open_choice,
)
