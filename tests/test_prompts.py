"""Every rule of the Rememberer prompt: layout, ordering, advice (incl. random), ablations, budget."""

from __future__ import annotations

import random

import pytest

from agent.parsing import parse_advice
from environments.registry import UnknownEnvironmentError, spec as get_profile
from environments.state import history_entry
from agent.prompts import (DISCOURAGED, ENCOURAGED, RANDOM_DISCOURAGED_REASON,
                           RANDOM_ENCOURAGED_REASON, STOP, Advice, AdviceLine, PromptOptions,
                           ReactExemplar, build_prompt, build_react_prompt, choose_advice,
                           render_exemplar)
from memory_store.records import ActionRecord, RetrievedState, State

WEBSHOP, WIKIHOW = get_profile("webshop"), get_profile("wikihow")


def words(text: str) -> int:
    """Token counter for tests: whitespace-separated words."""
    return len(text.split())


def shop_state(task: str = "i'm looking for a red wool scarf, and price lower than 30.00 dollars",
               page: str = "results", history: tuple[str, ...] = ()) -> State:
    if page == "search":
        obs, actions = f"\nWebShop \nInstruction: \n{task} \n[Search]", ("search",)
    else:
        obs = (f"\nInstruction: \n{task} \n[Back to Search] \nPage 1 (Total results: 50) \n[Next >] "
               "\n[B0AAA11111] \nRed Wool Scarf \n$19.99 \n[B0BBB22222] \nBlue Scarf \n$9.99 ")
        actions = ("back to search", "next >", "b0aaa11111", "b0bbb22222")
    return WEBSHOP.new_state(task, obs, history, available_actions=actions)


def retrieved(state: State, *actions: tuple[str, float], score: float = 0.5) -> RetrievedState:
    return RetrievedState(
        state=state, score=score,
        actions=[ActionRecord(action=a, q=q, visits=1, reason=f"why {a}") for a, q in actions])


def build(exemplars, state=None, options=PromptOptions(), seed=0, count=words, profile=WEBSHOP):
    return build_prompt(profile, state or shop_state(), exemplars, count_tokens=count,
                        rng=random.Random(seed), options=options)


# --- layout and ordering ----------------------------------------------------------------------

def test_layout_instructions_exemplars_then_input_ending_in_encouraged():
    best = retrieved(shop_state("i need green tea", page="search"), ("search[green tea]", 1.0))
    second = retrieved(shop_state("i want a desk lamp", page="search"), ("search[desk lamp]", 1.0))
    prompt = build([best, second])
    assert prompt.text.startswith(WEBSHOP.instructions)
    assert prompt.text.endswith(f"Available actions:\n- click[back to search]\n- click[next >]\n"
                                f"- click[b0aaa11111]\n- click[b0bbb22222]\n{ENCOURAGED}\n")
    assert "Discouraged" in STOP  # the model stops where an advice block's second part begins


def test_most_similar_exemplar_comes_last():
    best = retrieved(shop_state("i need green tea", page="search"), ("search[green tea]", 1.0), score=0.9)
    second = retrieved(shop_state("i want a desk lamp", page="search"), ("search[desk lamp]", 1.0), score=0.4)
    prompt = build([best, second])
    text = prompt.text
    assert text.index("Request: i want a desk lamp") < text.index("Request: i need green tea")
    assert text.index("Request: i need green tea") < text.rindex("Request: i'm looking for")
    assert [e.score for e in prompt.exemplars] == [0.4, 0.9]
    # Nothing but the best exemplar's block separates it from the new input.
    best_block = text[text.index("Request: i need green tea"):text.rindex("Request: i'm looking for")]
    assert best_block.count("Request:") == 1


# --- advice rules -----------------------------------------------------------------------------

def test_encouraged_is_the_top_recorded_action_and_discouraged_the_zero_q_ones():
    item = retrieved(shop_state(), ("click[b0bbb22222]", 0.0), ("click[b0aaa11111]", 0.8),
                     ("click[next >]", 0.3), ("click[back to search]", 0.0))
    advice = choose_advice(WEBSHOP, item, random.Random(0))
    assert [line.action for line in advice.encouraged] == ["click[b0aaa11111]"]
    assert advice.encouraged[0].q == 0.8 and not advice.encouraged[0].random
    assert sorted(line.action for line in advice.discouraged) == ["click[b0bbb22222]", "click[back to search]"]
    assert all(line.q == 0.0 and not line.random for line in advice.discouraged)


def test_advice_block_format_one_decimal_and_reason():
    item = retrieved(shop_state(), ("click[b0aaa11111]", 0.875), ("click[next >]", 0.0))
    block = render_exemplar(WEBSHOP, item.state, choose_advice(WEBSHOP, item, random.Random(0)))
    assert block.endswith(f"{ENCOURAGED}\nclick[b0aaa11111] -> 0.9 why click[b0aaa11111]\n"
                          f"{DISCOURAGED}\nclick[next >] -> 0.0 why click[next >]")


def test_top_q_not_positive_gives_a_random_untried_valid_action_with_q_below_half():
    item = retrieved(shop_state(), ("click[b0aaa11111]", 0.0), ("click[next >]", -0.2))
    shown_qs, actions = set(), set()
    for seed in range(60):
        advice = choose_advice(WEBSHOP, item, random.Random(seed))
        (line,) = advice.encouraged
        assert line.random and line.reason == RANDOM_ENCOURAGED_REASON
        assert line.action in {"click[back to search]", "click[b0bbb22222]"}  # valid, not tried
        assert 0.0 <= line.q < 0.5 and f"{line.q:.1f}" in {"0.0", "0.1", "0.2", "0.3", "0.4"}
        shown_qs.add(line.q)
        actions.add(line.action)
        # both recorded actions with Q <= 0 are discouraged
        assert {d.action for d in advice.discouraged} == {"click[b0aaa11111]", "click[next >]"}
    assert len(shown_qs) >= 4 and len(actions) == 2  # it really is drawn at random


def test_random_search_on_a_search_page_uses_words_of_the_request():
    item = retrieved(shop_state(page="search"), ("search[x y z]", 0.0))
    advice = choose_advice(WEBSHOP, item, random.Random(3))
    action = advice.encouraged[0].action
    assert action.startswith("search[") and action != "search[x y z]"
    assert set(action[7:-1].split()) <= {"red", "wool", "scarf"}


def test_all_q_positive_gives_a_random_other_valid_action_as_discouraged():
    item = retrieved(shop_state(), ("click[b0aaa11111]", 1.0), ("click[next >]", 0.2))
    seen = set()
    for seed in range(40):
        advice = choose_advice(WEBSHOP, item, random.Random(seed))
        assert [line.action for line in advice.encouraged] == ["click[b0aaa11111]"]
        (line,) = advice.discouraged
        assert line.random and line.q == 0.0 and line.reason == RANDOM_DISCOURAGED_REASON
        assert line.action in {"click[back to search]", "click[b0bbb22222]"}
        seen.add(line.action)
    assert len(seen) == 2


def test_wikihow_random_actions_come_from_the_screen():
    screen = ('<button class="home" id="0" clickable="true"></button>\n'
              '<input class="search src text" value="" type="text" id="1" clickable="true"></input>\n'
              '<p class="title" id="2" clickable="false">How to Knit</p>\n'
              '<div class="statusBarBackground" id="3" clickable="false"></div>')
    state = WIKIHOW.new_state("Search an article to learn how to knit a hat. Then, check it.",
                              screen)
    item = retrieved(state, ("CLICK(0)", 0.0))
    options = set()
    for seed in range(80):
        options.add(choose_advice(WIKIHOW, item, random.Random(seed)).encouraged[0].action)
    assert options == {"CLICK(1)", "INPUT(1, how to knit a hat)", "SCROLL(UP)", "SCROLL(DOWN)", "GOBACK"}
    listed = WIKIHOW.new_state(state.task, screen, available_actions=("CLICK(0)", "SCROLL(DOWN)"))
    assert WIKIHOW.valid_actions(listed, random.Random(0)) == ["CLICK(0)", "SCROLL(DOWN)"]


# --- ablations ------------------------------------------------------------------------------------

def test_no_random_uses_top_and_bottom_recorded_actions_even_when_q_is_not_positive():
    item = retrieved(shop_state(), ("click[next >]", 0.0), ("click[b0aaa11111]", -0.5), ("click[b0bbb22222]", -0.1))
    advice = choose_advice(WEBSHOP, item, random.Random(0), PromptOptions(no_random=True))
    assert advice == Advice(encouraged=(AdviceLine("click[next >]", 0.0, "why click[next >]"),),
                            discouraged=(AdviceLine("click[b0aaa11111]", -0.5, "why click[b0aaa11111]"),))
    positive = retrieved(shop_state(), ("click[b0aaa11111]", 1.0))
    advice = choose_advice(WEBSHOP, positive, random.Random(0), PromptOptions(no_random=True))
    assert [a.action for a in advice.encouraged] == ["click[b0aaa11111]"] and advice.discouraged == ()


def test_no_random_draws_nothing_from_the_random_stream():
    item = retrieved(shop_state(), ("click[next >]", 0.0))
    rng = random.Random(5)
    before = rng.getstate()
    choose_advice(WEBSHOP, item, rng, PromptOptions(no_random=True))
    assert rng.getstate() == before


def test_no_discouraged_leaves_the_discouraged_part_out():
    items = [retrieved(shop_state(page="search"), ("search[a b c]", 1.0), ("search[d]", 0.0)),
             retrieved(shop_state(), ("click[b0aaa11111]", 1.0))]
    prompt = build(items, options=PromptOptions(no_discouraged=True))
    assert "Discouraged" not in prompt.text
    assert prompt.text.count(ENCOURAGED) == 3 and prompt.text.endswith(f"{ENCOURAGED}\n")
    assert all(adv.discouraged == () for adv in prompt.advice)


# --- token budget --------------------------------------------------------------------------------

def test_exemplars_that_do_not_fit_are_skipped_whole_and_smaller_ones_still_enter():
    state = shop_state()
    big = retrieved(shop_state(task="i need " + "very " * 200 + "long socks"), ("click[b0aaa11111]", 1.0), score=0.9)
    small = retrieved(shop_state("i need tea", page="search"), ("search[tea]", 1.0), score=0.5)
    query_cost = build([], state).budget_tokens
    small_cost = words(render_exemplar(WEBSHOP, small.state, choose_advice(WEBSHOP, small, random.Random(0))))
    budget = query_cost + small_cost + 5  # room for the small exemplar only
    prompt = build([big, small], state, PromptOptions(token_budget=budget))
    assert prompt.exemplars == [small] and prompt.skipped == [big]
    assert "very very" not in prompt.text  # not cut: absent
    assert "search[tea] -> 1.0 why search[tea]" in prompt.text  # the small one is whole
    assert prompt.budget_tokens == query_cost + small_cost <= budget


def test_budget_counts_with_the_given_tokenizer_and_includes_everything_that_fits():
    a = retrieved(shop_state("i need tea", page="search"), ("search[tea]", 1.0))
    b = retrieved(shop_state("i need milk", page="search"), ("search[milk]", 1.0))
    prompt = build([a, b], options=PromptOptions(token_budget=3_700))
    assert prompt.exemplars == [b, a] and prompt.skipped == []
    # counting characters instead of words makes the same budget too small for both
    tight = build([a, b], options=PromptOptions(token_budget=prompt.budget_tokens), count=len)
    assert tight.exemplars == [] and tight.skipped == [a, b]


def test_input_alone_over_budget_still_gives_a_prompt_without_exemplars():
    a = retrieved(shop_state("i need tea", page="search"), ("search[tea]", 1.0))
    prompt = build([a], options=PromptOptions(token_budget=3))
    assert prompt.exemplars == [] and prompt.text.endswith(f"{ENCOURAGED}\n")


# --- inputs ------------------------------------------------------------------------------------------

def test_webshop_input_shows_last_five_actions_observation_and_available_actions():
    history = tuple(history_entry(f"click[item  {i}]") for i in range(7))
    state = WEBSHOP.state(shop_state().observation,
                               {"instruction": "i need a red wool scarf",
                                "available_actions": ["back to search", "next >", "b0aaa11111"]},
                               history)
    text = WEBSHOP.render(state)
    assert state.history == history[-5:]
    assert history[2] == "click[item 2]"  # whitespace collapsed, no reason
    assert "Last 5 actions:\n- click[item 2]\n" in text and "item 1]" not in text
    assert "Observation:\nInstruction:\ni'm looking for" in text  # blank lines and trailing spaces dropped
    assert "\n[B0AAA11111]\nRed Wool Scarf\n$19.99\n" in text
    assert text.endswith("Available actions:\n- click[back to search]\n- click[next >]\n- click[b0aaa11111]")
    search = WEBSHOP.render(shop_state(page="search"))
    assert "Last 5 actions:\n- (none yet)" in search and search.endswith("- search[<keywords>]")


def test_webshop_input_states_the_request_once():
    for page in ("search", "results"):
        state = shop_state(page=page)
        text = WEBSHOP.render(state)
        assert text.count(state.task) == 1 and text.startswith(f"Request: {state.task}\n")
        assert "Instruction:" not in text
    assert "\nWebShop\n[Search]\n" in WEBSHOP.render(shop_state(page="search"))


def test_wikihow_input_shows_command_history_screen_instruction_and_rewards():
    info = {"command": "Search an article to learn how to knit. Then, check the reference list.",
            "instruction": "Check the reference list", "last_reward": 1.0, "total_reward": 2.0}
    state = WIKIHOW.state('<p class="x" id="0" clickable="false">Hi</p>', info,
                               ("INPUT(1, knit): search it", "GOBACK"))
    text = WIKIHOW.render(state)
    # an entry imported with its reason (original pools) is shown as its action alone
    assert text == ("Command: Search an article to learn how to knit. Then, check the reference list.\n"
                    "Last 5 actions:\n- INPUT(1, knit)\n- GOBACK\n"
                    "Screen:\n<p class=\"x\" id=\"0\" clickable=\"false\">Hi</p>\n"
                    "Current instruction: Check the reference list\n"
                    "Last reward: 1.0\nTotal reward: 2.0")
    assert (state.get("instruction"), state.get("last_reward"), state.get("total_reward")) == (
        "Check the reference list", 1.0, 2.0)


# --- determinism and consistency with the parser ---------------------------------------------------

def test_same_seed_same_prompt_other_seed_other_random_advice():
    items = [retrieved(shop_state(), ("click[next >]", 0.0)),
             retrieved(shop_state(page="search"), ("search[scarf]", 1.0))]
    assert build(items, seed=7).text == build(items, seed=7).text
    assert len({build(items, seed=s).text for s in range(10)}) > 1


def test_rendered_advice_parses_back_to_the_encouraged_action():
    item = retrieved(shop_state(), ("click[b0aaa11111]", 0.7), ("click[next >]", 0.0))
    block = render_exemplar(WEBSHOP, item.state, choose_advice(WEBSHOP, item, random.Random(0)))
    answer = block.split(f"{ENCOURAGED}\n", 1)[1]
    parsed = parse_advice(answer, WEBSHOP.syntax)
    assert parsed.action == "click[b0aaa11111]" and parsed.value == 0.7


def test_react_prompt_shows_thoughts_then_action_and_ends_with_thought():
    ex = ReactExemplar(shop_state("i need tea", page="search"), ("Nothing searched yet.", "Tea it is."),
                       "search[tea]")
    prompt = build_react_prompt(WEBSHOP, shop_state(), [ex], count_tokens=words)
    assert prompt.text.startswith(WEBSHOP.react_instructions)
    assert "Thought: Nothing searched yet.\nThought: Tea it is.\nAction: search[tea]\n\n" in prompt.text
    assert prompt.text.endswith("- click[b0bbb22222]\nThought:")


def test_unknown_profile_is_a_user_error():
    assert get_profile("WebShop") is WEBSHOP and get_profile("wikihow") is WIKIHOW
    with pytest.raises(UnknownEnvironmentError, match="unknown environment 'alfworld'"):
        get_profile("alfworld")


# --- carry-over (not in the paper) ------------------------------------------------------------

def carrying(mapping: dict[str, str | None]):
    """WebShop's spec with a hand-made carry-over: `mapping[action]` (absent: not carried)."""
    import dataclasses

    return dataclasses.replace(WEBSHOP, carry_over=lambda action, source, target: mapping.get(action))


def test_carried_advice_lists_positive_actions_best_exemplar_first_under_the_new_input():
    profile = carrying({"click[a]": "click[b0aaa11111]", "click[b]": "click[next >]",
                        "click[c]": "click[b0aaa11111]", "click[zero]": "click[back to search]"})
    best = retrieved(shop_state("i need green tea"), ("click[b]", 0.5), ("click[a]", 2.0),
                     ("click[zero]", 0.0), score=0.9)
    second = retrieved(shop_state("i want a lamp"), ("click[c]", 3.0), ("click[gone]", 1.0), score=0.2)
    prompt = build([best, second], options=PromptOptions(carry_over=True), profile=profile)
    # best exemplar's actions by Q, then the second's; a repeat and an uncarried action dropped,
    # and a Q of 0 never carried
    assert [line.action for line in prompt.carried] == ["click[b0aaa11111]", "click[next >]"]
    assert prompt.text.endswith("- click[b0bbb22222]\nCarried over from memory:\n"
                                "click[b0aaa11111] -> 2.0\nclick[next >] -> 0.5\n"
                                f"{ENCOURAGED}\n")
    # each exemplar block has the same section, its own actions carried over to itself, before
    # its advice as recorded
    best_block, second_block = prompt.text.split("\n\n")[2], prompt.text.split("\n\n")[1]
    assert ("Carried over from memory:\nclick[b0aaa11111] -> 2.0\nclick[next >] -> 0.5\n"
            "Encouraged:\nclick[a] -> 2.0 why click[a]") in best_block
    assert "Carried over from memory:\nclick[b0aaa11111] -> 3.0\nEncouraged:" in second_block


def test_carried_advice_stops_at_three_lines():
    profile = carrying({f"click[{n}]": f"search[{n}]" for n in "abcde"})
    item = retrieved(shop_state(), *[(f"click[{n}]", 1.0 + i) for i, n in enumerate("abcde")])
    prompt = build([item], options=PromptOptions(carry_over=True), profile=profile)
    assert [line.action for line in prompt.carried] == ["search[e]", "search[d]", "search[c]"]


def test_without_the_option_or_the_environment_hook_nothing_is_carried():
    profile = carrying({"click[a]": "click[b0aaa11111]"})
    item = retrieved(shop_state("i need green tea"), ("click[a]", 2.0))
    plain = build([item], profile=profile)
    assert not plain.carried and "Carried over" not in plain.text
    import dataclasses

    without = dataclasses.replace(WEBSHOP, carry_over=None)
    assert plain.text == build([item], profile=without, options=PromptOptions(carry_over=True)).text


def test_only_exemplars_of_the_same_kind_of_page_are_carried_over():
    profile = carrying({"click[a]": "click[b0aaa11111]", "search[tea]": "click[next >]"})
    results = retrieved(shop_state("i need green tea"), ("click[a]", 2.0), score=0.4)
    search_page = retrieved(shop_state("i need green tea", page="search"), ("search[tea]", 1.0),
                            score=0.9)
    prompt = build([search_page, results], options=PromptOptions(carry_over=True), profile=profile)
    assert [line.action for line in prompt.carried] == ["click[b0aaa11111]"]  # not the search page's



def test_with_carry_choices_the_environment_s_choice_is_asked_first():
    import dataclasses

    profile = dataclasses.replace(
        carrying({"click[a]": "click[buy now]", "click[b]": "click[next >]"}),
        carry_choice=lambda action, source, target: "click[red]" if action == "click[a]" else None)
    item = retrieved(shop_state("i need a red lamp"), ("click[a]", 2.0), ("click[b]", 1.0))
    chosen = build([item], options=PromptOptions(carry_over=True, carry_choices=True),
                   profile=profile)
    # the choice replaces the action it stands before; an action without one carries as usual
    assert [line.action for line in chosen.carried] == ["click[red]", "click[next >]"]
    assert "Carried over from memory:\nclick[red] -> 2.0\nclick[next >] -> 1.0" in chosen.text
    plain = build([item], options=PromptOptions(carry_over=True), profile=profile)
    assert [line.action for line in plain.carried] == ["click[buy now]", "click[next >]"]
