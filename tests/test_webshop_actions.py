"""The action rules: parsing, no-ops, navigation, search anywhere, buying, truncation, errors."""

from __future__ import annotations

import gymnasium
import numpy as np
import pytest

import environments  # noqa: F401  (registers the environments)
from environments.errors import EnvironmentDataError
from environments.webshop import SPLITS, WebShopEnv, num_goals
from environments.webshop.env import parse_action


@pytest.fixture
def env(webshop_sample):
    env = WebShopEnv(data_dir=webshop_sample)
    env.reset(options={"goal": 1})
    return env


@pytest.mark.parametrize("text, parsed", [
    ("search[Red Shoes]", ("search", "red shoes")),
    ("  click[ Buy Now ] ", ("click", "buy now")),
    ("CLICK[b000000001]", ("click", "b000000001")),
    ("search[a [b] c]", ("search", "a [b] c")),
    ("click buy now", None),
    ("think[about it]", None),
    ("search[unclosed", None),
    ("", None),
])
def test_parse_action(text, parsed):
    assert parse_action(text) == parsed


@pytest.mark.parametrize("action", ["click[buy now]", "click[next >]", "hello", "search[]", "click[]"])
def test_invalid_actions_change_nothing(env, action):
    before, info_before = env.observation, env._info(valid=True)
    observation, reward, terminated, truncated, info = env.step(action)
    assert observation == before
    assert (reward, terminated, truncated, info["valid"]) == (0.0, False, False, False)
    assert info["available_actions"] == info_before["available_actions"] == ["search"]


def test_click_on_product_not_shown_is_a_no_op(env):
    env.step("search[running shoes]")
    observation, _, _, _, info = env.step("click[b000000105]")  # ranked 8th: not among the three shown
    assert info["valid"] is False and info["page"] == "results" and "Page 1 (" in observation


def test_search_is_accepted_on_any_page(env):
    env.step("search[running shoes]")
    env.step("click[b000000001]")
    env.step("click[features]")
    observation, _, _, _, info = env.step("search[Winter Hat]")
    assert info["valid"] and info["page"] == "results"
    assert "\nPage 1 (Total results: 1) \n[Next >]\n[B000000003]\n" in observation


def test_prev_chain_keeps_options_on_sub_page_and_clears_them_on_results(env):
    env.step("search[running shoes]")
    env.step("click[next >]")
    env.step("click[< prev]")
    env.step("click[b000000001]")
    env.step("click[ocean blue]")
    env.step("click[description]")
    observation, *_, info = env.step("click[< prev]")  # sub-page -> item, options kept
    assert info["page"] == "item" and "[[ocean blue]]" in observation
    observation, *_, info = env.step("click[< prev]")  # item -> results page 1
    assert info["page"] == "results" and "Page 1 (" in observation
    observation, *_ = env.step("click[b000000001]")  # options were cleared
    assert "[[" not in observation and "You have clicked" not in observation


def test_prev_from_item_returns_to_the_page_it_came_from(env):
    env.step("search[running shoes]")
    env.step("click[next >]")
    env.step("click[b000000109]")
    observation, *_, info = env.step("click[< prev]")
    assert "Page 2 (Total results: 14)" in observation and "[[B000000109]]" in observation


def test_back_to_search_resets_search_and_options(env):
    env.step("search[running shoes]")
    env.step("click[b000000001]")
    env.step("click[ocean blue]")
    observation, *_, info = env.step("click[back to search]")
    assert info["page"] == "search" and info["available_actions"] == ["search"]
    assert observation == env.reset(options={"goal": 1})[0]


def test_buying_ends_the_episode_and_later_steps_are_refused(env):
    env.step("search[running shoes]")
    env.step("click[b000000001]")
    _, reward, terminated, _, info = env.step("click[buy now]")
    assert terminated and 0.0 < reward < 1.0  # right product, no options chosen
    # the same convention as WikiHow (environments/conventions.py): no step after the end
    with pytest.raises(EnvironmentDataError, match="episode is over; call reset"):
        env.step("search[anything]")


def test_stepping_before_reset_is_refused(webshop_sample):
    with pytest.raises(EnvironmentDataError, match="call reset"):
        WebShopEnv(data_dir=webshop_sample).step("search[x]")


def test_reward_only_at_purchase(env):
    rewards = [env.step(a)[1] for a in ["search[running shoes]", "click[b000000001]",
                                         "click[ocean blue]", "click[8]"]]
    assert rewards == [0.0, 0.0, 0.0, 0.0]
    assert env.step("click[buy now]")[1] == 1.0


@pytest.mark.parametrize("max_steps", [1, 3, 15])
def test_truncation_after_max_steps(webshop_sample, max_steps):
    env = WebShopEnv(data_dir=webshop_sample, max_steps=max_steps)
    env.reset(options={"goal": 0})
    flags = [env.step("click[nothing]")[2:4] for _ in range(max_steps)]
    assert flags[:-1] == [(False, False)] * (max_steps - 1)
    assert flags[-1] == (False, True)


def test_unknown_goal_is_a_one_line_error(webshop_sample):
    env = WebShopEnv(data_dir=webshop_sample)
    for bad in (3, -1, "1", 1.0, True):
        with pytest.raises(EnvironmentDataError, match=r"^unknown WebShop goal .*: valid goals are 0\.\.2$"):
            env.reset(options={"goal": bad})
    assert env.reset(options={"goal": np.int64(2)})[1]["goal"] == 2


def test_bad_constructor_arguments(webshop_sample):
    with pytest.raises(EnvironmentDataError, match="max_steps"):
        WebShopEnv(data_dir=webshop_sample, max_steps=0)
    with pytest.raises(EnvironmentDataError, match="render_mode"):
        WebShopEnv(data_dir=webshop_sample, render_mode="rgb_array")


def test_reset_without_goal_is_seeded(webshop_sample):
    env = WebShopEnv(data_dir=webshop_sample)
    first = [env.reset(seed=s)[1]["goal"] for s in range(6)]
    assert first == [env.reset(seed=s)[1]["goal"] for s in range(6)]
    assert set(first) <= {0, 1, 2}


def test_ansi_render_returns_the_observation(webshop_sample):
    env = WebShopEnv(data_dir=webshop_sample, render_mode="ansi")
    observation, _ = env.reset(options={"goal": 0})
    assert env.render() == observation


def test_gymnasium_registration_and_splits():
    env = gymnasium.make("rememberer/WebShop-v0")
    observation, info = env.reset(options={"goal": 3})
    assert observation.startswith("\nWebShop \nInstruction: \n") and info["goal"] == 3
    assert SPLITS == {"test": range(0, 100), "S0": range(500, 510), "S1": range(510, 520)}
    assert max(max(r) for r in SPLITS.values()) < num_goals()
    env.close()
