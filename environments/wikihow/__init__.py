"""WikiHow: an offline simulation of Mobile-Env's wikiHow app task set (REMEMBERER's second
benchmark). `WikiHowEnv` is the Gymnasium environment; `SPLITS` names the bundled task sets.

The names below are imported on first use, so that looking up the plug-in spec
(`environments.wikihow.spec`) does not load the simulator.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

_HOMES = {"WikiHowEnv": "environments.wikihow.env", "SPLITS": "environments.wikihow.spec"}

__all__ = ["SPLITS", "WikiHowEnv", "num_tasks"]


def num_tasks(data_dir: str | Path | None = None) -> int:
    """How many tasks the (bundled) data holds."""
    from environments.wikihow.corpus import load_corpus

    return len(load_corpus(data_dir).tasks)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
