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


def test_a_constrained_answer_is_a_valid_action_the_parser_reads_back():
    """The agent compiles the patterns into one regex; every valid action passes it, in an
    advice line and a ReAct answer, and the parser returns exactly that action."""
    import re

    from agent.constraints import ADVICE, REACT, AnswerConstraint

    valid = ["look around", "put clean blue T-shirt in chest of drawers", "take used Q-tip"]
    state = state_of("twx", "You are in the bedroom.", {"available_actions": valid})
    advice = re.compile(AnswerConstraint(ADVICE, tuple(action_patterns(state))).regex())
    react = re.compile(AnswerConstraint(REACT, tuple(action_patterns(state))).regex())
    for action in valid:
        line = f"{action} -> 0.7 It fits the room.\n"
        assert advice.fullmatch(line) and parse_advice(line, SYNTAX).action == action
        answer = f"Tidy up first.\nAction: {action}\n"
        assert react.fullmatch(answer) and parse_react(answer, SYNTAX).action == action
    assert not advice.fullmatch("take notebook -> 0.7 not listed here\n")
