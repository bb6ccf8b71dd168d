"""Parsing the model's answer: advice lines, ReAct lines, both action syntaxes, garbage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.parsing import ParsedAction, parse_advice, parse_react
from environments.registry import spec

WEBSHOP_SYNTAX, WIKIHOW_SYNTAX = spec("webshop").syntax, spec("wikihow").syntax

SYNTAXES = [WEBSHOP_SYNTAX, WIKIHOW_SYNTAX]


# --- advice lines ----------------------------------------------------------------------------

def test_highest_stated_value_wins():
    text = ("click[b0abc12345] -> 0.4 close match\n"
            "search[red wool scarf] -> 0.9 a fresh search fits better\n"
            "click[next >] -> 0.2 more results\n")
    parsed = parse_advice(text, WEBSHOP_SYNTAX)
    assert parsed == ParsedAction(action="search[red wool scarf]", reason="a fresh search fits better",
                                  value=0.9, ok=True)


def test_tie_goes_to_the_earlier_line():
    parsed = parse_advice("click[buy now] -> 1.0 first\nclick[description] -> 1.0 second", WEBSHOP_SYNTAX)
    assert parsed.action == "click[buy now]" and parsed.reason == "first"


def test_reading_stops_at_discouraged():
    text = "click[b0aaa11111] -> 0.3 ok\nDiscouraged:\nclick[buy now] -> 9.0 not advice"
    assert parse_advice(text, WEBSHOP_SYNTAX).action == "click[b0aaa11111]"


def test_webshop_actions_are_lowercased_and_trimmed():
    parsed = parse_advice("  - Search[  Blue   Denim Jacket ] -> 1 looks right", WEBSHOP_SYNTAX)
    assert parsed.action == "search[blue denim jacket]" and parsed.value == 1.0
    assert parsed.reason == "looks right"


def test_brackets_in_the_reason_do_not_swallow_the_action():
    parsed = parse_advice("search[soap] -> 0.7 then pick [lavender]", WEBSHOP_SYNTAX)
    assert parsed.action == "search[soap]" and parsed.reason == "then pick [lavender]"


def test_label_with_brackets_and_arrow_like_text():
    parsed = parse_advice("click[< prev] -> 0.5 go back to the item", WEBSHOP_SYNTAX)
    assert parsed.action == "click[< prev]" and parsed.value == 0.5


def test_empty_argument_is_not_an_action():
    assert not parse_advice("search[] -> 1.0 nothing", WEBSHOP_SYNTAX).ok
    assert not parse_advice("INPUT(2, ) -> 1.0 nothing", WIKIHOW_SYNTAX).ok


def test_a_line_without_value_counts_below_stated_values():
    parsed = parse_advice("click[features] -> worth a look\nclick[buy now] -> 0.1 cheap", WEBSHOP_SYNTAX)
    assert parsed.action == "click[buy now]"
    alone = parse_advice("click[features] -> worth a look", WEBSHOP_SYNTAX)
    assert alone.ok and alone.action == "click[features]" and alone.value is None
    assert alone.reason == "worth a look"


def test_a_bare_action_is_not_an_answer():
    """Small models like to copy the list of available actions; that is not a choice."""
    assert not parse_advice("- click[back to search]\n- click[next >]", WEBSHOP_SYNTAX).ok
    assert not parse_advice("search[long lasting]: the request wants it", WEBSHOP_SYNTAX).ok
    assert not parse_advice("GOBACK", WIKIHOW_SYNTAX).ok


@pytest.mark.parametrize("text, action", [
    ("CLICK(3) -> 1.0 open it", "CLICK(3)"),
    ("click( 12 ) -> 0.5 x", "CLICK(12)"),
    ('INPUT(2, "hide gauges") -> 1.0 search', "INPUT(2, hide gauges)"),
    ("input(0,how to (really) knit) -> 1.0 search", "INPUT(0, how to (really) knit)"),
    ("SCROLL(down) -> 0.3 more", "SCROLL(DOWN)"),
    ("Scroll( LEFT ) -> 0.3 more", "SCROLL(LEFT)"),
    ("GOBACK -> 0.2 wrong page", "GOBACK"),
    ("SCROLL(UP)\nGOBACK -> 0.1", "GOBACK"),
    ("goback() -> 0.2 wrong page", "GOBACK"),
])
def test_wikihow_actions(text, action):
    parsed = parse_advice(text, WIKIHOW_SYNTAX)
    assert parsed.ok and parsed.action == action


@pytest.mark.parametrize("text", [
    "SCROLL(SIDEWAYS) -> 1.0 x", "CLICK(x) -> 1.0 y", "TAP(3) -> 1.0 z", "click[3] -> 1.0",
])
def test_wikihow_rejects_other_shapes(text):
    assert not parse_advice(text, WIKIHOW_SYNTAX).ok


def test_the_other_environments_syntax_is_not_accepted():
    assert not parse_advice("CLICK(3) -> 1.0 open", WEBSHOP_SYNTAX).ok
    assert not parse_advice("click[buy now] -> 1.0 buy", WIKIHOW_SYNTAX).ok


@pytest.mark.parametrize("text", ["", "   \n ", "I think you should buy it.", "Encouraged:\n"])
def test_nothing_usable_gives_an_error(text):
    parsed = parse_advice(text, WEBSHOP_SYNTAX)
    assert not parsed.ok and parsed.action == "" and parsed.error


def test_negative_and_integer_values():
    parsed = parse_advice("click[a] -> -0.5 bad\nclick[b] -> 2 better", WEBSHOP_SYNTAX)
    assert parsed.action == "click[b]" and parsed.value == 2.0


# --- ReAct --------------------------------------------------------------------------------------

def test_react_reads_thoughts_and_the_action():
    text = " The page lists a matching scarf.\nThought: it is under budget.\nAction: click[b0scarf123]\n"
    parsed = parse_react(text, WEBSHOP_SYNTAX)
    assert parsed.ok and parsed.action == "click[b0scarf123]"
    assert parsed.reason == "The page lists a matching scarf. it is under budget."


def test_react_skips_invalid_action_lines():
    parsed = parse_react("Thought: go\nAction: buy it\nAction: CLICK(4)", WIKIHOW_SYNTAX)
    assert parsed.ok and parsed.action == "CLICK(4)"


def test_react_without_action_fails():
    parsed = parse_react("Thought: I am not sure what to do.", WIKIHOW_SYNTAX)
    assert not parsed.ok and "Action" in parsed.error


# --- property tests: garbage never raises; whatever is accepted is canonical --------------------

garbage = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
structured_garbage = st.lists(
    st.sampled_from(["search[", "click[", "]", "->", "CLICK(", "INPUT(", ", ", ")", "SCROLL(",
                     "GOBACK", "DOWN", "1.0", "-", "\n", " ", "Discouraged", "Thought:", "Action:",
                     "0", "x", "[", "(", "\t", "nan", "inf", "1e309"]),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(garbage, structured_garbage), which=st.sampled_from(SYNTAXES))
def test_parsers_never_raise_and_accept_only_canonical_actions(text, which):
    for parser in (parse_advice, parse_react):
        parsed = parser(text, which)
        assert isinstance(parsed, ParsedAction)
        if parsed.ok:
            assert which.canonicalize(parsed.action) == parsed.action
            assert parsed.error == ""
        else:
            assert parsed.action == "" and parsed.error


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 &-'", min_size=1, max_size=30).filter(
    lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(arg=words, value=st.floats(min_value=-5, max_value=5, allow_nan=False), reason=words,
       keyword=st.sampled_from(["search", "click"]))
def test_well_formed_webshop_lines_round_trip(arg, value, reason, keyword):
    line = f"{keyword}[{arg}] -> {value:.1f} {reason}"
    parsed = parse_advice(line, WEBSHOP_SYNTAX)
    assert parsed.ok
    assert parsed.action == f"{keyword}[{' '.join(arg.split())}]"
    assert parsed.value == pytest.approx(float(f"{value:.1f}"))
    assert parsed.reason == " ".join(reason.split())


screen_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 &-", min_size=1,
                       max_size=30).filter(lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(index=st.integers(min_value=0, max_value=999), text=screen_words, value=st.floats(0, 3))
def test_well_formed_wikihow_input_lines_round_trip(index, text, value):
    parsed = parse_advice(f"INPUT({index}, {text}) -> {value:.1f} type it", WIKIHOW_SYNTAX)
    assert parsed.ok and parsed.action == f"INPUT({index}, {' '.join(text.split())})"
