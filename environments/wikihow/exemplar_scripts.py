"""The scripted episodes the WikiHow exemplar sets E0-E2 are made from (`python -m
agent.exemplars.make` plays them; see agent/exemplars/make.py). Each plays a task outside the test
and training splits; the state before step `at` becomes the exemplar."""

from __future__ import annotations

from environments.spec import ExemplarScript, Step


_script = ExemplarScript.of


SCRIPTS: tuple[ExemplarScript, ...] = (
    # ---------------------------------------------------------------- WikiHow, tasks >= 90
    _script("E0", 95, 0,
        Step("CLICK(0)", "This opens the navigation drawer, which cannot search."),
        Step("INPUT(2, how to learn sign language basics)",
             "The first step is a search; typing the topic into the search button runs it."),
        Step("CLICK(3)", "This result is exactly the requested title, How to Learn Sign Language Basics."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK(15)", "Learn why people trust wikiHow is the about page the command asks for.")),
    _script("E0", 133, 2,
        Step("CLICK(9)", "References opens the reference list, not the author page."),
        Step("INPUT(2, how to caramelize onions)", "Search for the topic of the command first."),
        Step("CLICK(37)", "This result is exactly the requested title, How to Caramelize Onions "
                          "the Easy Way."),
        Step("CLICK(7)", "Elena Zeller is the co-author the instruction names; her name opens the "
                         "author page.")),
    _script("E1", 93, 1,
        Step("CLICK(3)", "How to Ask for a Raise is a different article from the one the "
                         "instruction names."),
        Step("INPUT(2, how to ask for a raise)", "Search for the topic of the command first."),
        Step("CLICK(43)", "How to Ask for a Raise in a Few Simple Steps is the exact title the "
                          "instruction names; the similar titles are other articles."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK(15)", "Learn why people trust wikiHow is the about page the command asks for.")),
    _script("E1", 105, 2,
        Step("CLICK(7)", "That opens the author's page, which this step does not ask for."),
        Step("INPUT(2, how to fix a running toilet)", "Search for the topic of the command first."),
        Step("CLICK(31)", "This result is exactly the requested title, How to Fix a Running "
                          "Toilet Safely."),
        Step("CLICK(9)", "The instruction asks for the reference list; the References link at "
                         "the top of the article opens it.")),
    _script("E2", 91, 0,
        Step("CLICK(3)", "Tapping the page body does not start a search."),
        Step("INPUT(2, how to fix a sticky mouse wheel)",
             "The first step is a search; typing the topic into the search button runs it."),
        Step("CLICK(3)", "This result is exactly the requested title, How to Fix a Sticky Mouse Wheel."),
        Step("CLICK(4)", "HARDWARE in the breadcrumbs is the category the command names; it opens "
                         "that category page.")),
    _script("E2", 100, 3,
        Step("GOBACK", "Going back leaves the article before its about link is opened."),
        Step("INPUT(2, how to change engine oil)", "Search for the topic of the command first."),
        Step("CLICK(37)", "This result is exactly the requested title, How to Change Engine Oil "
                          "Without Stress."),
        Step("CLICK(8)", "The about link is at the end of the article; the Last Updated button "
                         "jumps there."),
        Step("CLICK(15)", "Learn why people trust wikiHow is the about page the command asks for.")),
)
