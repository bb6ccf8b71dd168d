"""`--carry-over` on WebShop: a remembered action becomes the same kind of action of the current
request and page (environments/webshop/carry.py), read off real pages of the bundled shop."""

from __future__ import annotations

import re

import pytest

from environments.registry import spec
from environments.webshop.carry import MAX_QUERY, carry_choice, carry_over
from environments.webshop.env import WebShopEnv
from environments.webshop.spec import SPEC

PRODUCT = re.compile(r"b0[0-9a-z]{8}")


@pytest.fixture(scope="module")
def env():
    return WebShopEnv()


def pages(env, goal: int, product: int = 0):
    """The search page, the results of a search for the whole request, and the `product`-th
    result's page."""
    observation, info = env.reset(options={"goal": goal})
    found = [SPEC.state(observation, info)]
    observation, _, _, _, info = env.step(f"search[{info['instruction']}]")
    found.append(SPEC.state(observation, info))
    listed = [a for a in info["available_actions"] if PRODUCT.fullmatch(a)]
    observation, _, _, _, info = env.step(f"click[{listed[product]}]")
    found.append(SPEC.state(observation, info))
    return found


def products(state):
    return [a for a in state.get("available_actions") if PRODUCT.fullmatch(a)]


def test_a_search_of_the_request_s_words_becomes_a_search_of_the_current_request(env):
    source, target = pages(env, 0)[0], pages(env, 4)[0]  # 4: "... a sunscreen that is reef safe ..."
    carried = carry_over("search[face moisturizer hyaluronic acid]", source, target)
    assert carried == "search[sunscreen that is reef safe rated spf 50]"
    assert carry_over("search[cheap gadgets]", source, target) is None  # not the request's words
    long = pages(env, 1)[0]  # a long request: the query is cut at a word, within the limit
    query = carry_over("search[face moisturizer]", source, long)[len("search["):-1]
    assert 0 < len(query) <= MAX_QUERY and long.task.lower().replace(",", "").find(query) >= 0
    assert carry_over("search[face moisturizer]", source, pages(env, 4)[2]) is None  # no search box


def test_the_k_th_result_carries_over_as_the_k_th_result_listed_now(env):
    source, target = pages(env, 0)[1], pages(env, 5)[1]
    for rank, product in enumerate(products(source)):
        assert carry_over(f"click[{product}]", source, target) == f"click[{products(target)[rank]}]"
    assert carry_over("click[b0zzzzzzzz]", source, target) is None  # not listed there


def test_a_requested_option_carries_over_as_the_option_this_request_names(env):
    source = pages(env, 0)[2]  # asks for 32 fl oz; the page offers sizes
    assert "32 fl oz" in source.get("available_actions")
    sunscreen = pages(env, 4)[2]  # asks for spf 50 among spf and size options
    assert carry_over("click[32 fl oz]", source, sunscreen) == "click[spf 50]"
    # an option the remembered request did not ask for is that product's business: not carried
    assert carry_over("click[1.7 ounce]", source, sunscreen) is None
    # an option already clicked is not offered again
    clicked = SPEC.new_state(sunscreen.task, sunscreen.observation + "\nYou have clicked spf 50.",
                             available_actions=sunscreen.get("available_actions"))
    assert carry_over("click[32 fl oz]", source, clicked) is None
    # a clicked label with a dot in it counts as clicked too
    ounces = SPEC.new_state("i want a sunscreen in 1.7 ounce",
                            "\nYou have clicked 1.7 ounce.\n[Buy Now]",
                            available_actions=("buy now", "1.7 ounce", "3.4 ounce"))
    assert carry_over("click[32 fl oz]", source, ounces) is None
    fresh = SPEC.new_state(ounces.task, "\n[Buy Now]",
                           available_actions=ounces.get("available_actions"))
    assert carry_over("click[32 fl oz]", source, fresh) == "click[1.7 ounce]"


def test_buttons_carry_over_when_the_page_has_them(env):
    item, results = pages(env, 0)[2], pages(env, 4)[1]
    assert carry_over("click[buy now]", item, pages(env, 4)[2]) == "click[buy now]"
    assert carry_over("click[buy now]", item, results) is None
    assert carry_over("click[next >]", results, pages(env, 5)[1]) == "click[next >]"
    assert carry_over("buy it", item, results) is None


def test_a_purchase_made_with_its_choices_settled_carries_as_the_open_choice(env):
    # the remembered purchase: goal 0's product page once the requested 32 fl oz was clicked
    item = pages(env, 0)[2]
    observation, _, _, _, info = env.step("click[32 fl oz]")
    bought_after = SPEC.state(observation, info)
    sunscreen = pages(env, 4)[2]  # asks for spf 50, still open on this page
    assert carry_choice("click[buy now]", bought_after, sunscreen) == "click[spf 50]"
    # once chosen there, nothing is open: the purchase carries over as itself
    observation, _, _, _, info = env.step("click[spf 50]")
    chosen = SPEC.state(observation, info)
    assert carry_choice("click[buy now]", bought_after, chosen) is None
    assert carry_over("click[buy now]", bought_after, chosen) == "click[buy now]"
    # a purchase remembered with its request's option still open, or another action: no choice
    assert carry_choice("click[buy now]", item, sunscreen) is None
    # a purchase whose request named none of the page's options had nothing left to choose
    lamp = SPEC.new_state("i want a desk lamp", "\n[Buy Now]",
                          available_actions=("buy now", "red", "blue"))
    assert carry_choice("click[buy now]", lamp, sunscreen) == "click[spf 50]"
    assert carry_choice("click[32 fl oz]", bought_after, sunscreen) is None
    assert carry_choice("click[buy now]", bought_after, pages(env, 4)[1]) is None  # results page


def test_the_spec_offers_it():
    assert spec("webshop").carry_over is carry_over
    assert spec("webshop").carry_choice is carry_choice
    assert spec("wikihow").carry_choice is None
