"""Action patterns of both simulators and the answer constraints compiled from them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.constraints import ADVICE, REACT, AnswerConstraint, escape_regex, pattern_regex
from agent.parsing import parse_advice, parse_react
from environments.registry import spec
from environments.action_patterns import Slot, matches

WEBSHOP, WIKIHOW = spec("webshop"), spec("wikihow")

# --- the patterns come from the state and cover exactly its valid actions --------------------


def _fill(pattern, text="how to knit"):
    return "".join(text if isinstance(p, Slot) else p for p in pattern)


def _webshop_states(steps=("search[red wool scarf]", "click[next >]", "click[< prev]")):
    from environments.webshop import WebShopEnv

    env = WebShopEnv()
    observation, info = env.reset(options={"goal": 3})
    yield WEBSHOP.state(observation, info)
    for action in steps:
        observation, _, _, _, info = env.step(action)
        yield WEBSHOP.state(observation, info)
    first = info["available_actions"][-1]  # a product
    observation, _, _, _, info = env.step(f"click[{first}]")
    yield WEBSHOP.state(observation, info)


def test_webshop_patterns_are_search_on_the_search_page_and_a_click_per_listed_action():
    states = list(_webshop_states())
    assert WEBSHOP.action_patterns(states[0]) == [("search[", Slot(forbidden="]\n<>", max_chars=80), "]")]
    search = re.compile(AnswerConstraint(ADVICE, tuple(WEBSHOP.action_patterns(states[0]))).regex())
    assert search.fullmatch("search[red wool scarf] -> 1.0 all the words\n")
    for copied in ("search[<keywords>]", "search[<previous>]", "search[scarf -> 1.0 x]"):
        assert not search.fullmatch(f"{copied} -> 1.0 the placeholder copied\n"), copied
    for state in states[1:]:
        patterns = WEBSHOP.action_patterns(state)
        assert patterns == [(f"click[{a}]",) for a in state.get("available_actions")]
        assert len(patterns) > 3


def _wikihow_after(actions):
    from environments.wikihow import WikiHowEnv

    env = WikiHowEnv()
    observation, info = env.reset(options={"task": 0})
    for action in actions:
        observation, _, _, _, info = env.step(action)
    return observation, info


def test_wikihow_patterns_are_the_screens_targets_and_every_one_is_accepted_by_the_env():
    done: list[str] = []
    kinds = set()
    for _ in range(3):  # home screen, search results, an article
        observation, info = _wikihow_after(done)
        patterns = WIKIHOW.action_patterns(WIKIHOW.state(observation, info))
        assert patterns[-5:] == [("SCROLL(UP)",), ("SCROLL(DOWN)",), ("SCROLL(LEFT)",),
                                 ("SCROLL(RIGHT)",), ("GOBACK",)]
        targets = patterns[:-5]
        for action in info["available_actions"]:  # the env's own list is covered
            if action.startswith(("CLICK", "INPUT")):
                assert any(matches(p, action) for p in targets), action
        for pattern in targets:  # and the env accepts every target
            kinds.add(pattern[0][:5])
            assert _wikihow_after([*done, _fill(pattern)])[1]["valid"], pattern
        typing = [p for p in targets if len(p) > 1]
        clicks = [p for p in targets if len(p) == 1]
        done.append(_fill(clicks[-1] if done else typing[0]))  # search first, then open a result
    assert kinds == {"CLICK", "INPUT"}


def test_a_slot_takes_one_to_max_chars_without_forbidden_characters():
    pattern = ("search[", Slot(forbidden="]\n", max_chars=5), "]")
    assert matches(pattern, "search[abc]") and matches(pattern, "search[abcde]")
    assert not matches(pattern, "search[]") and not matches(pattern, "search[abcdef]")
    assert not matches(pattern, "search[a]b]") and not matches(pattern, "click[abc]")
    assert matches(("GOBACK",), "GOBACK") and not matches(("GOBACK",), "GOBACK ")
    with pytest.raises(ValueError):
        Slot(max_chars=0)


# --- the compiled constraint accepts what the parser reads, and nothing invalid ----------------

LABELS = ["< prev", "next >", "b0aaa11111", "size: 3 (x) [small]", "a.b*c+d?e^f$g|h{2}\\i", "café 5°"]


def _advice(labels=LABELS):
    patterns = [("search[", Slot(forbidden="]\n"), "]"), *[(f"click[{label}]",) for label in labels]]
    return AnswerConstraint(ADVICE, tuple(patterns))


def test_literals_are_escaped_for_every_regex_dialect():
    for label in LABELS:
        assert re.fullmatch(escape_regex(label), label)
    assert escape_regex("a b-c/d") == "a b-c/d"  # no escapes of ordinary characters (Rust rejects them)
    regex = pattern_regex(("INPUT(3, ", Slot(forbidden=")\n", max_chars=10), ")"))
    assert re.fullmatch(regex, "INPUT(3, knit a hat)") and not re.fullmatch(regex, "INPUT(3,  knit)")
    assert not re.fullmatch(regex, "INPUT(3, knit)hat)") and not re.fullmatch(regex, "INPUT(3, k\rnit)")


def test_advice_answers_in_the_language_parse_to_the_same_action():
    regex = re.compile(_advice().regex())
    for label in LABELS:
        line = f"click[{label}] -> 0.7 it matches the request\n"
        assert regex.fullmatch(line), line
        parsed = parse_advice(line, WEBSHOP.syntax)
        assert parsed.ok and parsed.value == 0.7 and parsed.reason == "it matches the request"
    assert regex.fullmatch("search[red wool scarf] -> 1.0 x\n")


@pytest.mark.parametrize("answer", [
    "click[buy now] -> 1.0 not listed\n",            # not an action of this state
    "click[< prev]: go back\n",                      # the history shape the model used to copy
    "click[< prev] -> 1.0 two\nlines\n",             # more than one line
    "click[< prev] -> 10 no decimal\n",
    "click[< prev] -> 0.5 " + "x" * 101 + "\n",      # reason over the length limit
    "search[] -> 1.0 empty query\n",
    "search[a]b] -> 1.0 bracket in the query\n",
])
def test_invalid_answers_are_outside_the_language(answer):
    assert not re.fullmatch(_advice().regex(), answer)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_whatever_the_language_accepts_the_parser_reads(text):
    constraint = _advice()
    line = f"search[{text}] -> 0.3 {text or 'x'}\n"
    if re.fullmatch(constraint.regex(), line):
        parsed = parse_advice(line, WEBSHOP.syntax)
        assert parsed.ok and parsed.action.startswith("search[")


def test_react_language_is_thoughts_then_one_valid_action():
    constraint = AnswerConstraint(REACT, (("CLICK(3)",), ("GOBACK",)))
    regex = re.compile(constraint.regex())
    answer = " The search is done.\nThought: open the article\nAction: CLICK(3)\n"
    assert regex.fullmatch(answer)
    assert parse_react(answer, WIKIHOW.syntax).action == "CLICK(3)"
    assert not regex.fullmatch(" fine\nAction: CLICK(4)\n")
    too_long = " a\n" + "Thought: b\n" * 3 + "Action: GOBACK\n"
    assert not regex.fullmatch(too_long)


def test_gbnf_states_the_same_rules():
    gbnf = _advice(["< prev", 'say "hi"']).gbnf()
    root, action = gbnf.splitlines()
    assert root.startswith('root ::= action " -> " [0-9] "." [0-9] " " [^\\x0A') and root.endswith(']{1,100} "\\n"')
    assert action.startswith('action ::= ("search[" [^\\x0A') and '"click[< prev]"' in action
    assert '("click[say \\"hi\\"]")' in action and "\n" not in root
    react = AnswerConstraint(REACT, (("GOBACK",),)).gbnf()
    assert '"Action: " action "\\n"' in react and '("Thought: " [^' in react and "{0,2}" in react


def test_a_constraint_needs_actions_and_a_known_format():
    with pytest.raises(ValueError):
        AnswerConstraint(ADVICE, ())
    with pytest.raises(ValueError):
        AnswerConstraint("json", (("GOBACK",),))


def test_without_a_reason_an_advice_answer_ends_after_its_value():
    labels = ["< prev", "b06xdg8xfx"]
    full, short = _advice(labels), AnswerConstraint(ADVICE, _advice(labels).patterns, reason=False)
    assert re.fullmatch(short.regex(), "click[< prev] -> 0.4\n")
    assert not re.fullmatch(short.regex(), "click[< prev] -> 0.4 it goes back\n")
    assert not re.fullmatch(full.regex(), "click[< prev] -> 0.4\n")
    # the part before the value is the same language, so the same action is chosen
    assert short.regex().split(" -> ")[0] == full.regex().split(" -> ")[0]
    parsed = parse_advice("click[b06xdg8xfx] -> 0.9\n", WEBSHOP.syntax)
    assert parsed.ok and parsed.action == "click[b06xdg8xfx]" and parsed.value == 0.9 and parsed.reason == ""
    root = short.gbnf().splitlines()[0]
    assert root == 'root ::= action " -> " [0-9] "." [0-9] "\\n"'
    assert short.key() != full.key()  # cached answers of one never stand in for the other
