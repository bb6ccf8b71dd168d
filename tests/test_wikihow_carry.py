"""`--carry-over` on WikiHow: a remembered action becomes the action doing the same on another
task's screen (environments/wikihow/carry.py), read off real screens of the bundled app."""

from __future__ import annotations

import re

import pytest

from environments.wikihow.carry import carry_over
from environments.wikihow.env import WikiHowEnv
from environments.wikihow.oracle import parse_screen
from environments.wikihow.spec import SPEC


@pytest.fixture(scope="module")
def env():
    return WikiHowEnv()


def search_action(env, task: int) -> str:
    _, info = env.reset(options={"task": task})
    return next(a for a in info["available_actions"] if a.startswith("INPUT("))


def states(env, task: int, *actions: str):
    """The states of `task` before the first action and after each one."""
    observation, info = env.reset(options={"task": task})
    found = [SPEC.state(observation, info)]
    for action in actions:
        observation, _, _, _, info = env.step(action)
        found.append(SPEC.state(observation, info))
    return found


def click_on(state, label: str) -> str:
    ids = [e.id for e in parse_screen(state.observation) if e.clickable and e.text == label]
    assert ids, f"no {label!r} on the screen"
    return f"CLICK({ids[0]})"


def requested_article(state) -> str:
    return re.search(r'access the article "(.+?)"', state.task).group(1)


def after_search(env, task: int):
    return states(env, task, search_action(env, task))[-1]


def on_article(env, task: int):
    results = after_search(env, task)
    return states(env, task, search_action(env, task), click_on(results, requested_article(results)))[-1]


def label_of(state, action: str) -> str:
    ident = int(re.fullmatch(r"CLICK\((\d+)\)", action).group(1))
    return next(e.text for e in parse_screen(state.observation) if e.id == ident)


def test_the_search_carries_over_with_the_current_topic(env):
    home_70, home_0 = states(env, 70)[0], states(env, 0)[0]
    assert carry_over(search_action(env, 70), home_70, home_0) == search_action(env, 0)
    # a query that only contains the topic keeps its other words
    assert carry_over("INPUT(2, easy how to read a topographic map)", home_70, home_0) == \
        "INPUT(2, easy how to warm up before exercise)"
    # any other text belongs to the remembered task: not carried
    assert carry_over("INPUT(2, knitting)", home_70, home_0) is None


def test_the_requested_article_carries_over_to_where_it_is_listed_now(env):
    """The article sits at another id on each results page; the carried click finds it."""
    source = after_search(env, 70)
    remembered = click_on(source, requested_article(source))
    moved = 0
    for task in range(0, 12):
        target = after_search(env, task)
        carried = carry_over(remembered, source, target)
        assert carried == click_on(target, requested_article(target))
        moved += carried != remembered
    assert moved > 0  # the ids differ, so copying the remembered id would be wrong there


def test_a_click_on_a_result_s_views_or_bullet_counts_as_a_click_on_its_title(env):
    """Every part of a result's row opens it; the model often clicks the views count."""
    source, target = after_search(env, 70), after_search(env, 0)
    screen = parse_screen(source.observation)
    title = next(e for e in screen if e.text == requested_article(source))
    row = [e for e in screen if title.id < e.id <= title.id + 5]
    assert any(e.text.endswith(" views") for e in row) and any(e.text == "\u2022" for e in row)
    for part in row:
        assert carry_over(f"CLICK({part.id})", source, target) == \
            click_on(target, requested_article(target))
    # a part of another result's row is another result: not carried
    other = next(e for e in screen if e.id > title.id + 6 and e.text.endswith(" views"))
    assert carry_over(f"CLICK({other.id})", source, target) is None


def test_another_result_is_not_carried(env):
    source = after_search(env, 70)
    other = next(e.text for e in parse_screen(source.observation)
                 if e.clickable and e.text.startswith("How to") and e.text != requested_article(source))
    assert carry_over(click_on(source, other), source, after_search(env, 0)) is None


def test_fixed_labels_and_dated_buttons_carry_over_by_label(env):
    source, target = on_article(env, 70), on_article(env, 0)
    assert carry_over(click_on(source, "References"), source, target) == click_on(target, "References")
    updated = next(e for e in parse_screen(source.observation) if e.text.startswith("Last Updated:"))
    carried = carry_over(f"CLICK({updated.id})", source, target)
    assert label_of(target, carried).startswith("Last Updated:")


def test_an_author_carries_over_only_as_the_author_the_command_names(env):
    named = [t for t in range(0, 70) if "author page of" in states(env, t)[0].task]
    unnamed = [t for t in range(0, 70) if "author page of" not in states(env, t)[0].task]
    source, target, neither = (on_article(env, named[0]), on_article(env, named[1]),
                               on_article(env, unnamed[0]))
    author = re.search(r"author page of (.+?)\.", source.task).group(1)
    wanted = re.search(r"author page of (.+?)\.", target.task).group(1)
    assert label_of(target, carry_over(click_on(source, author), source, target)) == wanted
    assert carry_over(click_on(source, author), source, neither) is None  # names no author


def test_moves_without_an_element_carry_over_as_they_are_and_nonsense_does_not(env):
    source, target = after_search(env, 70), after_search(env, 0)
    assert carry_over("GOBACK", source, target) == "GOBACK"
    assert carry_over("SCROLL(DOWN)", source, target) == "SCROLL(DOWN)"
    assert carry_over("CLICK(999)", source, target) is None
    assert carry_over("buy it", source, target) is None


def test_the_spec_offers_it():
    from environments.registry import spec

    assert spec("wikihow").carry_over is carry_over
