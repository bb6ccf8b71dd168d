"""WikiHow: an offline simulation of Mobile-Env's wikiHow app task set (REMEMBERER's second
benchmark). `WikiHowEnv` is the Gymnasium environment; `SPLITS` names the bundled task sets."""

from __future__ import annotations

from pathlib import Path

from environments.wikihow.corpus import load_corpus
from environments.wikihow.env import WikiHowEnv

# 70 test tasks with the paper's mix, two 10-task training sets from outside the test set;
# tasks 90.. are further tasks for other splits.
SPLITS: dict[str, range] = {"test": range(0, 70), "S0": range(70, 80), "S1": range(80, 90)}


def num_tasks(data_dir: str | Path | None = None) -> int:
    """How many tasks the (bundled) data holds."""
    return len(load_corpus(data_dir).tasks)


__all__ = ["SPLITS", "WikiHowEnv", "num_tasks"]
