"""The TextWorldExpress exemplar sets E0-E2: up to date with the real game, in the memory's JSON
form, two states each with a good and a useless action."""

from __future__ import annotations

import json

import pytest

from environments.twx import EXEMPLAR_SETS, STATE_FIELDS, TASK_SETS, exemplar_dir
from environments.twx.exemplars.make import render_files

pytestmark = pytest.mark.xdist_group("twx")

# memory_store.records.experience_to_json's layout, without the id the memory computes
KEYS = ["env", "task", "observation", *STATE_FIELDS, "history", "action", "reason", "q", "visits",
        "reward", "pattern", "provenance", "created_at", "updated_at"]


def _records(name: str, set_name: str) -> list[dict]:
    path = exemplar_dir(name) / f"{set_name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_the_files_match_a_fresh_build_from_the_game():
    files = render_files()
    assert len(files) == len(TASK_SETS) * len(EXEMPLAR_SETS)
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text, \
            f"{path} is out of date: python -m environments.twx.exemplars.make"


@pytest.mark.parametrize("name", sorted(TASK_SETS))
@pytest.mark.parametrize("set_name", EXEMPLAR_SETS)
def test_each_set_is_two_states_with_a_good_and_a_useless_action(name, set_name):
    """First state: the first step of a game; second: the last step of another (with history)."""
    records = _records(name, set_name)
    assert len(records) == 4 and all(list(r) == KEYS for r in records)
    for good, bad in (records[0:2], records[2:4]):
        state = {key: good[key] for key in ("task", "observation", *STATE_FIELDS, "history")}
        assert state == {key: bad[key] for key in state}
        assert good["q"] > 0 and bad["q"] <= 0 and bad["q"] == bad["reward"]
        assert good["action"] != bad["action"]
        assert {good["action"], bad["action"]} <= set(good["available_actions"])
        assert good["env"] == name and good["provenance"] == set_name
        assert good["pattern"] == good["room"]
        assert good["reason"] and bad["reason"]
    assert records[0]["history"] == [] and records[2]["history"]
