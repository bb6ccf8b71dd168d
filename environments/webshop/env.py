"""WebShopEnv: the shop as a Gymnasium environment with text observations and text actions."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import gymnasium
from gymnasium import spaces

from environments.conventions import (
    METADATA, check_max_steps, check_render_mode, check_step, render_text,
)
from environments.webshop.catalogue import Catalogue, Goal, load_catalogue
from environments.webshop.pages import (
    DONE, ITEM, RESULTS, SEARCH, SUB_PAGES, PageState, available_actions, done_page, render,
)
from environments.webshop.reward import RewardBreakdown, purchase_reward

_ACTION = re.compile(r"^\s*(\w+)\s*\[(.*)\]\s*$", re.DOTALL)
_TEXT_CHARSET = string.printable + "›’“”–—éèàüöä°×"


def parse_action(action: str) -> tuple[str, str] | None:
    """`search[query]` / `click[label]` -> (verb, lowercased argument); None if unparsable."""
    match = _ACTION.match(action) if isinstance(action, str) else None
    if not match or match.group(1).lower() not in ("search", "click"):
        return None
    return match.group(1).lower(), match.group(2).strip().lower()


class WebShopEnv(gymnasium.Env):
    """Buy what the instruction asks for. Actions are `search[...]` and `click[...]`; the
    reward (0..1) comes only with `click[buy now]`. Pick a goal with
    ``reset(options={"goal": i})``."""

    metadata = METADATA

    def __init__(self, data_dir: str | Path | None = None, max_steps: int = 15,
                 render_mode: str | None = None) -> None:
        check_render_mode(render_mode)
        check_max_steps(max_steps)
        self.catalogue: Catalogue = load_catalogue(data_dir)
        self.max_steps = max_steps
        self.render_mode = render_mode
        self.observation_space = spaces.Text(max_length=1_000_000, charset=_TEXT_CHARSET)
        self.action_space = spaces.Text(max_length=10_000, charset=_TEXT_CHARSET)
        self.goal_index = -1
        self.goal: Goal | None = None
        self.state = PageState()
        self.steps = 0
        self.observation = ""
        self.score: RewardBreakdown | None = None

    @property
    def products(self):
        return self.catalogue.by_asin

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if options and "goal" in options:
            index = options["goal"]
        else:
            index = int(self.np_random.integers(len(self.catalogue.goals)))
        self.goal = self.catalogue.goal(index)
        self.goal_index = int(index)
        self.state = PageState()
        self.steps = 0
        self.score = None
        self.observation = render(self.state, self.goal.instruction, self.products)
        if self.render_mode == "human":
            self.render()
        return self.observation, self._info(valid=True)

    def step(self, action: str):
        check_step("WebShop", self.goal is not None, self.state.kind == DONE
                   or self.steps >= self.max_steps)
        self.steps += 1
        reward = 0.0
        valid = self._apply(parse_action(action))
        if self.state.kind == DONE:
            reward = self.score.reward
        else:
            self.observation = render(self.state, self.goal.instruction, self.products)
        terminated = self.state.kind == DONE
        truncated = not terminated and self.steps >= self.max_steps
        if self.render_mode == "human":
            self.render()
        return self.observation, reward, terminated, truncated, self._info(valid=valid)

    def render(self) -> str | None:
        return render_text(self.render_mode, self.observation)

    # ------------------------------------------------------------------ transitions
    def _info(self, valid: bool) -> dict[str, Any]:
        info: dict[str, Any] = {
            "available_actions": available_actions(self.state, self.products),
            "instruction": self.goal.instruction,
            "goal": self.goal_index,
            "valid": valid,
            "page": self.state.kind,
            "steps": self.steps,
        }
        if self.state.kind == DONE:
            info["asin"] = self.state.asin
            info["options"] = dict(self.state.options)
            info["score"] = self.score
        return info

    def _apply(self, parsed: tuple[str, str] | None) -> bool:
        """Change the page for a parsed action; False (and no change) if it is not allowed."""
        if parsed is None:
            return False
        verb, arg = parsed
        state = self.state
        if verb == "search":
            if not arg:
                return False
            self.state = PageState(kind=RESULTS, query=arg, results=self.catalogue.search(arg))
            return True
        if arg not in available_actions(state, self.products):
            return False
        if arg == "back to search":
            self.state = PageState()
        elif state.kind == RESULTS:
            if arg == "next >":
                state.page += 1
            elif arg == "< prev":
                state.page -= 1
            else:
                state.kind, state.asin, state.options = ITEM, arg.upper(), {}
                state.visited.add(state.asin)
        elif state.kind == ITEM:
            if arg == "< prev":
                state.kind, state.options = RESULTS, {}
            elif arg in SUB_PAGES:
                state.kind = arg
            elif arg == "buy now":
                self._buy()
            else:
                state.options[self.products[state.asin].group_of(arg)] = arg
        elif state.kind in SUB_PAGES and arg == "< prev":
            state.kind = ITEM
        return True

    def _buy(self) -> None:
        product = self.products[self.state.asin]
        self.score = purchase_reward(product, self.goal, self.catalogue.prices[product.asin],
                                     self.state.options)
        self.state.kind = DONE
        self.observation = done_page(product, self.state.options, self.score)
