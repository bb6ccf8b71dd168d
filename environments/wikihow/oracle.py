"""Reference policies for WikiHow: a scripted oracle that reads only the screen, the command and
the rewards in `info`, and a uniform random policy over `info["available_actions"]`.

    .venv/bin/python -m environments.wikihow.oracle --policy random --split test --runs 5
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from typing import Any, Protocol

from environments.wikihow.screens import TRUST_LINK

_LINE = re.compile(r"<(?P<tag>[a-z]+)(?P<attrs>[^>]*)>(?P<text>.*?)(?:</[a-z]+>)?$")
_ATTR = re.compile(r'(?P<key>[a-z]+)="(?P<value>[^"]*)"')


@dataclass(frozen=True)
class ScreenElement:
    id: int
    tag: str
    text: str
    attrs: dict[str, str]

    @property
    def clickable(self) -> bool:
        return self.attrs.get("clickable") == "true"


def parse_screen(observation: str) -> list[ScreenElement]:
    elements = []
    for line in observation.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        attrs = {m.group("key"): m.group("value") for m in _ATTR.finditer(match.group("attrs"))}
        text = match.group("text").replace("&#10;", "\n").replace("&lt;", "<").replace("&gt;", ">")
        elements.append(ScreenElement(int(attrs.get("id", -1)), match.group("tag"), text.replace("&amp;", "&"), attrs))
    return elements


@dataclass(frozen=True)
class Goal:
    kind: str  # search | article | author | category | reference | about
    target: str = ""


def parse_command(command: str) -> list[Goal]:
    """The sub-goals of a command, in order, read from its sentences."""
    goals: list[Goal] = []
    for sentence in command.split(" Then, "):
        sentence = sentence.strip().rstrip(".")
        if m := re.fullmatch(r"Search an article to learn (.+)", sentence):
            goals.append(Goal("search", m.group(1)))
        elif m := re.fullmatch(r'access the article "(.+)"', sentence):
            goals.append(Goal("article", m.group(1)))
        elif m := re.fullmatch(r"check the author page of (.+)", sentence):
            goals.append(Goal("author", m.group(1)))
        elif m := re.fullmatch(r"access the page of category (.+)", sentence):
            goals.append(Goal("category", m.group(1)))
        elif sentence == "check the reference list":
            goals.append(Goal("reference"))
        elif sentence.startswith("access the about page"):
            goals.append(Goal("about"))
    return goals


class Policy(Protocol):
    def act(self, observation: str, info: dict[str, Any]) -> str: ...


class OraclePolicy:
    """Completes every bundled task: search the phrase, click the title (scrolling the results,
    or searching the exact title if it is not listed), then use the article's links."""

    def act(self, observation: str, info: dict[str, Any]) -> str:
        goals = parse_command(info["command"])
        done = int(info["total_reward"])
        goal = goals[min(done, len(goals) - 1)]
        screen = parse_screen(observation)
        can = set(info.get("available_actions", []))

        def find(predicate) -> ScreenElement | None:
            return next((e for e in screen if predicate(e)), None)

        search_box = find(lambda e: e.tag == "input")
        search_button = find(lambda e: e.tag == "img" and e.attrs.get("alt") == "Search")
        typeable = search_box or search_button
        is_article = any(
            (e.tag == "img" and e.attrs.get("alt", "").startswith("Image titled"))
            or (e.tag == "button" and e.text.startswith("Last Updated"))
            or e.text.startswith("\u2191") or e.text in ("References", "About This Article")
            for e in screen
        )

        title = next((g.target for g in goals if g.kind == "article"), "")

        def goto_article() -> str:
            """Click the target title if listed; else scroll the results or search the title."""
            hit = find(lambda e: e.clickable and e.text == title)
            if hit:
                return f"CLICK({hit.id})"
            if search_box and search_box.attrs.get("value") != title and "SCROLL(DOWN)" in can:
                return "SCROLL(DOWN)"
            return f"INPUT({typeable.id}, {title})" if typeable else "GOBACK"

        if goal.kind == "search":
            return f"INPUT({typeable.id}, {goal.target})" if typeable else "GOBACK"
        if goal.kind == "article":
            return goto_article()
        if goal.kind == "about":
            for label in (TRUST_LINK, "About wikiHow"):
                hit = find(lambda e, label=label: e.clickable and e.text == label)
                if hit:
                    return f"CLICK({hit.id})"
            updated = find(lambda e: e.tag == "button" and e.text.startswith("Last Updated"))
            if updated:
                return f"CLICK({updated.id})"
            if is_article and "SCROLL(DOWN)" in can:
                return "SCROLL(DOWN)"
            menu = find(lambda e: e.attrs.get("alt") == "Open navigation drawer")
            return f"CLICK({menu.id})" if menu else "GOBACK"
        # author, category, reference: links at the top of the target article
        heading = next(  # the article title: the div right after the upper-case breadcrumbs
            (b for a, b in zip(screen, screen[1:])
             if a.tag == "p" and a.clickable and a.text.isupper() and b.tag == "div" and not b.clickable),
            None,
        )
        label = {"author": goal.target, "category": goal.target.upper(), "reference": "References"}[goal.kind]
        hit = find(lambda e: e.clickable and e.tag == "p" and e.text == label)
        if heading is not None and heading.text == title and hit:
            return f"CLICK({hit.id})"
        if is_article and heading is None and "SCROLL(UP)" in can:
            return "SCROLL(UP)"  # scrolled down: look for the title first
        return goto_article()


class RandomPolicy:
    """Uniformly random over `info["available_actions"]` (seeded)."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)

    def act(self, observation: str, info: dict[str, Any]) -> str:
        return self.rng.choice(info["available_actions"])


@dataclass(frozen=True)
class Episode:
    task: int
    reward: float
    success: bool
    steps: int


def run_episode(env, policy: Policy, task: int) -> Episode:
    observation, info = env.reset(options={"task": task})
    steps, total = 0, 0.0
    while True:
        observation, reward, terminated, truncated, info = env.step(policy.act(observation, info))
        steps += 1
        total += reward
        if terminated or truncated:
            return Episode(task, total, terminated, steps)


def main(argv: list[str] | None = None) -> int:
    from environments.wikihow import SPLITS, WikiHowEnv, num_tasks

    parser = argparse.ArgumentParser(description="Run a reference policy over WikiHow tasks.")
    parser.add_argument("--policy", choices=("oracle", "random"), default="random")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="test")
    parser.add_argument("--runs", type=int, default=5, help="random policy: seeds 0..runs-1")
    args = parser.parse_args(argv)
    tasks = range(num_tasks()) if args.split == "all" else SPLITS[args.split]
    env = WikiHowEnv()
    episodes = []
    for run in range(args.runs if args.policy == "random" else 1):
        policy = RandomPolicy(seed=run) if args.policy == "random" else OraclePolicy()
        episodes += [run_episode(env, policy, task) for task in tasks]
    n = len(episodes)
    print(f"policy={args.policy} split={args.split} episodes={n}")
    print(f"mean reward   {sum(e.reward for e in episodes) / n:.3f}")
    print(f"success rate  {sum(e.success for e in episodes) / n:.3f}")
    print(f"mean steps    {sum(e.steps for e in episodes) / n:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
