"""The plug-in contract: everything that makes a task set itself, in one `EnvSpec`.

An environment package (`environments/webshop/`, a third-party adapter, ...) builds one `EnvSpec`
and registers it by name (`environments.registry`); the agent and the memory look it up and
never name an environment themselves. The spec holds plain data and functions; nothing here
imports the agent or the memory.
"""

from __future__ import annotations

import importlib
import random
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from environments.action_patterns import ActionPattern
from environments.errors import EnvironmentDataError
from environments.state import HISTORY_LENGTH, State, history_pair
from environments.syntax import ActionSyntax

NO_HISTORY = "(none yet)"
_FIELD_KINDS = (str, float, int, bool, tuple)


# --- the parts of a spec -----------------------------------------------------------------------

@dataclass(frozen=True)
class StateField:
    """One of an environment's own state fields, stored as a flat metadata value.

    `kind` is str, float, int, bool or tuple (a tuple of strings, stored newline-joined);
    `identity` fields are part of the state id; `flag` (e.g. "--action") lets
    `rememberer memory query` set the field (a tuple flag is repeated, one value each).
    """

    name: str
    kind: type = str
    identity: bool = False
    flag: str = ""
    help: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _FIELD_KINDS:
            raise ValueError(f"state field {self.name}: kind must be one of str, float, int, "
                             f"bool, tuple, not {self.kind!r}")

    @property
    def default(self) -> Any:
        return self.kind()

    def coerce(self, value: Any) -> Any:
        """`value` as this field's kind (None: the default)."""
        if value is None:
            return self.default
        if self.kind is tuple:
            return tuple(str(v) for v in value)
        return self.kind(value)

    def to_metadata(self, value: Any) -> str | float | int | bool:
        """A flat Chroma metadata value (tuples newline-joined)."""
        value = self.coerce(value)
        return "\n".join(value) if self.kind is tuple else value

    def from_metadata(self, value: Any) -> Any:
        if self.kind is tuple:
            return tuple(value.split("\n")) if value else ()
        return self.coerce(value)


@dataclass(frozen=True)
class Similarity:
    """How two states of the environment are compared: s = λ·f_g + (1-λ)·f_o.

    f_o: `observation_similarity` of two `observation_key`s. f_g: the cosine of the task texts'
    embeddings, unless `pattern_similarity` is given, then f_g compares the states' `pattern`
    labels with it. `pattern` is also stored as the row's `pattern` metadata (for filters).
    """

    observation_key: Callable[[State], Hashable]
    observation_similarity: Callable[[Any, Any], float]
    pattern: Callable[[State], str]
    pattern_similarity: Callable[[str, str], float] | None = None


def _total_reward(record: Mapping[str, Any]) -> float:
    return float(record["total_reward"])


def _reached_goal(record: Mapping[str, Any]) -> bool:
    return bool(record["terminated"])


@dataclass(frozen=True)
class Scoring:
    """How the episodes of the environment are scored in summaries and reports."""

    score_label: str = "reward"
    score_meaning: str = "reward = mean total reward per episode"
    success_meaning: str = "success = the episode reached its goal"
    score: Callable[[Mapping[str, Any]], float] = _total_reward
    success: Callable[[Mapping[str, Any]], bool] = _reached_goal


def _no_lines(info: Mapping[str, Any]) -> list[str]:
    return []


def _as_typed(line: str, info: Mapping[str, Any]) -> str:
    return line


@dataclass(frozen=True)
class PlayView:
    """How `rememberer play ENV` shows the environment: `--<index_flag> N` picks the episode,
    `describe(info)` gives the lines under each observation, `expand(line, info)` turns what the
    player typed into an action (e.g. a number into the numbered action)."""

    hint: str = "Type an action; quit to stop."
    index_flag: str = "task"
    describe: Callable[[Mapping[str, Any]], list[str]] = _no_lines
    expand: Callable[[str, Mapping[str, Any]], str] = _as_typed


@dataclass(frozen=True)
class PoolLayout:
    """The original REMEMBERER pool format (YAML) of the environment.

    A pool maps a key (three strings) to a record; `key(state)` and `state(key, history,
    other_info)` convert between keys and states; `rewards(state)` gives other_info's
    (last_reward, total_reward); `action` recognises the environment's actions, to tell which
    environment a pool comes from.
    """

    key: Callable[[State], tuple[str, str, str]]
    state: Callable[[tuple[str, str, str], tuple[str, ...], Mapping[str, Any]], State]
    action: re.Pattern[str]
    rewards: Callable[[State], tuple[float, float]] = lambda state: (0.0, 0.0)


@dataclass(frozen=True)
class Step:
    """One scripted action of an exemplar episode, with the reason written for it."""

    action: str
    reason: str


@dataclass(frozen=True)
class ExemplarScript:
    """How one exemplar of set E0/E1/E2 is made: play `path` on task `index`; the state before
    step `at` is the exemplar, `path[at]` its encouraged action and `avoid` a discouraged one."""

    set_name: str
    index: int
    at: int
    avoid: Step
    path: tuple[Step, ...]

    @classmethod
    def of(cls, set_name: str, index: int, at: int, avoid: Step, *path: Step) -> "ExemplarScript":
        return cls(set_name, index, at, avoid, tuple(path))


# --- the spec ------------------------------------------------------------------------------

@dataclass(frozen=True)
class EnvSpec:
    """Everything environment specific, found by name (see `environments.registry`)."""

    name: str
    entry_point: str  # "package.module:EnvClass", a Gymnasium env made by `make()`
    task_option: str  # reset(options={task_option: index}) picks a task
    task_info: str  # the info key holding the task text
    build_state: Callable[[str, Mapping[str, Any], tuple[str, ...]], State]
    render: Callable[[State], str]  # the state as the prompt shows it
    instructions: str  # header of the advice prompt (Rememberer / LLM-only)
    react_instructions: str  # header of the ReAct prompt
    syntax: ActionSyntax
    valid_actions: Callable[[State, random.Random], list[str]]  # concrete valid actions
    similarity: Similarity
    splits: Mapping[str, range] = field(default_factory=dict)  # named task sets
    quick: Mapping[str, Any] = field(default_factory=dict)  # `--env NAME` alone: a small run
    paper: Mapping[str, Any] = field(default_factory=dict)  # the published runs' settings
    fields: tuple[StateField, ...] = ()  # the environment's own state fields
    noop: str = "NOOP"  # sent when the model gave nothing usable; the environment ignores it
    # every valid action of a state as literal pieces and free-text slots (constrained decoding;
    # environments.action_patterns)
    action_patterns: Callable[[State], list[ActionPattern]] | None = None
    scoring: Scoring = Scoring()
    play: PlayView = PlayView()
    pool: PoolLayout | None = None
    exemplar_dir: Path | None = None  # holds E0.jsonl, E1.jsonl, E2.jsonl
    exemplar_scripts: tuple[ExemplarScript, ...] = ()
    # a scripted action as played on a screen (observation) -> the action sent; lets scripts
    # name what they click (a title) rather than where a ranking put it (ValueError: not there)
    exemplar_action: Callable[[str, str], str] | None = None
    legacy_identity: Callable[[State], tuple[str, ...]] | None = None  # see `identity`
    # (remembered action, the state it was taken in, the current state) -> the action doing the
    # same in the current state, or None; lets `--carry-over` advise across screens whose
    # element ids differ (environments/wikihow/carry.py)
    carry_over: Callable[[str, State, State], str | None] | None = None
    # the same arguments -> a step the current state still needs before the remembered action
    # applies there (WebShop: the requested option still open, before a purchase remembered with
    # its own request's options settled), or None to carry over as usual; `--carry-choices`
    carry_choice: Callable[[str, State, State], str | None] | None = None
    # a state -> the action making a choice its task names and the state still leaves open
    # (WebShop: a click on the requested option not chosen yet), or None; `--explore-choices`
    open_choice: Callable[[State], str | None] | None = None

    # --- the environment -----------------------------------------------------------------
    def make(self, **kwargs: Any) -> Any:
        """A new environment instance (keyword arguments go to its constructor)."""
        module_name, _, attribute = self.entry_point.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as exc:
            raise EnvironmentDataError(
                f"environment {self.name}: cannot load {self.entry_point} ({exc})") from None
        return factory(**kwargs)

    def reset_options(self, index: int) -> dict[str, int]:
        return {self.task_option: int(index)}

    def task_of(self, info: Mapping[str, Any]) -> str:
        try:
            return str(info[self.task_info])
        except KeyError:
            raise EnvironmentDataError(f"{self.name} step info has no {self.task_info!r} "
                                       "entry") from None

    # --- states --------------------------------------------------------------------------
    def state(self, observation: str, info: Mapping[str, Any],
              history: Sequence[str] = ()) -> State:
        """The memory's view of one step; `history` = rendered past actions, latest last."""
        return self.build_state(observation, info, tuple(history)[-HISTORY_LENGTH:])

    def new_state(self, task: str, observation: str, history: Sequence[str] = (),
                  **details: Any) -> State:
        """A state of this environment from its parts; fields not given get their defaults."""
        unknown = set(details) - {f.name for f in self.fields}
        if unknown:
            raise EnvironmentDataError(f"{self.name} states have no field(s) "
                                       f"{', '.join(sorted(unknown))}")
        return State(self.name, task, observation, tuple(history),
                     {f.name: f.coerce(details.get(f.name)) for f in self.fields})

    def identity(self, state: State) -> tuple[str, ...]:
        """The parts of the state id beyond (env, task, observation): the identity fields.
        `legacy_identity` replaces this for environments whose stored ids predate specs."""
        if self.legacy_identity is not None:
            return self.legacy_identity(state)
        return tuple(str(StateField.to_metadata(f, state.get(f.name)))
                     for f in self.fields if f.identity)

    def random_action(self, state: State, rng: random.Random,
                      exclude: Sequence[str] = ()) -> str | None:
        """A random valid action in `state` other than those in `exclude` (None if none)."""
        excluded = set(exclude)
        candidates = [a for a in self.valid_actions(state, rng) if a not in excluded]
        return rng.choice(candidates) if candidates else None


# --- helpers for the environments' prompt views ---------------------------------------------

def observation_lines(text: str) -> list[str]:
    """The non-empty lines of an observation, without trailing spaces. Blank lines are dropped:
    the prompt uses a blank line to separate exemplars."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def history_lines(state: State) -> list[str]:
    """The "Last N actions:" block of a prompt view. Only the action of an entry is shown:
    entries imported from the original pools (and older memories) also carry a reason."""
    lines = [f"Last {HISTORY_LENGTH} actions:"]
    entries = state.history[-HISTORY_LENGTH:]
    lines += [f"- {history_pair(entry)[0]}" for entry in entries] if entries else [f"- {NO_HISTORY}"]
    return lines
