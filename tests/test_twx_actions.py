"""The TextWorldExpress action syntax: the parser, and its regex inside the agent's advice and
ReAct parsers (what the plug-in wiring will hand to `agent.parsing.ActionSyntax`)."""

from __future__ import annotations

import random

from agent.parsing import parse_advice, parse_react
from environments.twx import NOOP, SYNTAX, action_patterns, parse_action, state_of, valid_actions


def test_parse_action_against_a_valid_list():
    valid = ["take clean blue T-shirt", "put notebook in book case", "look around"]
    assert parse_action("take clean blue t-shirt", valid) == "take clean blue T-shirt"
    assert parse_action(' "Put  notebook in book case." ', valid) == "put notebook in book case"
    assert parse_action("take notebook", valid) is None
    assert parse_action("", valid) is None and parse_action(None, valid) is None
    assert parse_action("open the fridge") == "open the fridge"  # no list: only the shape counts
    assert parse_action("click[buy now]") is None and parse_action("-> 0.5") is None


def test_the_regex_reads_advice_lines_and_react_actions():
    advice = ("Encouraged:\n- take used Q-tip -> 0.5 It is out of place.\n"
              "put notebook in book case -> 0.9 A notebook belongs on a book case.\n"
              "Discouraged:\nlook around -> 1.0 never read")
    parsed = parse_advice(advice, SYNTAX)
    assert parsed.ok and parsed.action == "put notebook in book case" and parsed.value == 0.9
    assert parsed.reason == "A notebook belongs on a book case."
    react = parse_react("The T-shirt is dirty.\nAction: take clean blue T-shirt\n", SYNTAX)
    assert react.ok and react.action == "take clean blue T-shirt" and react.reason == "The T-shirt is dirty."
    assert not parse_advice("take notebook", SYNTAX).ok  # a bare action is no advice line
    assert not parse_react("Action: click[buy now]", SYNTAX).ok


def test_patterns_are_literal_and_the_noop_is_no_valid_action():
    valid = ["inventory", "look around", "take notebook"]
    state = state_of("twx", "You are in the attic.", {"available_actions": valid})
    assert action_patterns(state) == [("inventory",), ("look around",), ("take notebook",)]
    assert valid_actions(state, random.Random(0)) == valid
    assert parse_action(NOOP, valid) is None
