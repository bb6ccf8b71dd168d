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
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from agent.exemplars import exemplar_path
from agent.profiles import EnvProfile, get_profile, history_entry
from environments.wikihow.oracle import parse_screen
from memory_store.records import Experience, experience_to_json


@dataclass(frozen=True)
class Step:
    action: str  # may name WikiHow elements as {label}; see `resolve`
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
_LABEL = re.compile(r"\{([^{}]+)\}")

SPECS: tuple[Spec, ...] = (
    # ---------------------------------------------------------------- WebShop, goals >= 600
    _ws("E0", 600, 0,
        Step("search[mascara]", "Far too broad: every mascara comes back and the long lasting "
                                "ones for sensitive skin get buried."),
        Step("search[lavender long lasting mascara for sensitive skin]",
             "The request wants a long lasting mascara for sensitive skin in lavender; a query "
             "with all of those words brings matching tubes to the top."),
        Step("click[b076on97lk]", "Silkbloom Long Lasting Mascara, Sensitive Skin matches the "
                                  "request and costs $20.5, under the 50 dollar limit."),
        Step("click[lavender]", "The customer asked for lavender."),
        Step(BUY, "Lavender is selected and the price fits, so buy.")),
    _ws("E0", 611, 3,
        Step("click[habanero]", "That would swap the requested green chile for another flavor."),
        Step("search[sugar free green chile hot sauce]",
             "The request is a sugar free hot sauce with green chile flavor; search for exactly that."),
        Step("click[b036am948m]", "Tall Grass Premium Sugar Free Hot Sauce is sugar free, offers "
                                  "green chile and costs $7.99, far under the 50 dollar limit."),
        Step("click[green chile]", "The customer wants the green chile flavor."),
        Step(BUY, "Green chile is selected and the sauce is sugar free and within budget; buy it.")),
    _ws("E1", 603, 1,
        Step("click[b02m4l2o8k]", "At $267.99 it is far over the 110 dollar limit."),
        Step("search[wifi security camera motion detection 2 pack]",
             "The request is a wifi security camera with motion detection in a 2 pack; those "
             "words make a focused query."),
        Step("click[b04xgsvhbl]", "Peakline Ultra Motion Detection WiFi Security Camera costs "
                                  "$37.5, under the 110 dollar limit, and the title fits the request."),
        Step("click[2 pack]", "The customer asked for a 2 pack."),
        Step(BUY, "The 2 pack is chosen and the price fits; buy.")),
    _ws("E1", 609, 2,
        Step("click[back to search]", "This jerky fits the request and the budget; starting over "
                                      "throws that away."),
        Step("search[gluten free keto beef jerky black pepper]",
             "The request is a gluten free, keto friendly beef jerky with black pepper flavor; "
             "search for those words and pick the flavor on the item page."),
        Step("click[b00j0qtazh]", "Stonehouse Keto Friendly Beef Jerky, Gluten Free has both "
                                  "features, costs $8.99 (the limit is 70) and comes in black pepper."),
        Step("click[black pepper]", "The customer wants black pepper; choose it before buying."),
        Step(BUY, "The flavor is chosen and the price fits; buy.")),
    _ws("E2", 615, 0,
        Step("search[earbuds]", "Too general: the results mix every kind of earbud, wired ones included."),
        Step("search[true wireless earbuds black fast charging]",
             "The request is black true wireless earbuds with fast charging under 110 dollars; "
             "search for its features."),
        Step("click[b05cp85vn4]", "Vantage Labs Elite Fast Charging True Wireless Earbuds cost "
                                  "$28.99 and come in black."),
        Step("click[black]", "The customer asked for black."),
        Step(BUY, "Black is chosen and the price is far under the limit; buy.")),
    _ws("E2", 605, 1,
        Step("click[back to search]", "The first listing already fits the request; a new search "
                                      "only costs steps."),
        Step("search[wall mount router ax3000]",
             "The request is a wall mount router rated ax3000 under 210 dollars."),
        Step("click[b03yqc0lml]", "Arcwave Pro Wall Mount Mesh WiFi Router costs $61.99, well "
                                  "under the limit, and is offered as ax3000."),
        Step("click[ax3000]", "The customer wants the ax3000 rating; select it before buying."),
        Step(BUY, "Ax3000 is selected and the router has a wall mount; buy.")),
    # ---------------------------------------------------------------- WikiHow, tasks >= 90
    # {label}: the clickable element with that text (or alt text) on the screen, found when the
    # step is played, so that no exemplar depends on where a search lists a title. Plain ids are
    # fixed parts of a layout (the home screen's web view, an article's "Last Updated" button).
    _wh("E0", 95, 0,
        Step("CLICK({Open navigation drawer})", "This opens the navigation drawer, which cannot search."),
        Step("INPUT({Search}, how to learn sign language basics)",
             "The first step is a search; typing the topic into the search button runs it."),
        Step("CLICK({How to Learn Sign Language Basics in Under an Hour})",
             "This result is exactly the requested title, How to Learn Sign Language Basics in "
             "Under an Hour."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK({Learn why people trust wikiHow})",
             "Learn why people trust wikiHow is the about page the command asks for.")),
    _wh("E0", 133, 2,
        Step("CLICK({References})", "References opens the reference list, not the author page."),
        Step("INPUT({Search}, how to caramelize onions)", "Search for the topic of the command first."),
        Step("CLICK({How to Caramelize Onions the Easy Way})",
             "This result is exactly the requested title, How to Caramelize Onions the Easy Way."),
        Step("CLICK({Elena Zeller})", "Elena Zeller is the co-author the instruction names; her "
                                      "name opens the author page.")),
    _wh("E1", 93, 1,
        Step("CLICK({How to Ask for a Raise})", "How to Ask for a Raise is a different article "
                                                "from the one the instruction names."),
        Step("INPUT({Search}, how to ask for a raise)", "Search for the topic of the command first."),
        Step("CLICK({How to Ask for a Raise the Easy Way})",
             "How to Ask for a Raise the Easy Way is the exact title the instruction names; the "
             "similar titles are other articles."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK({Learn why people trust wikiHow})",
             "Learn why people trust wikiHow is the about page the command asks for.")),
    _wh("E1", 105, 2,
        Step("CLICK({Wren Whitlock})", "That opens the author's page, which this step does not ask for."),
        Step("INPUT({Search}, how to fix a running toilet)", "Search for the topic of the command first."),
        Step("CLICK({How to Fix a Running Toilet Safely})",
             "This result is exactly the requested title, How to Fix a Running Toilet Safely."),
        Step("CLICK({References})", "The instruction asks for the reference list; the References "
                                    "link at the top of the article opens it.")),
    _wh("E2", 91, 0,
        Step("CLICK(3)", "Tapping the page body does not start a search."),
        Step("INPUT({Search}, how to fix a sticky mouse wheel)",
             "The first step is a search; typing the topic into the search button runs it."),
        Step("CLICK({How to Fix a Sticky Mouse Wheel Safely})",
             "This result is exactly the requested title, How to Fix a Sticky Mouse Wheel Safely."),
        Step("CLICK({COMPUTERS AND ELECTRONICS})",
             "COMPUTERS AND ELECTRONICS in the breadcrumbs is the category the command names; it "
             "opens that category page.")),
    _wh("E2", 100, 3,
        Step("GOBACK", "Going back leaves the article before its about link is opened."),
        Step("INPUT({Search}, how to change engine oil)", "Search for the topic of the command first."),
        Step("CLICK({How to Change Engine Oil in Under an Hour})",
             "This result is exactly the requested title, How to Change Engine Oil in Under an Hour."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK({Learn why people trust wikiHow})",
             "Learn why people trust wikiHow is the about page the command asks for.")),
)


class ExemplarError(RuntimeError):
    """A spec no longer plays as written (the simulator or its data changed)."""


def resolve(action: str, observation: str) -> str:
    """The action with every {label} replaced by the id of the one clickable element on the
    screen whose text or alt text is that label."""
    def element_id(match: re.Match) -> str:
        label = match.group(1)
        ids = [e.id for e in parse_screen(observation)
               if e.clickable and label in (e.text, e.attrs.get("alt"))]
        if len(ids) != 1:
            raise ExemplarError(f"{action}: {len(ids)} clickable elements {label!r} on the screen")
        return str(ids[0])

    return _LABEL.sub(element_id, action)


def _play(profile: EnvProfile, env, spec: Spec, steps: int):
    """Reset to the spec's task and play its first `steps` actions;
    (obs, info, history, rewards, the actions as played)."""
    observation, info = env.reset(options=profile.reset_options(spec.index))
    history: list[str] = []
    rewards: list[float] = []
    played: list[str] = []
    for number, step in enumerate(spec.path[:steps]):
        action = resolve(step.action, observation)
        observation, reward, terminated, truncated, info = env.step(action)
        if not info.get("valid", True):
            raise ExemplarError(f"{spec.env} {spec.index}: step {number} {action} was not accepted")
        rewards.append(float(reward))
        played.append(action)
        history.append(history_entry(action, step.reason))
        if (terminated or truncated) and number < len(spec.path) - 1:
            raise ExemplarError(f"{spec.env} {spec.index}: the episode ended early at step {number}")
    return observation, info, history, rewards, played


def build(spec: Spec, env) -> list[Experience]:
    """The two experiences (encouraged, discouraged) of one exemplar."""
    profile = get_profile(spec.env)
    observation, info, history, _, _ = _play(profile, env, spec, spec.at)
    state = profile.make_state(observation, info, history)
    _, _, _, rewards, played = _play(profile, env, spec, len(spec.path))
    good = spec.path[spec.at]
    # the avoided action must be accepted and earn nothing by itself
    _play(profile, env, spec, spec.at)
    avoid = resolve(spec.avoid.action, observation)
    _, reward, _, _, after = env.step(avoid)
    if not after.get("valid", True) or reward != 0:
        raise ExemplarError(f"{spec.env} {spec.index}: {avoid} is not a zero-reward valid action")
    q = round(sum(rewards[spec.at:]), 4)
    return [
        Experience(state=state, action=played[spec.at], q=q, visits=1, reward=rewards[spec.at],
                   reason=good.reason, provenance=spec.set_name),
        Experience(state=state, action=avoid, q=0.0, visits=1, reward=0.0,
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
