"""Environment profiles: the one place where an environment is wired to the agent.

A profile says how to make the environment and reset it to a task, which `info` text is the task,
how a step becomes a `memory_store.records.State`, how the prompt shows that state, which action
syntax the parser expects, what the prompt's instructions say, and where random valid actions
(for the exploration advice) come from. Adding a third environment means adding one profile here
(and its environment package); nothing else in the agent changes.
"""

from __future__ import annotations

import importlib
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agent.errors import AgentError
from agent.parsing import WEBSHOP_SYNTAX, WIKIHOW_SYNTAX, ActionSyntax
from environments.action_patterns import ActionPattern
from memory_store.records import State, history_pair

HISTORY_LENGTH = 5  # how many of the latest actions a state carries (and the prompt shows)
NO_HISTORY = "(none yet)"


def history_entry(action: str) -> str:
    """How one past action is written into `State.history` and the prompt: the action alone.
    (Writing `action: reason` there taught the model to answer in that shape instead of the
    `action -> value reason` the prompt asks for; the reasons also cost many prompt tokens.)"""
    return " ".join(action.split())


def _clean_lines(text: str) -> list[str]:
    """The non-empty lines of an observation, without trailing spaces. Blank lines are dropped:
    the prompt uses a blank line to separate exemplars."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _history_block(state: State) -> list[str]:
    """The latest actions, one per line. Only the action of an entry is shown: entries imported
    from the original pools (and memories of older versions) also carry a reason."""
    lines = [f"Last {HISTORY_LENGTH} actions:"]
    entries = state.history[-HISTORY_LENGTH:]
    lines += [f"- {history_pair(entry)[0]}" for entry in entries] if entries else [f"- {NO_HISTORY}"]
    return lines


@dataclass(frozen=True)
class EnvProfile:
    """Everything environment specific the agent needs (see the module docstring)."""

    name: str
    env_module: str  # the environment package, imported only when an environment is made
    env_class: str
    reset_key: str  # reset(options={reset_key: index})
    task_key: str  # the info key holding the task text
    syntax: ActionSyntax
    instructions: str  # header of the Rememberer / LLM-only prompt (the prompt adds a line on advice)
    react_instructions: str  # header of the ReAct prompt
    build_state: Callable[[str, Mapping[str, Any], tuple[str, ...]], State]
    render_input: Callable[[State], str]
    valid_actions: Callable[[State, random.Random], list[str]]  # concrete valid actions
    action_patterns: Callable[[State], list[ActionPattern]]  # every valid action, for decoding
    noop_action: str = "NOOP"  # sent when the model gave nothing usable; the env ignores it

    # --- environment -------------------------------------------------------------------------
    def _module(self) -> Any:
        try:
            return importlib.import_module(self.env_module)
        except ModuleNotFoundError as exc:
            raise AgentError(f"environment package {self.env_module} is not available: {exc}") from exc

    def make_env(self, **kwargs: Any) -> Any:
        """A new environment instance (keyword arguments go to its constructor)."""
        return getattr(self._module(), self.env_class)(**kwargs)

    def splits(self) -> dict[str, Any]:
        """The environment's named task splits ("test", "S0", "S1", ...)."""
        return dict(self._module().SPLITS)

    def reset_options(self, index: int) -> dict[str, int]:
        return {self.reset_key: int(index)}

    # --- state and prompt ----------------------------------------------------------------------
    def task_of(self, info: Mapping[str, Any]) -> str:
        try:
            return str(info[self.task_key])
        except KeyError as exc:
            raise AgentError(f"{self.name} step info has no {self.task_key!r} entry") from exc

    def make_state(self, observation: str, info: Mapping[str, Any],
                   history: Sequence[str] = ()) -> State:
        """The memory's view of one step; `history` = rendered past actions, latest last."""
        return self.build_state(observation, info, tuple(history)[-HISTORY_LENGTH:])

    def random_action(self, state: State, rng: random.Random,
                      exclude: Sequence[str] = ()) -> str | None:
        """A random valid action in `state` other than those in `exclude` (None if none)."""
        excluded = set(exclude)
        candidates = [a for a in self.valid_actions(state, rng) if a not in excluded]
        return rng.choice(candidates) if candidates else None


# --- WebShop --------------------------------------------------------------------------------

WEBSHOP_INSTRUCTIONS = """\
You are shopping in an online store on behalf of a customer. At every step you see the customer's \
request, your last actions, the current page and the actions the page allows. Answer with the \
next action in the form `<action> -> <value> <reason>`. An action is `search[<keywords>]`, or \
`click[<label>]` for a button, a product id or an option listed under "Available actions". The \
value is your estimate, from 0 to 1, of how well the final purchase will match the request if you \
take this action."""

WEBSHOP_REACT_INSTRUCTIONS = """\
You are shopping in an online store on behalf of a customer. At every step you see the customer's \
request, your last actions, the current page and the actions the page allows. First think about \
the situation in one or more lines starting with `Thought:`, then give exactly one line \
`Action: <action>`, where the action is `search[<keywords>]`, or `click[<label>]` for a button, a \
product id or an option listed under "Available actions". Here are some worked examples."""

_REQUEST_LEADS = re.compile(
    r"^\s*(?:i\s*(?:'m|am)\s+(?:looking|searching|shopping)\s+for|i\s+(?:need|want|would like)"
    r"|find\s+me|get\s+me)\s+(?:an?\s+|some\s+)?", re.IGNORECASE)
_PRICE_TAIL = re.compile(r",?\s*(?:and\s+)?price\s+lower\s+than.*$", re.IGNORECASE)


def webshop_query_words(task: str) -> list[str]:
    """The words of a shopping request without its lead-in and price clause."""
    text = _PRICE_TAIL.sub("", _REQUEST_LEADS.sub("", task))
    return [w for w in re.split(r"[\s,]+", text) if w]


def _webshop_state(observation: str, info: Mapping[str, Any], history: tuple[str, ...]) -> State:
    return State(
        env="webshop",
        task=str(info.get("instruction", "")),
        observation=observation,
        available_actions=tuple(str(a) for a in info.get("available_actions", ())),
        history=history,
    )


def webshop_action_of(available: str) -> str:
    """The action string for one entry of WebShop's `available_actions`."""
    return "search[<keywords>]" if available == "search" else f"click[{available}]"


def _without_request(lines: list[str], task: str) -> list[str]:
    """The page lines without the "Instruction:" line and the request under it: the prompt
    already states the request once, on its first line."""
    for i in range(len(lines) - 1):
        if lines[i].strip() == "Instruction:" and lines[i + 1].strip() == task.strip():
            return lines[:i] + lines[i + 2:]
    return lines


def _webshop_input(state: State) -> str:
    lines = [f"Request: {state.task}", *_history_block(state), "Observation:"]
    lines += _without_request(_clean_lines(state.observation), state.task)
    lines.append("Available actions:")
    lines += [f"- {webshop_action_of(a)}" for a in state.available_actions]
    return "\n".join(lines)


def _webshop_valid_actions(state: State, rng: random.Random) -> list[str]:
    actions: list[str] = []
    for available in state.available_actions:
        if available == "search":
            words = webshop_query_words(state.task) or ["item"]
            size = min(len(words), rng.randint(3, 8))
            start = rng.randint(0, len(words) - size)
            actions.append(f"search[{' '.join(words[start:start + size]).lower()}]")
        else:
            actions.append(f"click[{available}]")
    return actions


def _webshop_action_patterns(state: State) -> list[ActionPattern]:
    from environments.webshop.actions import action_patterns

    return action_patterns(state)


WEBSHOP = EnvProfile(
    name="webshop",
    env_module="environments.webshop",
    env_class="WebShopEnv",
    reset_key="goal",
    task_key="instruction",
    syntax=WEBSHOP_SYNTAX,
    instructions=WEBSHOP_INSTRUCTIONS,
    react_instructions=WEBSHOP_REACT_INSTRUCTIONS,
    build_state=_webshop_state,
    render_input=_webshop_input,
    valid_actions=_webshop_valid_actions,
    action_patterns=_webshop_action_patterns,
)


# --- WikiHow ----------------------------------------------------------------------------------

WIKIHOW_INSTRUCTIONS = """\
You are using the wikiHow app on a phone to carry out a command made of several steps. At every \
step you see the command, your last actions, the screen as a list of HTML elements with ids, the \
step you are working on now, the reward of your last action and the reward so far (+1 for each \
finished step). Answer with the next action in the form `<action> -> <value> <reason>`. An action \
is CLICK(<id>), INPUT(<id>, <text>) to type text into element <id> and submit it, \
SCROLL(UP), SCROLL(DOWN), SCROLL(LEFT), SCROLL(RIGHT) or GOBACK. The value is your estimate of the \
reward still to come if you take this action."""

WIKIHOW_REACT_INSTRUCTIONS = """\
You are using the wikiHow app on a phone to carry out a command made of several steps. At every \
step you see the command, your last actions, the screen as a list of HTML elements with ids, the \
step you are working on now, the reward of your last action and the reward so far (+1 for each \
finished step). First think about the situation in one or more lines starting with `Thought:`, \
then give exactly one line `Action: <action>`, where the action is CLICK(<id>), INPUT(<id>, <text>) \
to type text into element <id> and submit it, SCROLL(UP), SCROLL(DOWN), SCROLL(LEFT), \
SCROLL(RIGHT) or GOBACK. Here are some worked examples."""

_HOW_TO = re.compile(r"(?P<topic>how to [^.\"]+)", re.IGNORECASE)


def _wikihow_state(observation: str, info: Mapping[str, Any], history: tuple[str, ...]) -> State:
    return State(
        env="wikihow",
        task=str(info.get("command", "")),
        observation=observation,
        instruction=str(info.get("instruction", "") or ""),
        history=history,
        last_reward=float(info.get("last_reward", 0.0) or 0.0),
        total_reward=float(info.get("total_reward", 0.0) or 0.0),
    )


def _wikihow_input(state: State) -> str:
    lines = [f"Command: {state.task}", *_history_block(state), "Screen:"]
    lines += _clean_lines(state.observation)
    lines.append(f"Current instruction: {state.instruction or '(none yet)'}")
    lines.append(f"Last reward: {state.last_reward:.1f}")
    lines.append(f"Total reward: {state.total_reward:.1f}")
    return "\n".join(lines)


def wikihow_search_text(command: str) -> str:
    """What a search would type for `command`: its first "how to ..." phrase, else the command."""
    match = _HOW_TO.search(command)
    return (match.group("topic").lower() if match else command).strip() or "wikihow"


def _wikihow_valid_actions(state: State, rng: random.Random) -> list[str]:
    """Read off the screen: every clickable element, typing the command's topic into the search
    box or the search button, scrolling and going back. (A state that carries the environment's
    own list of available actions uses that list instead.)"""
    if state.available_actions:
        return list(state.available_actions)
    from environments.wikihow.actions import screen_targets

    actions: list[str] = []
    for ident, clickable, typeable in screen_targets(state.observation):
        if clickable:
            actions.append(f"CLICK({ident})")
        if typeable:
            actions.append(f"INPUT({ident}, {wikihow_search_text(state.task)})")
    return actions + ["SCROLL(UP)", "SCROLL(DOWN)", "GOBACK"]


def _wikihow_action_patterns(state: State) -> list[ActionPattern]:
    from environments.wikihow.actions import action_patterns

    return action_patterns(state)


WIKIHOW = EnvProfile(
    name="wikihow",
    env_module="environments.wikihow",
    env_class="WikiHowEnv",
    reset_key="task",
    task_key="command",
    syntax=WIKIHOW_SYNTAX,
    instructions=WIKIHOW_INSTRUCTIONS,
    react_instructions=WIKIHOW_REACT_INSTRUCTIONS,
    build_state=_wikihow_state,
    render_input=_wikihow_input,
    valid_actions=_wikihow_valid_actions,
    action_patterns=_wikihow_action_patterns,
)


PROFILES: dict[str, EnvProfile] = {profile.name: profile for profile in (WEBSHOP, WIKIHOW)}


def get_profile(name: str) -> EnvProfile:
    """The profile called `name` (case-insensitive); AgentError for an unknown name."""
    try:
        return PROFILES[name.strip().lower()]
    except (KeyError, AttributeError):
        known = ", ".join(sorted(PROFILES))
        raise AgentError(f"unknown environment {name!r} (known: {known})") from None
