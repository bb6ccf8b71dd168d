"""Same results at every NumPy dispatch level. NumPy picks sort kernels by CPU (baseline, AVX2,
AVX-512), and each orders ties its own way; `.ci/run` runs the tests marked `dispatch` once per
level (NPY_DISABLE_CPU_FEATURES, see tests/dispatch_fingerprint.py), and the test below plays a
seeded train + test under all three levels and compares what they leave."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dispatch_fingerprint import ENVS, LEVELS, tie_order

ROOT = Path(__file__).resolve().parents[1]


def start_probe(level: str, *args: str, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": LEVELS[level],
           "REMEMBERER_CACHE_DIR": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "tests.dispatch_fingerprint", *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def result_of(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=900)
    assert process.returncode == 0, err
    return json.loads(out)


def probe(level: str, *args: str, cache: Path) -> dict:
    return result_of(start_probe(level, *args, cache=cache))


@pytest.mark.dispatch
def test_this_process_runs_at_the_level_it_was_given(tmp_path):
    """The variable took effect here: the named dispatch targets are off, the others are as on
    the native level, and switching targets off changed how NumPy orders ties."""
    here = tie_order()
    native = probe("native", "--ties", cache=tmp_path)
    disabled = set(os.environ.get("NPY_DISABLE_CPU_FEATURES", "").split())
    assert set(here["targets"]) == set(native["targets"]) - disabled
    if here["targets"] != native["targets"]:
        assert here["ties"] != native["ties"]


def test_the_variable_changes_numpy_tie_order_on_this_machine(tmp_path):
    """Guard against a vacuous pass: on this CPU, the baseline level really orders ties
    differently from the native one (any x86-64 CPU with AVX2 does)."""
    native = probe("native", "--ties", cache=tmp_path)
    baseline = probe("no-avx512-no-avx2", "--ties", cache=tmp_path)
    assert native["targets"] and not baseline["targets"], (native, baseline)
    assert native["ties"] != baseline["ties"]


@pytest.mark.xdist_group("dispatch")
def test_seeded_runs_leave_the_same_memory_and_episodes_at_every_level(tmp_path):
    """A fake-LLM train + test per environment under each level: identical hashes of the
    episodes and the exported memory."""
    processes = {level: start_probe(level, cache=tmp_path / level) for level in LEVELS}
    hashes = {level: result_of(process) for level, process in processes.items()}
    assert set(hashes["native"]) == set(ENVS)
    assert all(found == hashes["native"] for found in hashes.values()), hashes
