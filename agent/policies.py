"""Policies: from an observation to an action, through a prompt and an LLM.

Three policies share one step loop (`PromptPolicy.act`):
- `RemembererPolicy`: exemplars retrieved from the experience memory (m, lambda; ablations
  no_random / no_discouraged; lambda 1.0 = task similarity only, 0.0 = observation only;
  `useful_exemplars`: only states where some action has a positive Q, see below).
- `LLMOnlyPolicy`: the same prompt with a fixed exemplar set (E0, E1 or E2).
- `ReActPolicy`: think-then-act prompt with fixed worked steps.
(`RandomPolicy`, a reference without a model, takes random valid actions through the same loop.)

An answer that cannot be parsed is asked again (up to `max_attempts` in all, each further
attempt at a higher temperature so that a response cache does not hand back the same text);
after that the step becomes the spec's no-op action, which the environment ignores but counts.
A policy never raises because of what the model wrote; errors of the LLM backend itself
(e.g. an unreachable server) do propagate.

Constrained decoding: unless `constrain=False`, every call carries an `AnswerConstraint` built from
the environment spec's action patterns for the state (the valid actions) and the prompt's answer format.
Backends that can enforce it (the local model; vLLM / llama.cpp servers with `--guided`) then only
write valid answers; the parser still reads every answer, so unconstrained backends work as before.
`reasons = False` (set by the runner for passes whose memory is frozen) ends a constrained advice
answer after its value: the action is written first, so it is the same, and no reason is kept.

Exploration (not in the paper): `explore = EPS` (set by the runner for training passes) makes each
step, with probability EPS, a random valid action of the state instead of asking the model. The
draws depend on the policy seed and the episode id, so every epoch explores differently while a
rerun or a resumed run explores the same way. `explore_choices = P` (not in the paper either)
makes a training step, with probability P, the choice the environment finds open in the state
(`spec.open_choice`: WebShop's option that the request names and that is not chosen yet), drawn
from a stream of its own, before any random exploration step.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from agent.constraints import ADVICE, REACT, AnswerConstraint
from agent.errors import AgentError
from agent.parsing import ParsedAction, parse_advice, parse_react
from environments.spec import EnvSpec
from environments.state import HISTORY_LENGTH, history_entry
from agent.prompts import (DEFAULT_TOKEN_BUDGET, REACT_STOP, STOP, Prompt, PromptOptions,
                           ReactExemplar, build_prompt, build_react_prompt)
from memory_store.records import RetrievedState, State

MAX_ATTEMPTS = 3
RETRY_TEMPERATURES = (0.7, 1.0)  # attempt 2, attempt 3 (attempt 1 uses the backend's own)
NOOP_REASON = "no usable answer from the model"


class LLM(Protocol):
    """What a policy needs from `agent.llm` backends."""

    name: str

    def complete(self, prompt: str, *, max_tokens: int = 128, stop: Sequence[str] = (),
                 temperature: float | None = None,
                 constraint: AnswerConstraint | None = None) -> Any: ...

    def count_tokens(self, text: str) -> int: ...


class Retriever(Protocol):
    """What the Rememberer policy needs from `memory_store.store.ExperienceStore`."""

    def retrieve(self, state: State, *, m: int = 2, lam: float = 0.5) -> list[RetrievedState]: ...


@dataclass
class Decision:
    """One step's decision and everything worth logging about it."""

    state: State  # the state the action was chosen in (as the memory will store it)
    action: str
    reason: str = ""
    value: float | None = None  # the Q the model stated for its action
    raw_text: str = ""  # the last completion
    parse_ok: bool = False
    attempts: int = 0
    failures: list[str] = field(default_factory=list)  # one line per unusable completion
    llm_calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    budget_tokens: int = 0  # exemplars + input tokens as counted for the budget
    exemplar_ids: list[str] = field(default_factory=list)  # state ids, in prompt order
    exemplar_scores: list[float] = field(default_factory=list)
    skipped_exemplars: int = 0  # retrieved but over the token budget
    encouraged: list[str] = field(default_factory=list)  # the advice shown, over all exemplars
    discouraged: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)  # advice carried over to this state
    explored: bool = False  # taken instead of asking the model (random, or the open choice)
    choice: bool = False  # explored: the task's open choice (`explore_choices`)

    @property
    def noop(self) -> bool:
        return not self.parse_ok


class Policy(Protocol):
    name: str

    def reset(self, info: Mapping[str, Any], *, seed: int | str | None = None,
              episode: str = "") -> None: ...

    def act(self, observation: str, info: Mapping[str, Any]) -> Decision: ...


class PromptPolicy:
    """The shared step loop; subclasses say how to build the prompt and read the answer."""

    name = "prompt"
    answer_format = ADVICE

    def __init__(self, spec: EnvSpec, llm: LLM, *, seed: int = 0, max_tokens: int = 128,
                 max_attempts: int = MAX_ATTEMPTS, token_budget: int = DEFAULT_TOKEN_BUDGET,
                 constrain: bool = True):
        if max_attempts < 1:
            raise AgentError(f"max_attempts must be at least 1, not {max_attempts}")
        self.spec = spec
        self.llm = llm
        self.seed = seed
        self.max_tokens = max_tokens
        self.max_attempts = max_attempts
        self.token_budget = token_budget
        self.constrain = constrain
        self.reasons = True  # constrained advice answers: write a reason after the value
        self.explore = 0.0  # chance of a random valid action instead of the model's (training)
        self.explore_choices = 0.0  # chance of the state's open choice instead (training)
        self.history: list[str] = []
        self.rng = random.Random(f"{seed}")
        self.explore_rng = random.Random(f"{seed}|explore")
        self.choice_rng = random.Random(f"{seed}|choices")

    # --- episode ----------------------------------------------------------------------------
    def reset(self, info: Mapping[str, Any], *, seed: int | str | None = None,
              episode: str = "") -> None:
        """Start an episode. The random stream depends on the policy seed and the task (or on
        `seed` when given), so a rerun or a resumed run draws the same exploration advice; the
        exploration steps' stream also depends on the episode id (each epoch its own)."""
        self.history = []
        key = seed if seed is not None else str(info.get(self.spec.task_info, ""))
        self.rng = random.Random(f"{self.seed}|{self.name}|{key}")
        self.explore_rng = random.Random(f"{self.seed}|explore|{key}|{episode}")
        self.choice_rng = random.Random(f"{self.seed}|choices|{key}|{episode}")

    def act(self, observation: str, info: Mapping[str, Any]) -> Decision:
        state = self.spec.state(observation, info, self.history)
        decision = self._chosen(state)
        if decision is None:
            decision = self._explored(state)
        if decision is None:
            decision = self._asked(state)
        self.history = (self.history + [history_entry(decision.action)])[-HISTORY_LENGTH:]
        return decision

    def _chosen(self, state: State) -> Decision | None:
        """The state's open choice, with probability `explore_choices` where there is one; None
        when this step is left to exploration or the model (a stream of its own, drawn only where a
        choice is open)."""
        if self.explore_choices <= 0.0 or self.spec.open_choice is None:
            return None
        action = self.spec.open_choice(state)
        if action is None or self.choice_rng.random() >= self.explore_choices:
            return None
        return Decision(state=state, action=action, parse_ok=True, explored=True, choice=True)

    def _explored(self, state: State) -> Decision | None:
        """A random valid action, with probability `explore`; None when this step asks the model."""
        if self.explore <= 0.0 or self.explore_rng.random() >= self.explore:
            return None
        action = self.spec.random_action(state, self.explore_rng)
        if action is None:
            return None
        return Decision(state=state, action=action, parse_ok=True, explored=True)

    def _asked(self, state: State) -> Decision:
        """The model's answer in `state`, asked again while it cannot be parsed."""
        prompt, decision = self._prompt(state)
        decision.budget_tokens = prompt.budget_tokens
        stop = self._stop()
        constraint = self.constraint(state)
        for attempt in range(self.max_attempts):
            temperature = None if attempt == 0 else RETRY_TEMPERATURES[min(attempt, len(RETRY_TEMPERATURES)) - 1]
            options = {"constraint": constraint} if constraint is not None else {}
            completion = self.llm.complete(prompt.text, max_tokens=self.max_tokens, stop=stop,
                                           temperature=temperature, **options)
            decision.attempts += 1
            decision.llm_calls += 1
            decision.cached_calls += int(bool(getattr(completion, "cached", False)))
            decision.prompt_tokens += int(getattr(completion, "prompt_tokens", 0) or 0)
            decision.completion_tokens += int(getattr(completion, "completion_tokens", 0) or 0)
            decision.raw_text = str(getattr(completion, "text", "") or "")
            parsed = self._parse(decision.raw_text)
            if parsed.ok:
                decision.action, decision.reason, decision.value = parsed.action, parsed.reason, parsed.value
                decision.parse_ok = True
                break
            decision.failures.append(f"attempt {attempt + 1}: {parsed.error}")
        else:
            decision.action, decision.reason = self.spec.noop, NOOP_REASON
        return decision

    def constraint(self, state: State) -> AnswerConstraint | None:
        """The answers allowed in `state`: the prompt's format around one valid action (None when
        constraining is off or the state lists no action)."""
        if not self.constrain or self.spec.action_patterns is None:
            return None
        patterns = tuple(self.spec.action_patterns(state))
        if not patterns:
            return None
        return AnswerConstraint(self.answer_format, patterns, reason=self.reasons)

    # --- for subclasses -----------------------------------------------------------------------
    def _prompt(self, state: State) -> tuple[Prompt, Decision]:
        raise NotImplementedError

    def _parse(self, text: str) -> ParsedAction:
        return parse_advice(text, self.spec.syntax)

    def _stop(self) -> tuple[str, ...]:
        return STOP


def check_carry(spec: EnvSpec, carry_over: bool, choices: bool) -> None:
    """Refuse `--carry-choices` without `--carry-over`, `--carry-over` for an environment that
    cannot translate actions, and `--carry-choices` for one without a `carry_choice`
    (AgentError)."""
    if choices and not carry_over:
        raise AgentError("--carry-choices changes the advice --carry-over carries; add "
                         "--carry-over")
    if not carry_over:
        return
    if spec.carry_over is None:
        raise AgentError(f"{spec.name} cannot carry actions over from one state to another; "
                         "drop --carry-over")
    if choices and spec.carry_choice is None:
        raise AgentError(f"{spec.name} has no choices to carry over before an action; "
                         "drop --carry-choices")


class _AdvicePolicy(PromptPolicy):
    """Shared by Rememberer and LLM-only: the encouraged/discouraged prompt."""

    def __init__(self, spec: EnvSpec, llm: LLM, *, no_random: bool = False,
                 no_discouraged: bool = False, carry_over: bool = False,
                 carry_choices: bool = False, **kwargs: Any):
        super().__init__(spec, llm, **kwargs)
        check_carry(spec, carry_over, carry_choices)
        self.options = PromptOptions(token_budget=self.token_budget, no_random=no_random,
                                     no_discouraged=no_discouraged, carry_over=carry_over,
                                     carry_choices=carry_choices)

    def _exemplars(self, state: State) -> list[RetrievedState]:
        raise NotImplementedError

    def _prompt(self, state: State) -> tuple[Prompt, Decision]:
        exemplars = self._exemplars(state)
        prompt = build_prompt(self.spec, state, exemplars, count_tokens=self.llm.count_tokens,
                              rng=self.rng, options=self.options)
        decision = Decision(
            state=state, action="",
            exemplar_ids=[item.state_id for item in prompt.exemplars],
            exemplar_scores=[float(item.score) for item in prompt.exemplars],
            skipped_exemplars=len(prompt.skipped),
            encouraged=[line.action for advice in prompt.advice for line in advice.encouraged],
            discouraged=[line.action for advice in prompt.advice for line in advice.discouraged],
            carried=[line.action for line in prompt.carried],
        )
        return prompt, decision


class RemembererPolicy(_AdvicePolicy):
    """Exemplars are the `m` states of the experience memory most similar to the current one."""

    name = "rememberer"
    CANDIDATES_PER_EXEMPLAR = 8  # how deep `useful_exemplars` looks for states that worked

    def __init__(self, spec: EnvSpec, llm: LLM, store: Retriever, *, m: int = 2,
                 lam: float = 0.5, useful_exemplars: bool = False, **kwargs: Any):
        if m < 0:
            raise AgentError(f"m must be 0 or more, not {m}")
        if not 0.0 <= lam <= 1.0:
            raise AgentError(f"lambda must be between 0 and 1, not {lam}")
        super().__init__(spec, llm, **kwargs)
        self.store = store
        self.m = m
        self.lam = lam
        self.useful_exemplars = useful_exemplars

    def _exemplars(self, state: State) -> list[RetrievedState]:
        if self.m == 0:
            return []
        if not self.useful_exemplars:
            return list(self.store.retrieve(state, m=self.m, lam=self.lam))
        return useful_first(self.store.retrieve(state, m=self.m * self.CANDIDATES_PER_EXEMPLAR,
                                                lam=self.lam), self.m)


def useful_first(candidates: Sequence[RetrievedState], m: int) -> list[RetrievedState]:
    """The `m` best candidates among states where some recorded action has a positive Q, topped
    up with the best of the others when there are fewer; similarity order kept within each group.

    A state whose every action returned nothing shows, as Encouraged, either a zero-value action
    or a random one: a small model copies it, and a memory of early failures then steers the
    agent into loops (webshop-main, docs/results.md)."""
    worked = [c for c in candidates if any(a.q > 0 for a in c.actions)]
    rest = [c for c in candidates if not any(a.q > 0 for a in c.actions)]
    return (worked + rest)[:m]


class LLMOnlyPolicy(_AdvicePolicy):
    """The same prompt with a fixed exemplar set; nothing is learned between episodes."""

    name = "llm-only"

    def __init__(self, spec: EnvSpec, llm: LLM, exemplars: Sequence[RetrievedState],
                 **kwargs: Any):
        super().__init__(spec, llm, **kwargs)
        self.exemplars = list(exemplars)

    def _exemplars(self, state: State) -> list[RetrievedState]:
        return self.exemplars


class ReActPolicy(PromptPolicy):
    """Think, then act: fixed worked steps with reasoning lines, then `Action: <action>`."""

    name = "react"
    answer_format = REACT

    def __init__(self, spec: EnvSpec, llm: LLM, exemplars: Sequence[ReactExemplar], *,
                 max_tokens: int = 192, **kwargs: Any):
        super().__init__(spec, llm, max_tokens=max_tokens, **kwargs)
        self.exemplars = list(exemplars)

    def _prompt(self, state: State) -> tuple[Prompt, Decision]:
        prompt = build_react_prompt(self.spec, state, self.exemplars,
                                    count_tokens=self.llm.count_tokens,
                                    token_budget=self.token_budget)
        return prompt, Decision(state=state, action="")

    def _parse(self, text: str) -> ParsedAction:
        return parse_react(text, self.spec.syntax)

    def _stop(self) -> tuple[str, ...]:
        return REACT_STOP


class RandomPolicy(PromptPolicy):
    """A reference that needs no model (not in the paper): every step is a random valid action
    of the state (the spec's `random_action`), drawn from a stream keyed on the seed and the
    task, so a rerun plays the same episodes. It shows what a task set gives for nothing, the
    level an LLM policy has to beat."""

    name = "random"

    def _asked(self, state: State) -> Decision:
        action = self.spec.random_action(state, self.rng)
        if action is None:  # a state without actions: the environment's no-op
            return Decision(state=state, action=self.spec.noop, reason="no valid action")
        return Decision(state=state, action=action, parse_ok=True)


POLICY_NAMES = ("rememberer", "llm-only", "react", "random")
ADVICE_POLICIES = (RemembererPolicy.name, LLMOnlyPolicy.name)  # the Encouraged/Discouraged prompt
USES_LLM = tuple(name for name in POLICY_NAMES if name != RandomPolicy.name)  # ask a model
NO_LLM = "none"  # the LLM a run names when none of its policies asks one


def make_policy(name: str, spec: EnvSpec, llm: LLM, *, store: Retriever | None = None,
                exemplar_set: str = "E0", m: int = 2, lam: float = 0.5, no_random: bool = False,
                no_discouraged: bool = False, useful_exemplars: bool = False,
                carry_over: bool = False, carry_choices: bool = False, seed: int = 0,
                token_budget: int = DEFAULT_TOKEN_BUDGET, constrain: bool = True) -> PromptPolicy:
    """A policy by name, as the runner's `--policy` flag names them."""
    from agent.exemplars import load_exemplar_states, load_react_exemplars

    common = {"seed": seed, "token_budget": token_budget, "constrain": constrain}
    if name == "rememberer":
        if store is None:
            raise AgentError("the rememberer policy needs an experience memory")
        return RemembererPolicy(spec, llm, store, m=m, lam=lam, no_random=no_random,
                                no_discouraged=no_discouraged, useful_exemplars=useful_exemplars,
                                carry_over=carry_over, carry_choices=carry_choices, **common)
    if name == "llm-only":
        return LLMOnlyPolicy(spec, llm, load_exemplar_states(spec.name, exemplar_set),
                             no_random=no_random, no_discouraged=no_discouraged,
                             carry_over=carry_over, carry_choices=carry_choices, **common)
    if name == "react":
        return ReActPolicy(spec, llm, load_react_exemplars(spec.name, exemplar_set), **common)
    if name == "random":
        return RandomPolicy(spec, llm, seed=seed)
    raise AgentError(f"unknown policy {name!r} (known: {', '.join(POLICY_NAMES)})")
