"""`WikiHowEnv`: an offline simulation of Mobile-Env's wikiHow app task set (Gymnasium API).

The agent reads a screen (one HTML leaf element per line) and acts with CLICK(i), INPUT(i, text),
SCROLL(UP|DOWN|LEFT|RIGHT) or GOBACK. A task is a command of 2-4 sub-goals (search, then open an
article, then maybe its author page, a category page, the reference list or the about page);
each completed sub-goal gives +1 once, in order, and the environment then emits the next step
instruction. The episode ends when all sub-goals are done (terminated) or after `max_steps`
steps (truncated). Text that is not a valid action is a no-op that still counts as a step.
"""

from __future__ import annotations

import numbers
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
from gymnasium import spaces

from environments.conventions import (
    METADATA, check_max_steps, check_render_mode, check_step, render_text,
)
from environments.errors import EnvironmentDataError
from environments.wikihow.actions import Action, parse_action
from environments.wikihow.corpus import Corpus, SubGoal, Task, load_corpus, words
from environments.wikihow.screens import Element, Layout, Page, layout_of, render

_CHARSET = string.printable + "\u2022\u2191"


def instruction_for(goal: SubGoal) -> str:
    """The step instruction emitted when `goal` becomes the current sub-goal."""
    if goal.kind == "article":
        return f'Access the article "{goal.target}"'
    if goal.kind == "author":
        return f"Check the author page of {goal.target}."
    if goal.kind == "category":
        return f"Access the page of category {goal.target}"
    if goal.kind == "reference":
        return "Check the reference list"
    if goal.kind == "about":
        return "Access the about page to learn why people trust wikihow."
    return ""  # search: the first sub-goal, before any instruction


@dataclass
class _Outcome:
    valid: bool
    submitted: str | None = None  # the query submitted by this step, if any


class WikiHowEnv(gym.Env):
    """Offline wikiHow app. `reset(options={"task": i})` picks bundled task i."""

    metadata = METADATA

    def __init__(self, data_dir: str | Path | None = None, max_steps: int = 15,
                 render_mode: str | None = None) -> None:
        check_max_steps(max_steps)
        check_render_mode(render_mode)
        self.data_dir = data_dir
        self.max_steps = max_steps
        self.render_mode = render_mode
        self.observation_space = spaces.Text(max_length=100_000, min_length=0, charset=_CHARSET)
        self.action_space = spaces.Text(max_length=1_000, min_length=0, charset=_CHARSET)
        self.corpus: Corpus = load_corpus(data_dir)  # eager: a bad folder fails here
        self._task: Task | None = None
        self._stack: list[Page] = []
        self._done = 0  # completed sub-goals
        self._steps = 0
        self._last_reward = 0.0
        self._total_reward = 0.0
        self._valid = True
        self._over = False

    # ----------------------------------------------------------------------------- data
    @property
    def task(self) -> Task | None:
        return self._task

    @property
    def page(self) -> Page:
        return self._stack[-1]

    def _layout(self) -> Layout:
        return layout_of(self.corpus, self.page)

    def _screen(self) -> list[Element]:
        return self._layout().visible(self.page.offset)

    # ----------------------------------------------------------------------------- gym API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        count = len(self.corpus.tasks)
        if options and "task" in options:
            index = options["task"]
            if isinstance(index, bool) or not isinstance(index, numbers.Integral) or not 0 <= index < count:
                raise EnvironmentDataError(
                    f"unknown WikiHow task {index!r}; valid tasks are 0..{count - 1}"
                )
            index = int(index)
        else:
            index = int(self.np_random.integers(count))
        self._task = self.corpus.tasks[index]
        self._stack = [Page("home")]
        self._done = 0
        self._steps = 0
        self._last_reward = 0.0
        self._total_reward = 0.0
        self._valid = True
        self._over = False
        return self._observe()

    def step(self, action: str):
        check_step("WikiHow", self._task is not None, self._over)
        self._steps += 1
        parsed = parse_action(action) if isinstance(action, str) else None
        outcome = self._apply(parsed) if parsed is not None else _Outcome(valid=False)
        self._valid = outcome.valid
        reward = self._advance(outcome.submitted)
        self._last_reward = reward
        self._total_reward += reward
        terminated = self._done == len(self._task.goals)
        truncated = not terminated and self._steps >= self.max_steps
        self._over = terminated or truncated
        observation, info = self._observe()
        return observation, reward, terminated, truncated, info

    def render(self) -> str | None:
        if self._task is None:
            return None
        return render_text(self.render_mode, render(self._screen()))

    # ----------------------------------------------------------------------------- actions
    def _apply(self, action: Action) -> _Outcome:
        if action.kind == "goback":
            return _Outcome(self._back())
        if action.kind == "scroll":
            if action.text not in ("UP", "DOWN"):
                return _Outcome(False)  # no page scrolls sideways
            layout = self._layout()
            step = layout.stride if action.text == "DOWN" else -layout.stride
            offset = layout.clamp(self.page.offset + step)
            moved = offset != layout.clamp(self.page.offset)
            self.page.offset = offset
            return _Outcome(moved)
        screen = self._screen()
        element = screen[min(action.target, len(screen) - 1)]  # ids are clipped to the screen
        if action.kind == "input":
            if not element.typeable:
                return _Outcome(False)
            page = Page("search", action.text)
            if self.page.kind == "search":
                self._stack[-1] = page
            else:
                self._stack.append(page)
            return _Outcome(True, submitted=action.text)
        if not element.clickable:
            return _Outcome(False)
        self._follow(element)
        return _Outcome(True)

    def _back(self) -> bool:
        if len(self._stack) < 2:
            return False
        self._stack.pop()
        return True

    def _follow(self, element: Element) -> None:
        link = element.link
        if link is None:
            return  # clickable but inert (the home web view, the search box)
        if link.kind == "back":
            self._back()
        elif link.kind == "home":
            self._stack = [Page("home")]
        elif link.kind == "search":
            self._stack.append(Page("search", ""))
        elif link.kind == "clear":
            self._stack[-1] = Page("search", "")
        elif link.kind == "jump":
            layout = self._layout()
            self.page.offset = layout.clamp(layout.anchors[str(link.ref)])
        else:  # drawer | about | article | author | category
            self._stack.append(Page(link.kind, link.ref))

    # ----------------------------------------------------------------------------- sub-goals
    def _satisfied(self, goal: SubGoal, submitted: str | None) -> bool:
        page = self.page
        if goal.kind == "search":
            return submitted is not None and bool(set(words(submitted)) & set(goal.target.split()))
        if goal.kind == "article":
            return page.kind == "article" and page.ref == self._task.article
        if goal.kind == "author":
            return page.kind == "author" and self.corpus.authors[int(page.ref)].name == goal.target
        if goal.kind == "category":
            return page.kind == "category" and page.ref == goal.target
        if goal.kind == "reference":
            return (page.kind == "article" and page.ref == self._task.article
                    and any(e.anchor in ("references", "reference") for e in self._screen()))
        if goal.kind == "about":
            return page.kind == "about"
        raise EnvironmentDataError(f"unknown WikiHow sub-goal kind {goal.kind!r}")

    def _advance(self, submitted: str | None) -> float:
        """Complete sub-goals in order while the current one is satisfied; +1 each."""
        reward = 0.0
        goals = self._task.goals
        while self._done < len(goals) and self._satisfied(goals[self._done], submitted):
            self._done += 1
            reward += 1.0
        return reward

    # ----------------------------------------------------------------------------- observation
    @property
    def instruction(self) -> str:
        """The latest emitted step instruction ("" before the first sub-goal is done; after the
        last one it stays on the final instruction)."""
        goals = self._task.goals
        if self._done == 0:
            return ""
        return instruction_for(goals[min(self._done, len(goals) - 1)])

    def available_actions(self) -> list[str]:
        layout = self._layout()
        screen = layout.visible(self.page.offset)
        actions = [f"CLICK({i})" for i, e in enumerate(screen) if e.clickable]
        actions += [f"INPUT({i}, {self._task.phrase})" for i, e in enumerate(screen) if e.typeable]
        offset = layout.clamp(self.page.offset)
        if offset > 0:
            actions.append("SCROLL(UP)")
        if offset < layout.max_offset:
            actions.append("SCROLL(DOWN)")
        if len(self._stack) > 1:
            actions.append("GOBACK")
        return actions

    def _observe(self) -> tuple[str, dict[str, Any]]:
        observation = render(self._screen())
        info = {
            "command": self._task.command,
            "instruction": self.instruction,
            "last_reward": self._last_reward,
            "total_reward": self._total_reward,
            "task": self._task.index,
            "valid": self._valid,
            "available_actions": self.available_actions(),
        }
        if self.render_mode == "human":
            self.render()
        return observation, info
