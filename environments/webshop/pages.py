"""The shop's pages as text, in the "text_rich" style the paper's agent read, and the actions
each page offers.

Every observation starts with a newline. A plain text line is ``\\n<text> `` (note the
trailing space), a button ``\\n[<label>]``, an option value ``[v]`` (``[[v]]`` once chosen,
which also puts ``\\nYou have clicked <v>.`` at the very front), and a product link
``\\n[ASIN]`` (``\\n[[ASIN]]`` when already opened during this search).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from environments.webshop.catalogue import Product
from environments.webshop.reward import RewardBreakdown

RESULTS_PER_PAGE = 10
SHOWN_PER_PAGE = 3  # the text observation lists only the first three products of a page

SEARCH, RESULTS, ITEM, DONE = "search", "results", "item", "done"
SUB_PAGES = ("description", "features", "reviews")
ITEM_BUTTONS = ("Description", "Features", "Reviews", "Buy Now")


@dataclass
class PageState:
    """Where the shopper is. `results` is the whole ranked list of the current search."""

    kind: str = SEARCH
    query: str = ""
    page: int = 1
    results: list[str] = field(default_factory=list)
    asin: str = ""
    options: dict[str, str] = field(default_factory=dict)  # group -> chosen value
    visited: set[str] = field(default_factory=set)  # products opened during this search

    def shown(self) -> list[str]:
        start = (self.page - 1) * RESULTS_PER_PAGE
        return self.results[start:start + SHOWN_PER_PAGE]


def _text(value: str) -> str:
    return f"\n{value} "


def _button(label: str) -> str:
    return f"\n[{label}]"


def search_page(instruction: str) -> str:
    return _text("WebShop") + _text("Instruction:") + _text(instruction) + _button("Search")


def results_page(state: PageState, instruction: str, products: dict[str, Product]) -> str:
    parts = [_text("Instruction:"), _text(instruction), _button("Back to Search"),
             _text(f"Page {state.page} (Total results: {len(state.results)})")]
    if state.page > 1:
        parts.append(_button("< Prev"))
    parts.append(_button("Next >"))
    for asin in state.shown():
        product = products[asin]
        parts.append(f"\n[[{asin}]]" if asin in state.visited else f"\n[{asin}]")
        parts.append(_text(product.title))
        parts.append(_text(product.price_tag))
    return "".join(parts)


def item_page(state: PageState, product: Product) -> str:
    parts = [_button("Back to Search"), _button("< Prev")]
    clicked = []
    for group, values in product.options.items():
        line = [_text(group)]
        for value in values:
            if state.options.get(group) == value:
                line.append(f"[[{value}]]")
                clicked.append(value)
            else:
                line.append(f"[{value}]")
        parts.append("".join(line))
    parts += [_text(product.title), _text(f"Price: {product.price_tag}"),
              _text(f"Rating: {product.rating}")]
    parts += [_button(label) for label in ITEM_BUTTONS]
    observation = "".join(parts)
    for value in clicked:
        observation = f"\nYou have clicked {value}." + observation
    return observation


def sub_page(kind: str, product: Product) -> str:
    observation = _button("Back to Search") + _button("< Prev")
    if kind == "description" and product.description.strip():
        observation += _text(product.description.strip())
    elif kind == "features":
        observation += "".join(_text(b.strip()) for b in product.bullets if b.strip())
    return observation  # reviews: WebShop's text pages showed none


def done_page(product: Product, options: dict[str, str], score: RewardBreakdown) -> str:
    chosen = "; ".join(f"{group}: {value}" for group, value in options.items()) or "none"
    return (_text("Thank you for shopping with us!") + _text(f"Purchased: {product.asin}")
            + _text(f"Options: {chosen}")
            + _text(f"Your score (min 0.0, max 1.0): {round(score.reward, 4)}"))


def render(state: PageState, instruction: str, products: dict[str, Product]) -> str:
    if state.kind == SEARCH:
        return search_page(instruction)
    if state.kind == RESULTS:
        return results_page(state, instruction, products)
    if state.kind == ITEM:
        return item_page(state, products[state.asin])
    if state.kind in SUB_PAGES:
        return sub_page(state.kind, products[state.asin])
    raise ValueError(f"no renderer for page {state.kind!r}")


def available_actions(state: PageState, products: dict[str, Product]) -> list[str]:
    """`search` on the search page; else lowercased buttons, product ids, option values."""
    if state.kind == SEARCH:
        return ["search"]
    if state.kind == RESULTS:
        buttons = ["back to search"] + (["< prev"] if state.page > 1 else []) + ["next >"]
        return buttons + [asin.lower() for asin in state.shown()]
    if state.kind == ITEM:
        actions = ["back to search", "< prev"] + [b.lower() for b in ITEM_BUTTONS]
        for values in products[state.asin].options.values():
            actions += values
        return list(dict.fromkeys(actions))
    if state.kind in SUB_PAGES:
        return ["back to search", "< prev"]
    return []
