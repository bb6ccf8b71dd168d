"""The f_o measurement (environments.twx.measure) on the real game: reproducible, and the
chosen f_o finds same-shape actions more often than retrieval that ignores the observation."""

from __future__ import annotations

import json

import pytest

from environments.twx import measure

pytestmark = pytest.mark.xdist_group("twx")


@pytest.fixture(scope="module")
def small_table():
    return measure.measure("twx", memory_seeds=24, held_out=12)


def test_the_measurement_is_reproducible(small_table):
    again = measure.measure("twx", memory_seeds=24, held_out=12)
    assert json.dumps(again, sort_keys=True) == json.dumps(small_table, sort_keys=True)


def test_the_table_has_every_candidate_and_the_sizes(small_table):
    assert small_table["memory_states"] > 24  # several states per gold path
    assert 1 < small_table["longest_solution"] < small_table["max_steps"] == 15
    for split in ("dev", "test"):
        rows = small_table["splits"][split]["candidates"]
        assert set(rows) == set(measure.CANDIDATES)
        assert small_table["splits"][split]["states"] > 12
        assert all(0.0 <= cell <= 1.0 for row in rows.values() for cell in row.values())


def test_the_chosen_f_o_beats_ignoring_the_observation(small_table):
    for split in ("dev", "test"):
        data = small_table["splits"][split]
        chosen = data["candidates"][measure.CHOSEN]["same_shape"]
        assert chosen > data["candidates"]["none"]["same_shape"]
        assert chosen > data["majority"]


def test_the_printed_table(small_table, capsys):
    text = measure.format_table(small_table)
    assert measure.CHOSEN in text and "dev shape" in text and "test exact" in text
    assert text.splitlines()[0].startswith("task set twx: memory = solutions of 24 train-fold games")


def test_the_mean_over_task_sets_names_the_best_on_dev(small_table):
    other = json.loads(json.dumps(small_table))
    for label, row in other["splits"]["dev"]["candidates"].items():
        row["same_shape"] = 1.0 if label == "none" else 0.0
    means = measure.mean_table([small_table, other])
    chosen = small_table["splits"]["dev"]["candidates"][measure.CHOSEN]["same_shape"]
    assert means[measure.CHOSEN]["dev"] == pytest.approx(round(chosen / 2, 4), abs=1e-4)
    assert set(means) == set(measure.CANDIDATES)
    text = measure.format_means(means, ["a", "b"])
    assert text.startswith("mean over task sets a, b")
    best = max(means, key=lambda label: (means[label]["dev"], label))
    assert text.splitlines()[-1] == f"best on dev: {best}"
