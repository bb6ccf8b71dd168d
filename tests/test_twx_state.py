"""State extraction, f_o, the pattern label, the prompt and play views (pure functions; the
views of a real game step are checked in test_twx_measure)."""

from __future__ import annotations

import pytest

from environments.twx import (document, expand, f_o, observation_key, pattern, prompt_view, show,
                              state_fields)
from environments.twx.actions import template
from environments.twx.similarity import text_similarity
from environments.twx.state import inventory_items, room_of, split_field

LOOK = ("You are in the kitchen. In one part of the room you see a fridge that is closed. "
        "There is also a counter, that has nothing on it. In another part of the room you see a "
        "dirty colander. \n")
INFO = {
    "task_description": "Your task is to pick up objects, then place them in their usual locations.",
    "look": LOOK,
    "inventory": "Inventory: \n  an orange bell pepper\n  some salt\n",
    "available_actions": ["inventory", "look around", "move north", "open fridge",
                          "put orange bell pepper in counter", "put salt in counter", "take dirty colander"],
    "score": 0.25,
}


def test_fields_come_from_look_inventory_and_valid_actions():
    fields = state_fields("You take the orange bell pepper.", INFO)
    assert fields == {"room": "kitchen", "in_view": "dirty colander",
                      "inventory": "orange bell pepper; salt", "feedback": "You take the orange bell pepper."}
    assert split_field(fields["inventory"]) == ("orange bell pepper", "salt") and split_field("") == ()
    assert room_of("Simon says, 'take pumpkin'.") == ""
    assert inventory_items("Inventory: \n  Your inventory is currently empty.\n") == ()


def test_document_is_reply_room_and_inventory_without_repeating_the_room():
    text = document("You take the orange bell pepper.", INFO)
    assert text.splitlines()[0] == "You take the orange bell pepper."
    assert LOOK.strip() in text and text.endswith("some salt")
    assert document(LOOK, INFO).count("You are in the kitchen") == 1


def test_templates_blank_the_objects():
    assert [template(a) for a in INFO["available_actions"]] == [
        "inventory", "look <x>", "move <x>", "open <x>", "put <x> in <y>", "put <x> in <y>", "take <x>"]
    assert template("take tin can") == "take <x>"


def test_f_o_averages_the_text_and_the_action_shapes():
    here = observation_key(document("You take the dirty colander.", INFO), INFO["available_actions"])
    assert here.words[:3] == ("you", "take", "the")
    assert here.affordances == {"inventory", "look <x>", "move <x>", "open <x>", "put <x> in <y>", "take <x>"}
    assert f_o(here, here) == 1.0
    moved = observation_key(document("You move north.", {**INFO, "look": "You are in the bathroom. \n"}),
                            ["look around", "take coin"])
    assert f_o(here, moved) == f_o(moved, here)
    assert f_o(here, moved) == pytest.approx(0.5 * text_similarity(here.words, moved.words) + 0.5 * 2 / 6)
    assert 0.0 < text_similarity(here.words, moved.words) < 0.5
    assert text_similarity(("a", "b", "c"), ("a", "c")) == pytest.approx(2 * 2 / 5)  # 2·LCS / (3 + 2)
    assert f_o(observation_key("", []), observation_key("", [])) == 1.0
    assert pattern(state_fields("", INFO)["room"]) == "kitchen"


def test_prompt_view_lists_the_valid_actions():
    lines = prompt_view(document("You open the fridge.", INFO), INFO["available_actions"])
    assert lines[0] == "Observation:" and lines[1] == "You open the fridge."
    assert lines[lines.index("Valid actions:") + 1:] == [f"- {a}" for a in INFO["available_actions"]]
    assert all(line.strip() for line in lines)


def test_play_view_and_number_shortcut():
    lines = show("You open the fridge.", INFO)
    assert lines[0].startswith("Task: Your task is to pick up objects")
    assert "Score: 0.25" in lines and lines[-1].startswith("Valid actions: 1) inventory  2) look around")
    assert expand("4", INFO) == "open fridge" and expand("99", INFO) == "99"
    assert expand("take dirty colander", INFO) == "take dirty colander"
