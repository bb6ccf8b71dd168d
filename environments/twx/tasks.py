"""Task sets: a TextWorldExpress game, its parameters and the seeds that are its tasks.

A task is one game seed. TextWorldExpress generates every game from a seed and assigns seeds to
folds: 0..999 are the train fold, 10000..10999 dev and 20000..20999 test (the same for every game
and parameter setting). The fold matters beyond the seed: `twc` draws its objects from a
different list per fold, so a test game holds objects never seen in training. A task set may mix
several parameter settings ("variants"); seed `s` plays variant `s % len(variants)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from environments.errors import EnvironmentDataError

FOLDS: Mapping[str, range] = MappingProxyType({
    "train": range(0, 1000), "dev": range(10000, 11000), "test": range(20000, 21000),
})


def fold_of(seed: int) -> str:
    """The fold a game seed belongs to; EnvironmentDataError for a seed in none of them."""
    for name, seeds in FOLDS.items():
        if seed in seeds:
            return name
    ranges = ", ".join(f"{name} {r.start}..{r.stop - 1}" for name, r in FOLDS.items())
    raise EnvironmentDataError(f"unknown TextWorldExpress task {seed!r}: a task is a game seed ({ranges})")


@dataclass(frozen=True)
class TaskSet:
    """One game with its parameter variants, named splits and run defaults."""

    name: str  # the environment name this task set is played under
    game: str  # the TextWorldExpress game name
    variants: tuple[Mapping[str, int], ...]
    splits: Mapping[str, range]
    max_steps: int  # default step limit, above the longest gold path (tests check it)
    quick: Mapping[str, object] = field(default_factory=dict)
    paper: Mapping[str, object] = field(default_factory=dict)

    def variant_index(self, seed: int) -> int:
        return seed % len(self.variants)

    def variant(self, seed: int) -> Mapping[str, int]:
        return self.variants[self.variant_index(seed)]

    def params(self, seed: int) -> str:
        """The game parameter string TextWorldExpress expects, for the variant of `seed`."""
        return ",".join(f"{key}={value}" for key, value in self.variant(seed).items())


def _twc(rooms: int, objects: int) -> Mapping[str, int]:
    return MappingProxyType({"numLocations": rooms, "numItemsToPutAway": objects,
                             "includeDoors": 0, "limitInventorySize": 0})


def _coin(rooms: int) -> Mapping[str, int]:
    return MappingProxyType({"numLocations": rooms, "numDistractorItems": 0,
                             "includeDoors": 0, "limitInventorySize": 0})


def _cooking(ingredients: int) -> Mapping[str, int]:
    return MappingProxyType({"numLocations": 1, "numIngredients": ingredients,
                             "numDistractorItems": 0, "includeDoors": 0, "limitInventorySize": 0})


def _splits() -> Mapping[str, range]:
    """The same layout for every task set: S0/S1 are 10 train-fold seeds each (as the paper's
    training sets), `test` 100 test-fold seeds, `dev` 100 dev-fold seeds. Seeds 10000..10005 of
    the dev fold are reserved for the exemplar sets E0-E2."""
    return MappingProxyType({"S0": range(0, 10), "S1": range(10, 20), "dev": range(10100, 10200),
                             "test": range(20000, 20100)})


def _defaults(max_steps: int) -> tuple[Mapping[str, object], Mapping[str, object]]:
    """(quick, paper) run settings, keyed by the run settings' names (`RunConfig` fields)."""
    quick = {"train_set": "0:2", "test_set": "20000:20003", "epochs": 1, "max_steps": max_steps,
             "max_tokens": 48}
    paper = {"train_set": "S0", "test_set": "test", "epochs": 3, "max_steps": max_steps,
             "max_tokens": 128, "initial_memory": "E0", "m": 2, "lam": 0.5}
    return MappingProxyType(quick), MappingProxyType(paper)


def _task_set(name: str, game: str, variants: tuple[Mapping[str, int], ...], max_steps: int) -> TaskSet:
    quick, paper = _defaults(max_steps)
    return TaskSet(name, game, variants, _splits(), max_steps, quick, paper)


# twc: tidy a house by commonsense (1-2 rooms, 2-3 objects); coin: find the coin (4, 6 or 8
# rooms: with fewer, the coin is never more than one move away); cookingworld: cook from a
# recipe in one kitchen (1-2 ingredients).
TASK_SETS: Mapping[str, TaskSet] = MappingProxyType({task_set.name: task_set for task_set in (
    _task_set("twx", "twc", (_twc(1, 2), _twc(1, 3), _twc(2, 2), _twc(2, 3)), max_steps=15),
    _task_set("twx-coin", "coin", (_coin(4), _coin(6), _coin(8)), max_steps=15),
    _task_set("twx-cooking", "cookingworld", (_cooking(1), _cooking(2)), max_steps=20),
)})


def task_set(name: str) -> TaskSet:
    """The task set called `name`; EnvironmentDataError naming the known ones otherwise."""
    try:
        return TASK_SETS[name]
    except KeyError:
        raise EnvironmentDataError(
            f"unknown TextWorldExpress task set {name!r} (known: {', '.join(sorted(TASK_SETS))})") from None
