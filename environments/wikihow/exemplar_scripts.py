"""The scripted episodes the WikiHow exemplar sets E0-E2 are made from (`python -m
agent.exemplars.make` plays them; see agent/exemplars/make.py). Each plays a task outside the test
and training splits; the state before step `at` becomes the exemplar."""

from __future__ import annotations

import re

from environments.spec import ExemplarScript, Step
from environments.wikihow.oracle import parse_screen

_LABEL = re.compile(r"\{([^{}]+)\}")


_script = ExemplarScript.of


SCRIPTS: tuple[ExemplarScript, ...] = (
    # ---------------------------------------------------------------- WikiHow, tasks >= 90
    # {label}: the clickable element with that text (or alt text) on the screen, found when the
    # step is played (`resolve`), so that no exemplar depends on where a search lists a title.
    # Plain ids are fixed parts of a layout (the home screen's web view, an article's
    # "Last Updated" button).
    _script("E0", 95, 0,
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
    _script("E0", 133, 2,
        Step("CLICK({References})", "References opens the reference list, not the author page."),
        Step("INPUT({Search}, how to caramelize onions)", "Search for the topic of the command first."),
        Step("CLICK({How to Caramelize Onions the Easy Way})",
             "This result is exactly the requested title, How to Caramelize Onions the Easy Way."),
        Step("CLICK({Elena Zeller})", "Elena Zeller is the co-author the instruction names; her "
                                      "name opens the author page.")),
    _script("E1", 93, 1,
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
    _script("E1", 105, 2,
        Step("CLICK({Wren Whitlock})", "That opens the author's page, which this step does not ask for."),
        Step("INPUT({Search}, how to fix a running toilet)", "Search for the topic of the command first."),
        Step("CLICK({How to Fix a Running Toilet Safely})",
             "This result is exactly the requested title, How to Fix a Running Toilet Safely."),
        Step("CLICK({References})", "The instruction asks for the reference list; the References "
                                    "link at the top of the article opens it.")),
    _script("E2", 91, 0,
        Step("CLICK(3)", "Tapping the page body does not start a search."),
        Step("INPUT({Search}, how to fix a sticky mouse wheel)",
             "The first step is a search; typing the topic into the search button runs it."),
        Step("CLICK({How to Fix a Sticky Mouse Wheel Safely})",
             "This result is exactly the requested title, How to Fix a Sticky Mouse Wheel Safely."),
        Step("CLICK({COMPUTERS AND ELECTRONICS})",
             "COMPUTERS AND ELECTRONICS in the breadcrumbs is the category the command names; it "
             "opens that category page.")),
    _script("E2", 100, 3,
        Step("GOBACK", "Going back leaves the article before its about link is opened."),
        Step("INPUT({Search}, how to change engine oil)", "Search for the topic of the command first."),
        Step("CLICK({How to Change Engine Oil in Under an Hour})",
             "This result is exactly the requested title, How to Change Engine Oil in Under an Hour."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK({Learn why people trust wikiHow})",
             "Learn why people trust wikiHow is the about page the command asks for.")),
)


def resolve(action: str, observation: str) -> str:
    """The action with every {label} replaced by the id of the one clickable element on the
    screen whose text or alt text is that label (ValueError if there is not exactly one)."""
    def element_id(match: re.Match) -> str:
        label = match.group(1)
        ids = [e.id for e in parse_screen(observation)
               if e.clickable and label in (e.text, e.attrs.get("alt"))]
        if len(ids) != 1:
            raise ValueError(f"{action}: {len(ids)} clickable elements {label!r} on the screen")
        return str(ids[0])

    return _LABEL.sub(element_id, action)
