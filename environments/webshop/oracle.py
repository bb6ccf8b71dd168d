"""Reference policies: an oracle that knows the goal, and a random shopper.

The oracle reads the goal (its target product, attributes and options) and the catalogue's
search engine, so it can pick a query under which the target is listed among the three
products the results page shows. It is a test of the environment, not an agent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from environments.webshop.catalogue import Catalogue, Goal, Product
from environments.webshop.pages import RESULTS_PER_PAGE, SHOWN_PER_PAGE
from environments.webshop.reward import MATCH_THRESHOLD, fuzzy_score, normalize_color
from environments.ranking import best


def candidate_queries(target: Product, goal: Goal) -> list[str]:
    instruction = goal.instruction.split(", and price lower than")[0]
    return list(dict.fromkeys(q.lower() for q in [
        target.title,
        f"{target.title} {' '.join(goal.attributes)} {' '.join(goal.goal_options)}",
        f"{target.title} {target.bullets[0] if target.bullets else ''}",
        instruction,
        f"{target.title} {target.description}",
    ] if q.strip()))


def find_listing(catalogue: Catalogue, goal: Goal) -> tuple[str, int] | None:
    """A query that shows the target on a results page, and that page's number."""
    target = catalogue.by_asin[goal.asin]
    for query in candidate_queries(target, goal):
        results = catalogue.search(query)
        if goal.asin in results:
            rank = results.index(goal.asin)
            if rank % RESULTS_PER_PAGE < SHOWN_PER_PAGE:
                return query, rank // RESULTS_PER_PAGE + 1
    return None


def option_choices(product: Product, goal_options: list[str]) -> dict[str, str]:
    """Group -> value that satisfies each goal option: an exact value if there is one, else
    the best fuzzy match above WebShop's threshold."""
    chosen: dict[str, str] = {}
    for wanted in goal_options:
        exact = product.group_of(wanted.lower())
        if exact is not None and exact not in chosen:
            chosen[exact] = wanted.lower()
            continue
        matches = [  # (score, position of the group and value in the product, group, value)
            (score, (g, v), group, value)
            for g, (group, values) in enumerate(product.options.items()) if group not in chosen
            for v, value in enumerate(values)
            if (score := fuzzy_score(normalize_color(value), normalize_color(wanted))) > MATCH_THRESHOLD
        ]
        top = best(matches, score=lambda m: m[0], ident=lambda m: m[1])  # ties: catalogue order
        if top is not None:
            chosen[top[2]] = top[3]
    return chosen


def plan_for(catalogue: Catalogue, goal: Goal) -> list[str]:
    listing = find_listing(catalogue, goal)
    if listing is None:
        raise ValueError(f"the oracle finds no query that lists {goal.asin}")
    query, page = listing
    target = catalogue.by_asin[goal.asin]
    actions = [f"search[{query}]"] + ["click[next >]"] * (page - 1)
    actions.append(f"click[{goal.asin.lower()}]")
    actions += [f"click[{value}]" for value in option_choices(target, goal.goal_options).values()]
    actions.append("click[buy now]")
    return actions


def oracle_actions(env) -> list[str]:
    """The oracle's whole episode for the goal `env` was last reset to."""
    if env.goal is None:
        raise RuntimeError("reset the environment to a goal first")
    return plan_for(env.catalogue, env.goal)


@dataclass
class OraclePolicy:
    """Plays `oracle_actions` one step at a time; the plan is rebuilt when the goal changes."""

    env: Any
    _plan: list[str] = field(default_factory=list)
    _goal: int = -1

    def act(self, observation: str, info: dict[str, Any]) -> str:
        if info["goal"] != self._goal or info.get("steps", 0) == 0 or not self._plan:
            self._plan, self._goal = oracle_actions(self.env), info["goal"]
        return self._plan.pop(0)


@dataclass
class RandomPolicy:
    """A shopper with no judgement: on the search page it searches the instruction text,
    elsewhere it clicks one of the available actions uniformly at random."""

    seed: int = 0
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def act(self, observation: str, info: dict[str, Any]) -> str:
        actions = info["available_actions"]
        if actions == ["search"]:
            return f"search[{info['instruction']}]"
        return f"click[{self.rng.choice(actions)}]"
