"""WebShop's purchase reward, term by term.

    reward = (matched attributes + matched options + price_ok)
             / (n_attributes + n_options + 1) * r_type

Fuzzy matching uses `rapidfuzz.fuzz.token_set_ratio` the way WebShop's `thefuzz` call did:
text reduced to ASCII, lowercased, non-alphanumerics turned into spaces (`default_process`),
and the score rounded to a whole number before the `> 85` test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

if TYPE_CHECKING:
    from environments.webshop.catalogue import Goal, Product

MATCH_THRESHOLD = 85

# Colour words, alphabetical. As in WebShop, an option value is replaced by the first colour
# word of this list that occurs in it (a plain substring test), so "navy blue" becomes "blue".
COLOR_WORDS = (
    "almond", "amber", "aqua", "beige", "berry", "black", "blue", "blush", "bronze", "brown",
    "burgundy", "camel", "caramel", "charcoal", "cherry", "chocolate", "coffee", "copper",
    "coral", "cream", "emerald", "fuchsia", "gold", "gray", "green", "grey", "indigo", "ivory",
    "jade", "khaki", "lavender", "lilac", "magenta", "maroon", "mauve", "mint", "mustard",
    "navy", "nude", "olive", "orange", "peach", "pink", "plum", "purple", "red", "rose",
    "rust", "sage", "salmon", "silver", "tan", "taupe", "teal", "turquoise", "violet",
    "walnut", "white", "wine", "yellow",
)

_TOKEN = re.compile(r"[a-z0-9]+")


def fuzzy_score(a: str, b: str) -> int:
    """thefuzz-style token_set_ratio: ASCII only, default processing, rounded."""
    a = a.encode("ascii", "ignore").decode()
    b = b.encode("ascii", "ignore").decode()
    return int(round(fuzz.token_set_ratio(a, b, processor=default_process)))


def normalize_color(value: str) -> str:
    for color in COLOR_WORDS:
        if color in value:
            return color
    return value


def title_words(title: str) -> set[str]:
    return set(_TOKEN.findall(title.lower()))


@dataclass(frozen=True)
class RewardBreakdown:
    """Every term of one purchase's score, kept for the closing page and for tests."""

    reward: float
    r_type: float
    title_score: float
    query_match: bool
    category_match: bool
    attribute_matches: int
    n_attributes: int
    option_matches: int
    n_options: int
    price_ok: bool


def type_reward(purchased: Product, goal: Goal) -> tuple[float, float, bool, bool]:
    """(r_type, title_score, query_match, category_match).

    WebShop compares the nouns spaCy finds in the two titles. Here the goal carries the
    target product's explicit `type_words` and the overlap is measured against the
    purchased product's title words."""
    query_match = purchased.query == goal.query
    purchased_levels = {x.strip() for x in purchased.product_category.split("›")}
    goal_levels = {x.strip() for x in goal.product_category.split("›")}
    category_match = len(purchased_levels & goal_levels) >= 2
    desired = set(goal.type_words)
    if desired:
        title_score = len(desired & title_words(purchased.title)) / len(desired)
    else:
        title_score = 0.2
    r_type = 1.0
    if not (query_match or category_match or title_score > 0.2):
        r_type = 0.5
    if title_score < 0.1:
        r_type = 0.1
    if title_score == 0.0:
        r_type = 0.0
    return r_type, title_score, query_match, category_match


def attribute_matches(purchased: Product, goal_attributes: list[str]) -> int:
    title = purchased.title.lower()
    bullets = " ".join(purchased.bullets).lower()
    description = purchased.description.lower()
    matches = 0
    for wanted in goal_attributes:
        if any(fuzzy_score(have, wanted) > MATCH_THRESHOLD for have in purchased.attributes):
            matches += 1
        elif wanted in title or wanted in bullets or wanted in description:
            matches += 1
    return matches


def option_matches(chosen_values: list[str], goal_options: list[str]) -> int:
    chosen = [normalize_color(v) for v in chosen_values]
    matches = 0
    for wanted in (normalize_color(g) for g in goal_options):
        if any(fuzzy_score(have, wanted) > MATCH_THRESHOLD for have in chosen):
            matches += 1
    return matches


def purchase_reward(purchased: Product, goal: Goal, price: float,
                    chosen_options: dict[str, str]) -> RewardBreakdown:
    """Score buying `purchased` (a loaded product) at `price` with `chosen_options`
    (option group -> value) against `goal`."""
    r_type, title_score, query_match, category_match = type_reward(purchased, goal)
    n_attr = attribute_matches(purchased, goal.attributes)
    n_opt = option_matches(list(chosen_options.values()), goal.goal_options)
    price_ok = price <= goal.price_upper
    total = (n_attr + n_opt + int(price_ok)) / (len(goal.attributes) + len(goal.goal_options) + 1)
    return RewardBreakdown(
        reward=total * r_type, r_type=r_type, title_score=title_score, query_match=query_match,
        category_match=category_match, attribute_matches=n_attr,
        n_attributes=len(goal.attributes), option_matches=n_opt,
        n_options=len(goal.goal_options), price_ok=price_ok,
    )
