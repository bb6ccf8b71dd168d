"""Carrying a remembered WebShop action over to another page (`--carry-over`, not in the paper).

A remembered action names things of its own request and page: a product id of its results, an
option its request asked for, a query made of its request's words. Carried over, each becomes the
same kind of thing of the current request and page:

- a search whose words all come from the remembered request: a search for the current request's
  words (lead-in and price clause left out, cut to the 80 characters a query may have);
- a click on the k-th product of a results page: a click on the k-th product listed now;
- a click on an option the remembered request named: a click on an option of this page that the
  current request names and that was not clicked yet;
- a button (back to search, next >, < prev, buy now, description, features, reviews): itself,
  when the page has it.

Anything else (an option the request did not name, a product that is not listed) is not carried.

`carry_choice` (`--carry-choices`, on top of those): a `buy now` remembered on a page where the
remembered request had no option left open (the ones it names chosen, or none offered) is
carried, where this request names an option that is still open, as a click on that option — the
remembered purchase was made with its choices settled, and here one is not.

`open_choice` (`--explore-choices`): that open option of a page, on its own — the step a training
pass takes instead of asking the model, so the memory records choosing it.
"""

from __future__ import annotations

import re

from environments.state import State
from environments.webshop.actions import SEARCH_KEYWORDS, query_words

BUTTONS = frozenset({"back to search", "next >", "< prev", "buy now", "description", "features",
                     "reviews"})
_ACTION = re.compile(r"(search|click)\[(.+)\]")
_PRODUCT = re.compile(r"b0[0-9a-z]{8}")  # a product id (ASIN-like, lower case)
# each on a line of its own, so a label's own dot ("1.7 ounce") is not the end
_CLICKED = re.compile(r"You have clicked (.+?)\.(?=\n|$)")
_LEAD = re.compile(r"^i'?d\s+like\s+(?:an?\s+|some\s+)?")  # a lead-in `query_words` keeps
MAX_QUERY = SEARCH_KEYWORDS.max_chars


def _available(state: State) -> tuple[str, ...]:
    return tuple(state.get("available_actions", ()))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9.]+", text.lower())


def _request_words(task: str) -> list[str]:
    return _words(_LEAD.sub("", " ".join(query_words(task)).lower()))


def _query(words: list[str]) -> str:
    """`words` joined, cut at a word boundary to fit a query."""
    query = ""
    for word in words:
        if len(query) + len(word) + 1 > MAX_QUERY:
            break
        query = f"{query} {word}".strip()
    return query


def _names(label: str, request: str) -> bool:
    """Whether `request` names `label` as a whole phrase (e.g. "32 fl oz", "black")."""
    phrase = rf"(?<![a-z0-9]){re.escape(label.lower())}(?![a-z0-9])"
    return re.search(phrase, request.lower()) is not None


def _products(state: State) -> list[str]:
    return [label for label in _available(state) if _PRODUCT.fullmatch(label)]


def _search(query: str, source: State, target: State) -> str | None:
    words = _words(query)
    if not words or not set(words) <= set(_words(source.task)):
        return None
    wanted = _query(_request_words(target.task))
    return f"search[{wanted}]" if wanted else None


def _product(label: str, source: State, target: State) -> str | None:
    before, now = _products(source), _products(target)
    if label not in before or before.index(label) >= len(now):
        return None
    return f"click[{now[before.index(label)]}]"


def open_choice(state: State) -> str | None:
    """A click on the first option of the page that the request names and that is not clicked
    yet, or None (also `--explore-choices`'s step in training)."""
    clicked = {c.lower() for c in _CLICKED.findall(state.observation)}
    for option in _available(state):
        if (option not in BUTTONS and option != "search" and not _PRODUCT.fullmatch(option)
                and option.lower() not in clicked and _names(option, state.task)):
            return f"click[{option}]"
    return None


def _option(label: str, source: State, target: State) -> str | None:
    return open_choice(target) if _names(label, source.task) else None


def carry_choice(action: str, source: State, target: State) -> str | None:
    """`--carry-choices`: a purchase remembered with its request's choices settled (no option it
    names left open on that page), carried to a page where an option this request names is still
    open, is a click on that option; None for anything else — a purchase made with an option of
    its own request still open is carried as the purchase it was."""
    if action.strip() != "click[buy now]" or open_choice(source) is not None:
        return None
    return open_choice(target)


def carry_over(action: str, source: State, target: State) -> str | None:
    """The action on `target`'s page that does what `action` did on `source`'s, or None."""
    match = _ACTION.fullmatch(action.strip())
    if match is None:
        return None
    kind, argument = match.groups()
    here = _available(target)
    if kind == "search":
        return _search(argument, source, target) if "search" in here else None
    if argument in BUTTONS:
        return action.strip() if argument in here else None
    if _PRODUCT.fullmatch(argument):
        return _product(argument, source, target)
    return _option(argument, source, target)
