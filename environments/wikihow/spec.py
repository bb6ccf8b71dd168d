"""WikiHow's plug-in spec: how the agent and the memory see the app (see environments/spec.py).

The state the memory stores carries the step instruction and the rewards; f_g compares step
instruction kinds with a fixed matrix (as the original did) and f_o the screens' tag sequences.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz.distance import LCSseq

from environments.spec import (
    EnvSpec, PlayView, PoolLayout, Scoring, Similarity, StateField, history_lines,
    observation_lines,
)
from environments.state import State
from environments.syntax import ActionSyntax
from environments.wikihow.actions import action_patterns, screen_targets
from environments.wikihow.carry import carry_over
from environments.wikihow.exemplar_scripts import SCRIPTS, resolve

NAME = "wikihow"

# 70 test tasks with the paper's mix, two 10-task training sets from outside the test set;
# tasks 90.. are further tasks for other splits.
SPLITS: dict[str, range] = {"test": range(0, 70), "S0": range(70, 80), "S1": range(80, 90)}


# --- actions (Mobile-Env): CLICK(i), INPUT(i, text), SCROLL(dir), GOBACK --------------------

_QUOTES = ("\"", "'", "`")


def _strip_quotes(text: str) -> str:
    text = text.strip()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in _QUOTES:
        text = text[1:-1].strip()
    return text


def _canonical(match: re.Match[str]) -> str | None:
    if match.group("wh_click") is not None:
        return f"CLICK({int(match.group('wh_click'))})"
    if match.group("wh_input") is not None:
        text = " ".join(_strip_quotes(match.group("wh_text")).split())
        if not text:
            return None
        return f"INPUT({int(match.group('wh_input'))}, {text})"
    if match.group("wh_dir") is not None:
        return f"SCROLL({match.group('wh_dir').upper()})"
    return "GOBACK"


SYNTAX = ActionSyntax(
    name=NAME,
    pattern=(
        r"CLICK\s*\(\s*(?P<wh_click>\d{1,6})\s*\)"
        r"|INPUT\s*\(\s*(?P<wh_input>\d{1,6})\s*,\s*(?P<wh_text>[^\n]*?)\s*\)"
        r"|SCROLL\s*\(\s*(?P<wh_dir>UP|DOWN|LEFT|RIGHT)\s*\)"
        r"|GOBACK(?:\s*\(\s*\))?"
    ),
    canonical=_canonical,
)


# --- the state and its prompt view ------------------------------------------------------------

INSTRUCTIONS = """\
You are using the wikiHow app on a phone to carry out a command made of several steps. At every \
step you see the command, your last actions, the screen as a list of HTML elements with ids, the \
step you are working on now, the reward of your last action and the reward so far (+1 for each \
finished step). Answer with the next action in the form `<action> -> <value> <reason>`. An action \
is CLICK(<id>), INPUT(<id>, <text>) to type text into element <id> and submit it, \
SCROLL(UP), SCROLL(DOWN), SCROLL(LEFT), SCROLL(RIGHT) or GOBACK. The value is your estimate of the \
reward still to come if you take this action."""

REACT_INSTRUCTIONS = """\
You are using the wikiHow app on a phone to carry out a command made of several steps. At every \
step you see the command, your last actions, the screen as a list of HTML elements with ids, the \
step you are working on now, the reward of your last action and the reward so far (+1 for each \
finished step). First think about the situation in one or more lines starting with `Thought:`, \
then give exactly one line `Action: <action>`, where the action is CLICK(<id>), INPUT(<id>, <text>) \
to type text into element <id> and submit it, SCROLL(UP), SCROLL(DOWN), SCROLL(LEFT), \
SCROLL(RIGHT) or GOBACK. Here are some worked examples."""

FIELDS = (
    StateField("instruction", str, identity=True, flag="--instruction",
               help="the current step instruction"),
    StateField("last_reward", float),
    StateField("total_reward", float),
    StateField("available_actions", tuple),  # only when a state is given the list (see below)
)

_HOW_TO = re.compile(r"(?P<topic>how to [^.\"]+)", re.IGNORECASE)


def instruction(state: State) -> str:
    return state.get("instruction", "")


def state_of(observation: str, info: Mapping[str, Any], history: tuple[str, ...]) -> State:
    return State(NAME, str(info.get("command", "")), observation, history, {
        "instruction": str(info.get("instruction", "") or ""),
        "last_reward": float(info.get("last_reward", 0.0) or 0.0),
        "total_reward": float(info.get("total_reward", 0.0) or 0.0),
    })


def render(state: State) -> str:
    lines = [f"Command: {state.task}", *history_lines(state), "Screen:"]
    lines += observation_lines(state.observation)
    lines.append(f"Current instruction: {instruction(state) or '(none yet)'}")
    lines.append(f"Last reward: {state.get('last_reward', 0.0):.1f}")
    lines.append(f"Total reward: {state.get('total_reward', 0.0):.1f}")
    return "\n".join(lines)


def search_text(command: str) -> str:
    """What a search would type for `command`: its first "how to ..." phrase, else the command."""
    match = _HOW_TO.search(command)
    return (match.group("topic").lower() if match else command).strip() or "wikihow"


def valid_actions(state: State, rng: random.Random) -> list[str]:
    """Read off the screen: every clickable element, typing the command's topic into the search
    box or the search button, scrolling and going back. (A state that carries the environment's
    own list of available actions uses that list instead.)"""
    if state.get("available_actions"):
        return list(state.get("available_actions"))
    actions: list[str] = []
    for ident, clickable, typeable in screen_targets(state.observation):
        if clickable:
            actions.append(f"CLICK({ident})")
        if typeable:
            actions.append(f"INPUT({ident}, {search_text(state.task)})")
    return actions + ["SCROLL(UP)", "SCROLL(DOWN)", "GOBACK"]


def legacy_identity(state: State) -> tuple[str, str]:
    """The state id parts memories stored before specs existed (an empty slot, then the
    instruction)."""
    return "", instruction(state)


# --- similarity: instruction kinds (f_g) and screen tag sequences (f_o) -----------------------

_TAG = re.compile(r"^\s*<\s*([A-Za-z][\w-]*)")
INSTRUCTION_KINDS = ("search", "article", "author", "category", "reference", "about")
_INSTRUCTION_PREFIXES = (
    ("access the article", "article"),
    ("check the author page", "author"),
    ("access the page of category", "category"),
    ("check the reference list", "reference"),
    ("access the about page", "about"),
)
_INSTRUCTION_MATRIX = (
    (1.0, 0.1, 0.0, 0.0, 0.0, 0.0),
    (0.1, 1.0, 0.3, 0.3, 0.0, 0.0),
    (0.0, 0.3, 1.0, 0.8, 0.3, 0.3),
    (0.0, 0.3, 0.8, 1.0, 0.3, 0.3),
    (0.0, 0.0, 0.3, 0.3, 1.0, 0.8),
    (0.0, 0.0, 0.3, 0.3, 0.8, 1.0),
)


def screen_tags(screen: str) -> tuple[str, ...]:
    """Tag names of the screen's lines, one element per line (`<button ...>` -> `button`)."""
    tags = []
    for line in screen.splitlines():
        match = _TAG.match(line)
        if match:
            tags.append(match.group(1).lower())
    return tuple(tags)


def screen_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Longest common subsequence of the two tag sequences over the longer length."""
    longest = max(len(a), len(b))
    if longest == 0:
        return 1.0
    return LCSseq.similarity(list(a), list(b)) / longest


def instruction_kind(text: str) -> str:
    """The kind of a step instruction; '' (before the first sub-goal) is search."""
    text = text.strip().lower()
    if not text:
        return "search"
    for prefix, kind in _INSTRUCTION_PREFIXES:
        if text.startswith(prefix):
            return kind
    return "unknown"


def instruction_similarity(a: str, b: str) -> float:
    """Similarity of two instruction kinds by the fixed matrix; unknown kinds match nothing."""
    if a not in INSTRUCTION_KINDS or b not in INSTRUCTION_KINDS:
        return 0.0
    return _INSTRUCTION_MATRIX[INSTRUCTION_KINDS.index(a)][INSTRUCTION_KINDS.index(b)]


def _screen_key(state: State) -> tuple[str, ...]:
    return screen_tags(state.observation)


def _pattern(state: State) -> str:
    return instruction_kind(instruction(state))


SIMILARITY = Similarity(observation_key=_screen_key, observation_similarity=screen_similarity,
                        pattern=_pattern, pattern_similarity=instruction_similarity)


# --- scoring, play view, original pools -------------------------------------------------------

SCORING = Scoring(
    "reward", "reward = mean total reward per episode (+1 for each finished sub-goal)",
    "success = every sub-goal of the command done",
    score=lambda r: float(r["total_reward"]),
    success=lambda r: bool(r["terminated"]))


def _play_lines(info: Mapping[str, Any]) -> list[str]:
    lines = [f"Task: {info.get('command', '')}"]
    if info.get("instruction"):
        lines.append(f"Step instruction: {info['instruction']}")
    lines.append(f"Last reward: {info.get('last_reward', 0.0)}  "
                 f"Total reward: {info.get('total_reward', 0.0)}")
    return lines


PLAY = PlayView(
    hint="Type an action such as CLICK(3), INPUT(2, how to knit), SCROLL(DOWN) or GOBACK; "
         "quit to stop.",
    index_flag="task", describe=_play_lines)


def _pool_key(state: State) -> tuple[str, str, str]:
    return state.observation, state.task, instruction(state)


def _pool_state(key: tuple[str, str, str], history: tuple[str, ...],
                other: Mapping[str, Any]) -> State:
    screen, command, step_instruction = key
    return State(NAME, command, screen, history, {
        "instruction": step_instruction,
        "last_reward": float(other.get("last_reward", 0.0)),
        "total_reward": float(other.get("total_reward", 0.0)),
    })


def _pool_rewards(state: State) -> tuple[float, float]:
    return float(state.get("last_reward", 0.0)), float(state.get("total_reward", 0.0))


POOL = PoolLayout(
    key=_pool_key, state=_pool_state, rewards=_pool_rewards,
    action=re.compile(r"^(?:(?:click|input|scroll)\s*\(|goback\b|noop\b)", re.IGNORECASE))


SPEC = EnvSpec(
    name=NAME,
    entry_point="environments.wikihow.env:WikiHowEnv",
    task_option="task",
    task_info="command",
    build_state=state_of,
    render=render,
    instructions=INSTRUCTIONS,
    react_instructions=REACT_INSTRUCTIONS,
    syntax=SYNTAX,
    valid_actions=valid_actions,
    action_patterns=action_patterns,
    similarity=SIMILARITY,
    splits=SPLITS,
    quick={"train_set": "70:72", "test_set": "0:3", "epochs": 1, "max_steps": 8,
           "max_tokens": 48},
    paper={"train_set": "S0", "test_set": "test", "epochs": 3, "max_steps": 15,
           "max_tokens": 128, "initial_memory": "E0", "m": 2, "lam": 0.5},
    fields=FIELDS,
    scoring=SCORING,
    play=PLAY,
    pool=POOL,
    exemplar_dir=Path(__file__).parent / "exemplars",
    exemplar_scripts=SCRIPTS,
    exemplar_action=resolve,
    legacy_identity=legacy_identity,
    carry_over=carry_over,
)
