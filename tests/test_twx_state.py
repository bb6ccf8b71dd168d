"""State extraction, f_o, the pattern label, the prompt and play views (pure functions; the
views of a real game step are checked in test_twx_measure)."""

from __future__ import annotations

import pytest

from environments.twx import (FIELDS, describe, document, expand, f_o, observation_key, pattern, render,
                              state_fields, state_of)
from environments.twx.actions import template
from environments.twx.similarity import text_similarity
from environments.twx.state import inventory_items, room_of

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
    assert fields == {"available_actions": tuple(INFO["available_actions"]), "room": "kitchen",
                      "in_view": ("dirty colander",), "inventory": ("orange bell pepper", "salt"),
                      "feedback": "You take the orange bell pepper."}
    assert [f.name for f in FIELDS] == list(fields)
    assert all(f.coerce(fields[f.name]) == fields[f.name] for f in FIELDS)  # kinds fit the values
    assert room_of("Simon says, 'take pumpkin'.") == ""
    assert inventory_items("Inventory: \n  Your inventory is currently empty.\n") == ()


def test_the_state_of_a_step():
    state = state_of("twx", "You take the orange bell pepper.", INFO, ("take salt: needed",))
    assert (state.env, state.task) == ("twx", INFO["task_description"])
    assert state.observation == document("You take the orange bell pepper.", INFO)
    assert state.history == ("take salt: needed",) and state.get("room") == "kitchen"


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
    here = observation_key(state_of("twx", "You take the dirty colander.", INFO))
    assert here.words[:3] == ("you", "take", "the")
    assert here.affordances == {"inventory", "look <x>", "move <x>", "open <x>", "put <x> in <y>", "take <x>"}
    assert f_o(here, here) == 1.0
    bathroom = {**INFO, "look": "You are in the bathroom. \n", "available_actions": ["look around", "take coin"]}
    moved = observation_key(state_of("twx", "You move north.", bathroom))
    assert f_o(here, moved) == f_o(moved, here)
    assert f_o(here, moved) == pytest.approx(0.5 * text_similarity(here.words, moved.words) + 0.5 * 2 / 6)
    assert 0.0 < text_similarity(here.words, moved.words) < 0.5
    assert text_similarity(("a", "b", "c"), ("a", "c")) == pytest.approx(2 * 2 / 5)  # 2·LCS / (3 + 2)
    empty = observation_key(state_of("twx", "", {}))
    assert f_o(empty, empty) == 1.0
    assert pattern(state_of("twx", "", INFO)) == "kitchen" and pattern(state_of("twx", "", {})) == ""


def test_the_prompt_view():
    state = state_of("twx", "You open the fridge.", INFO, ("open fridge",))
    lines = render(state).splitlines()
    assert lines[0] == f"Task: {INFO['task_description']}"
    assert lines[1:3] == ["Last 5 actions:", "- open fridge"]
    assert lines[3:5] == ["Observation:", "You open the fridge."]
    assert lines[lines.index("Valid actions:") + 1:] == [f"- {a}" for a in INFO["available_actions"]]
    assert all(line.strip() for line in lines)


def test_play_view_and_number_shortcut():
    at_start = describe({**INFO, "steps": 0})
    later = describe({**INFO, "steps": 2})
    assert at_start[0].startswith("Task: Your task is to pick up objects")
    assert not any(line.startswith("You are in") for line in at_start)  # the observation is the room
    assert later[1].startswith("You are in the kitchen.")
    assert "Score: 0.25" in later and later[-1].startswith("Valid actions: 1) inventory  2) look around")
    assert "  some salt" in later
    assert expand("4", INFO) == "open fridge" and expand("99", INFO) == "99"
    assert expand("take dirty colander", INFO) == "take dirty colander"
