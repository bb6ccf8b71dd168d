"""Regenerate the exemplar sets E0-E2 from the simulators.

Each exemplar is written here as one whole episode (actions with hand-written reasons) on a goal or
task outside the test and training splits, the step whose state becomes the exemplar, and one
action that should be avoided there. Playing the episode gives the real observation, the history
(the previous actions with their reasons) and the encouraged action's Q value: the (undiscounted,
gamma = 1) return from that step to the end of the episode. The avoided action gets Q = 0.0, the
value the paper's memories give actions that led nowhere; it is checked to be accepted by the
environment and to earn nothing itself.

    python -m agent.exemplars.make            # rewrite agent/exemplars/*_E?.jsonl
    python -m agent.exemplars.make --check    # exit 1 if the files differ from a fresh build
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from agent.exemplars import exemplar_path
from agent.profiles import EnvProfile, get_profile, history_entry
from memory_store.records import Experience, experience_to_json


@dataclass(frozen=True)
class Step:
    action: str
    reason: str


@dataclass(frozen=True)
class Spec:
    env: str
    set_name: str
    index: int  # WebShop goal / WikiHow task
    path: tuple[Step, ...]  # the whole episode
    at: int  # the step whose state is the exemplar
    avoid: Step  # the discouraged action in that state


def _ws(set_name: str, goal: int, at: int, avoid: Step, *path: Step) -> Spec:
    return Spec("webshop", set_name, goal, tuple(path), at, avoid)


def _wh(set_name: str, task: int, at: int, avoid: Step, *path: Step) -> Spec:
    return Spec("wikihow", set_name, task, tuple(path), at, avoid)


BUY = "click[buy now]"

SPECS: tuple[Spec, ...] = (
    # ---------------------------------------------------------------- WebShop, goals >= 600
    _ws("E0", 600, 0,
        Step("search[shoes]", "Far too broad: every kind of shoe comes back and the cushioned "
                              "men's runners get buried."),
        Step("search[beige running shoes for men size 13 cushioned sole]",
             "The request wants men's running shoes with a cushioned sole in beige, size 13; a "
             "query with all of those words brings matching shoes to the top."),
        Step("click[b02zi7d87s]", "Wrenfield Premium Cushioned Sole Men's Running Shoes match the "
                                  "request and cost $35.99, well under 90 dollars."),
        Step("click[beige]", "The customer asked for beige."),
        Step("click[13]", "The customer asked for size 13."),
        Step(BUY, "Colour and size are set as requested and the price fits, so buy.")),
    _ws("E0", 604, 3,
        Step("click[nude beige]", "That would swap the requested emerald for another colour."),
        Step("search[emerald vegan nail polish]", "The request is a vegan nail polish in emerald; "
                                                   "search for exactly that."),
        Step("click[b01tyxt8im]", "Petalcraft Pure Vegan Gel Nail Polish is vegan, comes in "
                                  "emerald and costs $9.79, under the 50 dollar limit."),
        Step("click[emerald]", "The customer wants the emerald shade."),
        Step(BUY, "Emerald is selected and the polish is vegan and within budget; buy it.")),
    _ws("E1", 605, 1,
        Step("click[b040xnkxvu]", "At $226.99 it is far over the 150 dollar limit, and it has no "
                                  "black option."),
        Step("search[over ear headphones low latency hands free black]",
             "The request is black over-ear headphones with low latency for hands-free use; "
             "those words make a focused query."),
        Step("click[b08v463500]", "Lumora Low Latency Over Ear Headphones cost $139.99, under the "
                                  "150 dollar limit, and the title fits the request."),
        Step("click[black]", "The customer asked for black."),
        Step(BUY, "Black is chosen and the price fits; buy.")),
    _ws("E1", 606, 2,
        Step("click[back to search]", "This hoodie fits the request and the budget; starting over "
                                      "throws that away."),
        Step("search[fleece lined cotton blend pullover hoodie]",
             "The request is a fleece lined pullover hoodie in a cotton blend; search for those "
             "words and pick the size on the item page."),
        Step("click[b07r6b0ukl]", "Fernhill Classic Fleece Lined Pullover Hoodie is fleece lined, "
                                  "costs $31.99 (the limit is 70) and is listed in 3x-large."),
        Step("click[3x-large]", "The customer needs size 3x-large; choose it before buying."),
        Step(BUY, "The size is chosen and the price fits; buy.")),
    _ws("E2", 601, 0,
        Step("search[keyboard]", "Too general: the results mix every kind of keyboard and accessory."),
        Step("search[compact mechanical keyboard silent click]",
             "The request is a compact mechanical keyboard with silent click under 150 dollars; "
             "search for its features."),
        Step("click[b021lona05]", "Nimbus Tech Silent Click Mechanical Keyboard has silent click "
                                  "and costs $38.99."),
        Step("click[compact 60 percent]", "The compact 60 percent layout is the compact size asked for."),
        Step(BUY, "Compact layout chosen, price far under the limit; buy.")),
    _ws("E2", 609, 2,
        Step("click[smoky night]", "Smoky night is not the berry shades the customer asked for."),
        Step("search[paraben free eyeshadow palette berry]",
             "The request is a paraben free eyeshadow palette with berry shades under 40 dollars."),
        Step("click[b07habh3h2]", "Nordic Dew Paraben Free Eyeshadow Palette costs $9.49 and "
                                  "offers a berry style."),
        Step("click[berry]", "The customer wants the berry shades; select them before buying."),
        Step(BUY, "Berry is selected and the palette is paraben free and cheap; buy.")),
    # ---------------------------------------------------------------- WikiHow, tasks >= 90
    _wh("E0", 95, 0,
        Step("CLICK(0)", "This opens the navigation drawer, which cannot search."),
        Step("INPUT(2, how to learn sign language basics)",
             "The first step is a search; typing the topic into the search button runs it."),
        Step("CLICK(3)", "This result is exactly the requested title, How to Learn Sign Language Basics."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK(15)", "Learn why people trust wikiHow is the about page the command asks for.")),
    _wh("E0", 133, 2,
        Step("CLICK(9)", "References opens the reference list, not the author page."),
        Step("INPUT(2, how to caramelize onions)", "Search for the topic of the command first."),
        Step("CLICK(37)", "This result is exactly the requested title, How to Caramelize Onions "
                          "the Easy Way."),
        Step("CLICK(7)", "Elena Zeller is the co-author the instruction names; her name opens the "
                         "author page.")),
    _wh("E1", 93, 1,
        Step("CLICK(3)", "How to Ask for a Raise is a different article from the one the "
                         "instruction names."),
        Step("INPUT(2, how to ask for a raise)", "Search for the topic of the command first."),
        Step("CLICK(43)", "How to Ask for a Raise in a Few Simple Steps is the exact title the "
                          "instruction names; the similar titles are other articles."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK(15)", "Learn why people trust wikiHow is the about page the command asks for.")),
    _wh("E1", 105, 2,
        Step("CLICK(7)", "That opens the author's page, which this step does not ask for."),
        Step("INPUT(2, how to fix a running toilet)", "Search for the topic of the command first."),
        Step("CLICK(31)", "This result is exactly the requested title, How to Fix a Running "
                          "Toilet Safely."),
        Step("CLICK(9)", "The instruction asks for the reference list; the References link at "
                         "the top of the article opens it.")),
    _wh("E2", 91, 0,
        Step("CLICK(3)", "Tapping the page body does not start a search."),
        Step("INPUT(2, how to fix a sticky mouse wheel)",
             "The first step is a search; typing the topic into the search button runs it."),
        Step("CLICK(3)", "This result is exactly the requested title, How to Fix a Sticky Mouse Wheel."),
        Step("CLICK(4)", "HARDWARE in the breadcrumbs is the category the command names; it opens "
                         "that category page.")),
    _wh("E2", 100, 3,
        Step("GOBACK", "Going back leaves the article before its about link is opened."),
        Step("INPUT(2, how to change engine oil)", "Search for the topic of the command first."),
        Step("CLICK(37)", "This result is exactly the requested title, How to Change Engine Oil "
                          "Without Stress."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK(15)", "Learn why people trust wikiHow is the about page the command asks for.")),
)


class ExemplarError(RuntimeError):
    """A spec no longer plays as written (the simulator or its data changed)."""


def _play(profile: EnvProfile, env, spec: Spec, steps: int):
    """Reset to the spec's task and play its first `steps` actions; (obs, info, history, rewards)."""
    observation, info = env.reset(options=profile.reset_options(spec.index))
    history: list[str] = []
    rewards: list[float] = []
    for number, step in enumerate(spec.path[:steps]):
        observation, reward, terminated, truncated, info = env.step(step.action)
        if not info.get("valid", True):
            raise ExemplarError(f"{spec.env} {spec.index}: step {number} {step.action} was not accepted")
        rewards.append(float(reward))
        history.append(history_entry(step.action, step.reason))
        if (terminated or truncated) and number < len(spec.path) - 1:
            raise ExemplarError(f"{spec.env} {spec.index}: the episode ended early at step {number}")
    return observation, info, history, rewards


def build(spec: Spec, env) -> list[Experience]:
    """The two experiences (encouraged, discouraged) of one exemplar."""
    profile = get_profile(spec.env)
    observation, info, history, _ = _play(profile, env, spec, spec.at)
    state = profile.make_state(observation, info, history)
    _, _, _, rewards = _play(profile, env, spec, len(spec.path))
    good = spec.path[spec.at]
    # the avoided action must be accepted and earn nothing by itself
    _play(profile, env, spec, spec.at)
    _, reward, _, _, after = env.step(spec.avoid.action)
    if not after.get("valid", True) or reward != 0:
        raise ExemplarError(f"{spec.env} {spec.index}: {spec.avoid.action} is not a zero-reward valid action")
    q = round(sum(rewards[spec.at:]), 4)
    return [
        Experience(state=state, action=good.action, q=q, visits=1, reward=rewards[spec.at],
                   reason=good.reason, provenance=spec.set_name),
        Experience(state=state, action=spec.avoid.action, q=0.0, visits=1, reward=0.0,
                   reason=spec.avoid.reason, provenance=spec.set_name),
    ]


def render_files() -> dict[Path, str]:
    """File path -> JSONL text for every exemplar set."""
    envs: dict[str, object] = {}
    files: dict[Path, list[str]] = {}
    for spec in SPECS:
        env = envs.setdefault(spec.env, get_profile(spec.env).make_env())
        path = exemplar_path(spec.env, spec.set_name)
        for exp in build(spec, env):
            files.setdefault(path, []).append(json.dumps(experience_to_json(exp), ensure_ascii=False))
    return {path: "\n".join(lines) + "\n" for path, lines in files.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the E0-E2 exemplar sets.")
    parser.add_argument("--check", action="store_true", help="only compare with the files")
    args = parser.parse_args(argv)
    try:
        files = render_files()
    except ExemplarError as exc:
        print(f"make exemplars: error: {exc}", file=sys.stderr)
        return 2
    stale = [path for path, text in files.items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"out of date: {path}")
        return 1 if stale else 0
    for path in stale:
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
