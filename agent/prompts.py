"""The Rememberer prompt: instructions, exemplars with advice, then the new input.

Layout (blocks separated by one blank line):

    <instructions of the task set>

    <exemplar: input as it was>          least similar first ...
    Encouraged:
    <action> -> <Q, one decimal> <reason>
    Discouraged:
    <action> -> <Q, one decimal> <reason>

    <exemplar>                           ... most similar last

    <new input>
    Carried over from memory:            only with carry_over (see below)
    <action> -> <Q, one decimal>
    Encouraged:

The model continues after the final `Encouraged:` line; `STOP` ends its answer where the
Discouraged part of an advice block (or the next block) would begin.

Advice rules for one retrieved state (its recorded actions with their Q values):
- Encouraged: the recorded action with the highest Q. If that Q <= 0, a random valid action
  instead, shown with a Q drawn uniformly from [0, 0.5) (exploration, as in the paper).
- Discouraged: the recorded actions with Q <= 0; if every recorded Q > 0, a random other valid
  action shown with Q 0.0.
- `no_random`: encouraged = the top recorded action, discouraged = the bottom one (when there
  are at least two); nothing random.  `no_discouraged`: no Discouraged part at all.
- `carry_over` (not in the paper): the recorded actions with Q > 0 of the exemplars, translated
  by the environment (`spec.carry_over`) into the actions that do the same in the new state, are
  listed under the new input (at most `MAX_CARRIED`, best exemplar first, highest Q first; only
  from exemplars of the same kind of state, the spec's `pattern`). An exemplar's own advice
  names things of *its* state (a WikiHow element id, a WebShop product); a small model copies it
  word for word into a state where that means something else. Each exemplar block gets the same
  section, its own actions carried over to itself, so that every block has the layout of the new
  input and the model sees what the section is for.

Exemplars enter best first while exemplars + input fit the token budget; one that does not fit is
skipped whole, never cut.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from environments.ranking import ranked
from environments.spec import EnvSpec
from memory_store.records import ActionRecord, RetrievedState, State

STOP = ("Discouraged", "\n\n")
DEFAULT_TOKEN_BUDGET = 3_700
ENCOURAGED = "Encouraged:"
DISCOURAGED = "Discouraged:"
CARRIED = "Carried over from memory:"
MAX_CARRIED = 3
RANDOM_ENCOURAGED_REASON = "Not tried here yet; worth exploring."
RANDOM_DISCOURAGED_REASON = "Not known to lead anywhere useful here."
ADVICE_INTRO = ("Below are earlier situations, each followed by the actions that worked out there "
                "(Encouraged) and those that did not (Discouraged).")
ADVICE_INTRO_NO_DISCOURAGED = ("Below are earlier situations, each followed by the actions that "
                               "worked out there (Encouraged).")


@dataclass(frozen=True)
class AdviceLine:
    action: str
    q: float
    reason: str = ""
    random: bool = False  # chosen by the exploration rule, not a recorded action

    def render(self) -> str:
        reason = " ".join(self.reason.split())
        return f"{self.action} -> {self.q:.1f} {reason}".rstrip()


@dataclass(frozen=True)
class Advice:
    encouraged: tuple[AdviceLine, ...] = ()
    discouraged: tuple[AdviceLine, ...] = ()


@dataclass(frozen=True)
class PromptOptions:
    token_budget: int = DEFAULT_TOKEN_BUDGET  # exemplars + new input
    no_random: bool = False
    no_discouraged: bool = False
    carry_over: bool = False
    carry_choices: bool = False  # with carry_over: the environment's carry_choice first


def best_first(actions: Sequence[ActionRecord]) -> list[ActionRecord]:
    """Highest Q first; ties go to more visits, then to the action text (then the recorded
    order, should one state record an action twice)."""
    order = ranked(range(len(actions)), score=lambda i: (actions[i].q, actions[i].visits),
                   ident=lambda i: (actions[i].action, i))
    return [actions[i] for i in order]


def _line(record: ActionRecord) -> AdviceLine:
    return AdviceLine(record.action, record.q, record.reason)


def choose_advice(spec: EnvSpec, retrieved: RetrievedState, rng: random.Random,
                  options: PromptOptions = PromptOptions()) -> Advice:
    """The Encouraged / Discouraged lines shown under one exemplar (rules in the module doc)."""
    ordered = best_first(retrieved.actions)
    if options.no_random:
        encouraged = (_line(ordered[0]),) if ordered else ()
        discouraged = (_line(ordered[-1]),) if len(ordered) >= 2 else ()
        return Advice(encouraged, () if options.no_discouraged else discouraged)

    recorded = [a.action for a in ordered]
    low = [_line(a) for a in reversed(ordered) if a.q <= 0]  # lowest first
    if ordered and ordered[0].q > 0:
        encouraged: tuple[AdviceLine, ...] = (_line(ordered[0]),)
    else:
        # Nothing worked here yet: suggest an untried valid action (any valid one if all tried).
        action = (spec.random_action(retrieved.state, rng, exclude=recorded)
                  or spec.random_action(retrieved.state, rng))
        shown_q = math.floor(rng.random() * 0.5 * 10) / 10  # uniform on [0, 0.5), one decimal
        encouraged = (AdviceLine(action, shown_q, RANDOM_ENCOURAGED_REASON, random=True),) if action else ()
    if options.no_discouraged:
        return Advice(encouraged, ())
    if low:
        discouraged = tuple(low)
    else:
        exclude = recorded + [line.action for line in encouraged]
        action = spec.random_action(retrieved.state, rng, exclude=exclude)
        discouraged = (AdviceLine(action, 0.0, RANDOM_DISCOURAGED_REASON, random=True),) if action else ()
    return Advice(encouraged, discouraged)


def render_advice(advice: Advice, *, no_discouraged: bool = False) -> str:
    lines = [ENCOURAGED, *(line.render() for line in advice.encouraged)]
    if not no_discouraged:
        lines += [DISCOURAGED, *(line.render() for line in advice.discouraged)]
    return "\n".join(lines)


def render_carried(carried: Sequence[AdviceLine]) -> list[str]:
    return [CARRIED, *(line.render() for line in carried)] if carried else []


def render_exemplar(spec: EnvSpec, state: State, advice: Advice,
                    *, no_discouraged: bool = False, carried: Sequence[AdviceLine] = ()) -> str:
    return "\n".join([spec.render(state), *render_carried(carried),
                      render_advice(advice, no_discouraged=no_discouraged)])


def carried_advice(spec: EnvSpec, state: State, retrieved: Sequence[RetrievedState],
                   choices: bool = False) -> tuple[AdviceLine, ...]:
    """The recorded actions with Q > 0 of `retrieved` (best first) as the environment carries
    them over to `state`; each action once, at most `MAX_CARRIED`. Only exemplars of the same
    kind of state (the spec's `pattern`: WebShop's page kind, WikiHow's step kind) are carried
    over: a search typed on a home screen is no advice for an article page that has a search
    box too. With `choices`, the environment's `carry_choice` is asked first (a step the
    remembered action had behind it that the current state still lacks)."""
    if spec.carry_over is None:
        return ()
    first = spec.carry_choice if choices else None
    kind = spec.similarity.pattern(state)
    lines: list[AdviceLine] = []
    for item in retrieved:
        if spec.similarity.pattern(item.state) != kind:
            continue
        for record in best_first(item.actions):
            if record.q <= 0 or len(lines) == MAX_CARRIED:
                break
            action = ((first and first(record.action, item.state, state))
                      or spec.carry_over(record.action, item.state, state))
            if action and all(line.action != action for line in lines):
                lines.append(AdviceLine(action, record.q))
    return tuple(lines)


def render_query(spec: EnvSpec, state: State, carried: Sequence[AdviceLine] = ()) -> str:
    """The new input (with the advice carried over to it, if any), ending where the model is
    to continue."""
    return "\n".join([spec.render(state), *render_carried(carried), ENCOURAGED]) + "\n"


@dataclass
class Prompt:
    """A rendered prompt and what went into it (for logging)."""

    text: str
    exemplars: list[RetrievedState] = field(default_factory=list)  # in prompt order (best last)
    advice: list[Advice] = field(default_factory=list)  # parallel to `exemplars`
    skipped: list[RetrievedState] = field(default_factory=list)  # did not fit the budget
    carried: tuple[AdviceLine, ...] = ()  # advice carried over to the new input (carry_over)
    budget_tokens: int = 0  # tokens of exemplars + input as counted against the budget


def fit_budget(blocks: Sequence[str], query: str, count_tokens: Callable[[str], int],
               budget: int) -> tuple[list[int], int]:
    """Indices of the `blocks` (best first) kept under `budget` together with `query`, and the
    tokens used. A block that does not fit is skipped; later, smaller ones may still fit."""
    used = count_tokens(query)
    kept: list[int] = []
    for index, block in enumerate(blocks):
        cost = count_tokens(block)
        if used + cost <= budget:
            kept.append(index)
            used += cost
    return kept, used


def join_prompt(spec: EnvSpec, blocks: Sequence[str], query: str,
                options: PromptOptions = PromptOptions()) -> str:
    """Instructions, the exemplar blocks in prompt order, then the new input."""
    intro = ADVICE_INTRO_NO_DISCOURAGED if options.no_discouraged else ADVICE_INTRO
    return "\n\n".join([f"{spec.instructions} {intro}", *blocks, query])


def build_prompt(spec: EnvSpec, state: State, retrieved: Sequence[RetrievedState], *,
                 count_tokens: Callable[[str], int], rng: random.Random,
                 options: PromptOptions = PromptOptions()) -> Prompt:
    """The Rememberer / LLM-only prompt for `state`; `retrieved` is best first."""
    advice = [choose_advice(spec, item, rng, options) for item in retrieved]
    carry = options.carry_over  # each exemplar shows its own section too (module doc)
    choices = options.carry_choices
    blocks = [render_exemplar(spec, item.state, adv, no_discouraged=options.no_discouraged,
                              carried=carried_advice(spec, item.state, [item], choices)
                              if carry else ())
              for item, adv in zip(retrieved, advice)]
    carried = carried_advice(spec, state, retrieved, choices) if carry else ()
    query = render_query(spec, state, carried)
    kept, used = fit_budget(blocks, query, count_tokens, options.token_budget)
    order = list(reversed(kept))  # most similar last, right before the new input
    text = join_prompt(spec, [blocks[i] for i in order], query, options)
    return Prompt(
        text=text,
        exemplars=[retrieved[i] for i in order],
        advice=[advice[i] for i in order],
        skipped=[item for i, item in enumerate(retrieved) if i not in kept],
        carried=carried,
        budget_tokens=used,
    )


# --- ReAct -------------------------------------------------------------------------------------

REACT_STOP = ("\n\n",)
THOUGHT = "Thought:"
ACTION = "Action:"


@dataclass(frozen=True)
class ReactExemplar:
    """One worked ReAct step: the input, reasoning lines, then the action taken."""

    state: State
    thoughts: tuple[str, ...]
    action: str


def render_react_exemplar(spec: EnvSpec, exemplar: ReactExemplar) -> str:
    lines = [spec.render(exemplar.state)]
    lines += [f"{THOUGHT} {thought}" for thought in exemplar.thoughts]
    lines.append(f"{ACTION} {exemplar.action}")
    return "\n".join(lines)


def build_react_prompt(spec: EnvSpec, state: State, exemplars: Sequence[ReactExemplar], *,
                       count_tokens: Callable[[str], int],
                       token_budget: int = DEFAULT_TOKEN_BUDGET) -> Prompt:
    """The ReAct prompt: instructions, worked steps, then the new input ending in `Thought:`."""
    blocks = [render_react_exemplar(spec, ex) for ex in exemplars]
    query = f"{spec.render(state)}\n{THOUGHT}"
    kept, used = fit_budget(blocks, query, count_tokens, token_budget)
    order = list(reversed(kept))
    text = "\n\n".join([spec.react_instructions, *(blocks[i] for i in order), query])
    return Prompt(text=text, budget_tokens=used)
