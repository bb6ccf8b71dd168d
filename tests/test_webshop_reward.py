"""Each term of WebShop's reward, on hand-made products and goals."""

from __future__ import annotations

import dataclasses

import pytest

from environments.webshop.catalogue import Goal, Product
from environments.webshop.reward import (
    attribute_matches, fuzzy_score, normalize_color, option_matches, purchase_reward, type_reward,
)

PATH = "Beauty & Personal Care › Personal Care › Deodorants & Antiperspirants › Deodorants"


def product(**changes) -> Product:
    base = Product(
        asin="B0TEST0001", title="Amberly Aluminum Free Deodorant for Women", category="beauty",
        query="deodorant", product_category=PATH,
        description="A gentle deodorant made with natural ingredients.",
        bullets=["LONG LASTING: Keeps working all day.", "Travel friendly tube"],
        pricing=[9.99], price_tag="$9.99",
        options={"scent": ["lavender", "bright citrus"], "size": ["2.6 ounce", "8 fl oz"]},
        attributes=["aluminum free", "sensitive skin"], type_words=("deodorant",),
    )
    return dataclasses.replace(base, **changes)


def goal(**changes) -> Goal:
    base = Goal(
        asin="B0TEST0001", instruction="i need an aluminum free deodorant", attributes=["aluminum free"],
        goal_options=["lavender"], price_upper=20.0, query="deodorant", category="beauty",
        product_category=PATH, name="Amberly Aluminum Free Deodorant for Women", type_words=("deodorant",),
    )
    return dataclasses.replace(base, **changes)


def test_fuzzy_score_processes_like_thefuzz():
    assert fuzzy_score("Aluminum-Free", "aluminum free") == 100  # case and punctuation ignored
    assert fuzzy_score("large", "x-large") == 100  # a token subset scores 100, as in WebShop
    assert fuzzy_score("3 ounce (pack of 1)", "3 ounce (pack of 2)") == 94
    assert isinstance(fuzzy_score("a b", "a c"), int)


def test_attribute_matches_via_product_attributes():
    assert attribute_matches(product(), ["aluminum free", "sensitive skin"]) == 2
    assert attribute_matches(product(), ["aluminium free"]) == 1  # fuzzy, > 85
    assert attribute_matches(product(), ["paraben free"]) == 0


def test_attribute_matches_via_title_bullets_or_description():
    bare = product(attributes=["DUMMY_ATTR"])
    assert attribute_matches(bare, ["aluminum free"]) == 1  # in the title
    assert attribute_matches(bare, ["long lasting"]) == 1  # in a bullet (lowercased)
    assert attribute_matches(bare, ["natural ingredients"]) == 1  # in the description
    assert attribute_matches(bare, ["travel size"]) == 0


def test_option_matches_use_chosen_values_and_colour_normalisation():
    assert option_matches(["lavender", "8 fl oz"], ["lavender", "8 fl oz"]) == 2
    assert option_matches(["lavender"], ["bright citrus"]) == 0
    assert normalize_color("navy blue") == "blue" and normalize_color("unscented") == "unscented"
    assert option_matches(["sky blue"], ["navy blue"]) == 1  # both become "blue"
    assert option_matches([], ["lavender"]) == 0


@pytest.mark.parametrize("changes, expected", [
    ({}, 1.0),  # same query
    ({"query": "soap"}, 1.0),  # 2 category levels shared
    ({"query": "soap", "product_category": "Beauty › Soap", "title": "Deodorant Soap Bar"}, 1.0),  # title overlap
    ({"query": "soap", "product_category": "Other › Things"}, 1.0),  # overlap 1.0 > 0.2
])
def test_type_reward_matches(changes, expected):
    assert type_reward(product(**changes), goal())[0] == expected


def test_type_reward_penalties():
    g = goal(type_words=("deodorant", "stick", "bottle", "gel", "clear", "men", "spray", "travel", "roll", "on"))
    other = dict(query="soap", product_category="Other › Things")
    # overlap 1/10 = 0.1: not a match (0.5) and not below 0.1
    r_type, score, query_match, category_match = type_reward(product(**other), g)
    assert (r_type, score, query_match, category_match) == (0.5, 0.1, False, False)
    # overlap 1/11 < 0.1 -> 0.1
    g11 = dataclasses.replace(g, type_words=g.type_words + ("bar",))
    assert type_reward(product(**other), g11)[0] == 0.1
    # no overlap -> 0, even when the query matches
    assert type_reward(product(title="Amberly Soap"), goal())[0] == 0.0


def test_price_term():
    assert purchase_reward(product(), goal(), 19.99, {"scent": "lavender"}).price_ok
    result = purchase_reward(product(), goal(), 20.01, {"scent": "lavender"})
    assert not result.price_ok and result.reward == pytest.approx(2 / 3)
    assert purchase_reward(product(), goal(), 20.0, {"scent": "lavender"}).price_ok  # <= cap


def test_whole_formula():
    g = goal(attributes=["aluminum free", "paraben free"], goal_options=["lavender", "8 fl oz"])
    result = purchase_reward(product(), g, 9.99, {"scent": "lavender", "size": "2.6 ounce"})
    assert (result.attribute_matches, result.option_matches, result.price_ok) == (1, 1, True)
    assert result.reward == pytest.approx(3 / 5)
    off_type = purchase_reward(product(query="x", product_category="a › b",
                                       title="Aluminum Free Lotion"), g, 9.99, {"scent": "lavender"})
    assert off_type.r_type == 0.0 and off_type.reward == 0.0
    perfect = purchase_reward(product(), g, 9.99, {"scent": "lavender", "size": "8 fl oz"})
    assert perfect.reward == pytest.approx(4 / 5)  # "paraben free" is still missing
    assert purchase_reward(product(attributes=["aluminum free", "paraben free"]), g, 9.99,
                           {"scent": "lavender", "size": "8 fl oz"}).reward == 1.0
