"""Exact page text and available actions, on the tiny WebShop-format sample data."""

from __future__ import annotations

import pytest

from environments.webshop import WebShopEnv

MEN_GOAL = "men's running shoes with a wide toe box, size 10, and price lower than 90.00 dollars"
RESULTS_HEAD = f"\nInstruction: \n{MEN_GOAL} \n[Back to Search]"


@pytest.fixture
def env(webshop_sample):
    env = WebShopEnv(data_dir=webshop_sample)
    env.reset(options={"goal": 0})
    return env


def test_search_page(env):
    observation, info = env.reset(options={"goal": 0})
    assert observation == f"\nWebShop \nInstruction: \n{MEN_GOAL} \n[Search]"
    assert info["available_actions"] == ["search"]
    assert info["instruction"] == MEN_GOAL
    assert info["goal"] == 0 and info["valid"] is True and info["page"] == "search"


def test_results_page_one(env):
    observation, reward, terminated, truncated, info = env.step("search[running shoes]")
    assert observation == (
        RESULTS_HEAD + "\nPage 1 (Total results: 14) \n[Next >]"
        "\n[B000000002]\nSunny Trail Running Shoes for Men \n$39.99 to $59.99 "
        "\n[B000000001]\nSunny Trail Running Shoes for Women \n$45.99 "
        "\n[B000000100]\nEveryday Running Socks Style 0 \n$5.99 "
    )
    assert info["available_actions"] == ["back to search", "next >", "b000000002", "b000000001", "b000000100"]
    assert (reward, terminated, truncated, info["page"]) == (0.0, False, False, "results")


def test_results_page_two_has_prev_and_shows_products_eleven_to_thirteen(env):
    env.step("search[running shoes]")
    observation, *_, info = env.step("click[next >]")
    assert observation == (
        RESULTS_HEAD + "\nPage 2 (Total results: 14) \n[< Prev]\n[Next >]"
        "\n[B000000108]\nEveryday Running Socks Style 8 \n$13.99 "
        "\n[B000000109]\nEveryday Running Socks Style 9 \n$14.99 "
        "\n[B000000110]\nEveryday Running Socks Style 10 \n$15.99 "
    )
    assert info["available_actions"] == [
        "back to search", "< prev", "next >", "b000000108", "b000000109", "b000000110"]


def test_visited_product_is_marked_on_the_results_page(env):
    env.step("search[running shoes]")
    env.step("click[b000000001]")
    observation, *_ = env.step("click[< prev]")
    assert "\n[[B000000001]]\nSunny Trail Running Shoes for Women \n$45.99 " in observation
    assert "\n[B000000002]\n" in observation
    observation, *_ = env.step("search[running shoes]")  # a new search forgets visits
    assert "[[B000000001]]" not in observation


ITEM_TAIL = ("\nSunny Trail Running Shoes for Women \nPrice: $45.99 \nRating: N.A. "
             "\n[Description]\n[Features]\n[Reviews]\n[Buy Now]")
ITEM_ACTIONS = ["back to search", "< prev", "description", "features", "reviews", "buy now",
                "black | white", "ocean blue", "7", "8"]


def test_item_page_and_selected_options(env):
    env.step("search[running shoes]")
    observation, *_, info = env.step("click[b000000001]")
    assert observation == "\n[Back to Search]\n[< Prev]\ncolor [black | white][ocean blue]\nsize [7][8]" + ITEM_TAIL
    assert info["available_actions"] == ITEM_ACTIONS and info["page"] == "item"
    env.step("click[ocean blue]")
    observation, *_, info = env.step("click[8]")
    assert observation == (
        "\nYou have clicked 8.\nYou have clicked ocean blue."
        "\n[Back to Search]\n[< Prev]\ncolor [black | white][[ocean blue]]\nsize [7][[8]]" + ITEM_TAIL
    )
    assert info["available_actions"] == ITEM_ACTIONS
    observation, *_ = env.step("click[7]")  # another value of the same group replaces it
    assert observation.startswith("\nYou have clicked 7.\nYou have clicked ocean blue.\n")


def test_item_without_options_and_price_range(env):
    env.step("search[running shoes]")
    observation, *_, info = env.step("click[b000000002]")
    assert observation.startswith("\n[Back to Search]\n[< Prev]\nsize [9][10][11]\nSunny Trail Running Shoes for Men ")
    assert "\nPrice: $39.99 to $59.99 \n" in observation
    env.step("search[winter hat]")
    observation, *_, info = env.step("click[b000000003]")
    assert observation == ("\n[Back to Search]\n[< Prev]\nCozy Knit Winter Hat \nPrice: $100.0 \nRating: N.A. "
                           "\n[Description]\n[Features]\n[Reviews]\n[Buy Now]")
    assert info["available_actions"] == ["back to search", "< prev", "description", "features", "reviews", "buy now"]


def test_sub_pages(env):
    env.step("search[running shoes]")
    env.step("click[b000000001]")
    observation, *_, info = env.step("click[description]")
    assert observation == "\n[Back to Search]\n[< Prev]\nLight trail shoes with a grippy sole. "
    assert info["available_actions"] == ["back to search", "< prev"] and info["page"] == "description"
    env.step("click[< prev]")
    observation, *_ = env.step("click[features]")
    assert observation == "\n[Back to Search]\n[< Prev]\nBreathable mesh upper \nRubber outsole for wet rocks "
    env.step("click[< prev]")
    observation, *_, info = env.step("click[reviews]")
    assert observation == "\n[Back to Search]\n[< Prev]"
    assert info["available_actions"] == ["back to search", "< prev"]


def test_closing_page(env):
    env.step("search[running shoes]")
    env.step("click[b000000002]")
    env.step("click[10]")
    observation, reward, terminated, truncated, info = env.step("click[buy now]")
    assert observation == ("\nThank you for shopping with us! \nPurchased: B000000002 \nOptions: size: 10 "
                           "\nYour score (min 0.0, max 1.0): 1.0 ")
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert info["available_actions"] == [] and info["page"] == "done"
    assert info["asin"] == "B000000002" and info["options"] == {"size": "10"}


def test_every_observation_starts_with_a_newline(env):
    observations = [env.reset(options={"goal": 1})[0]]
    for action in ["search[sunny trail]", "click[next >]", "click[< prev]", "click[b000000001]",
                   "click[black | white]", "click[features]", "click[back to search]"]:
        observations.append(env.step(action)[0])
    assert all(o.startswith("\n") for o in observations)
