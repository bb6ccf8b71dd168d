"""The TextWorldExpress exemplar sets E0-E2: up to date with the real game, in the memory's
JSONL shape, and the ReAct worked steps made from them."""

from __future__ import annotations

import pytest

from environments.errors import EnvironmentDataError
from environments.twx import EXEMPLAR_SETS, TASK_SETS, load_exemplars, react_steps
from environments.twx.exemplars import exemplar_path
from environments.twx.exemplars.make import render_files
from memory_store.records import experience_from_json

pytestmark = pytest.mark.xdist_group("twx")


def test_the_files_match_a_fresh_build_from_the_game():
    files = render_files()
    assert len(files) == len(TASK_SETS) * len(EXEMPLAR_SETS)
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is out of date: python -m environments.twx.exemplars.make"


@pytest.mark.parametrize("name", sorted(TASK_SETS))
@pytest.mark.parametrize("set_name", EXEMPLAR_SETS)
def test_each_set_is_two_states_with_a_good_and_a_useless_action(name, set_name):
    """First state: the first step of a game; second: the last step of another (with history)."""
    records = load_exemplars(name, set_name)
    assert len(records) == 4
    for good, bad in (records[0:2], records[2:4]):
        assert good["observation"] == bad["observation"] and good["history"] == bad["history"]
        assert good["q"] > 0 and bad["q"] <= 0 and bad["q"] == bad["reward"]
        assert good["action"] != bad["action"]
        assert {good["action"], bad["action"]} <= set(good["available_actions"])
        assert good["env"] == name and good["provenance"] == set_name
        assert good["task_index"] in range(10000, 10100)  # dev-fold games in no split
        assert good["pattern"] == good["fields"]["room"]
        assert good["reason"] and bad["reason"]
        experience = experience_from_json(good)  # loads as a memory experience as it is
        assert experience.state.observation == good["observation"] and experience.q == good["q"]
    assert records[0]["history"] == [] and records[2]["history"]
    assert records[0]["task_index"] < records[2]["task_index"]


def test_react_steps_think_then_take_the_gold_action():
    for name in TASK_SETS:
        records = load_exemplars(name, "E1")
        steps = react_steps(name, "E1")
        assert [s.action for s in steps] == [records[0]["action"], records[2]["action"]]
        first = steps[0]
        assert first.thoughts == (f"{records[1]['action']} would not help: {records[1]['reason']}",
                                  records[0]["reason"])


def test_unknown_or_missing_sets_are_one_line_errors():
    with pytest.raises(EnvironmentDataError, match="unknown exemplar set"):
        load_exemplars("twx", "E9")
    with pytest.raises(EnvironmentDataError, match="missing"):
        load_exemplars("nosuch", "E0")
    assert exemplar_path("twx", "E0").name == "twx_E0.jsonl"
