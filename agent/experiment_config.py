"""An experiment file: a declared grid of runs over the same test tasks with the same LLM.

    name = "shop-main"                    # the folder: experiments/<name> (default: the file's name)
    description = "What this experiment shows."
    baseline = "llm-only"                 # the arm every other arm is compared to (paired)
    seeds = [0]                           # every arm runs once per seed
    resamples = 10000                     # bootstrap resamples (default 10000)
    headline = true                       # its rows go in the README's results (default true)

    [settings]                            # shared by every run: the keys of `rememberer train`
    env = "shop"                          # a registered environment name
    llm = "local"
    test-set = "0:50"
    train-set = "S0"

    [[arm]]
    name = "llm-only"
    policy = "llm-only"
    vary = { initial-memory = ["E0", "E1", "E2"] }   # one arm per value (per combination)

    [[arm]]
    name = "no-random"
    no-random = true
    compare-to = "rememberer"             # an ablation: also compared to the full Rememberer

An arm may set any run setting except those that make arms comparable: the environment, the test
tasks, the LLM and the seed are shared (`[settings]` and `seeds`). `vary` expands one arm into
one arm per combination of values, named `<name>-<value>-...`. An arm is compared to the
baseline's arm with the same values of what the baseline varies (Rememberer with E1 against
LLM-only with E1), and likewise for `compare-to`.
"""

from __future__ import annotations

import argparse
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.errors import AgentError
from agent.run_config import (add_run_arguments, capture_defaults, checked_settings, load_toml,
                              parse_task_set)
from agent.stats import DEFAULT_LEVEL, DEFAULT_RESAMPLES

# Settings every arm shares (so the arms are comparable); an arm or `vary` may not set them.
SHARED = ("env", "test-set", "llm", "model", "base-url", "api", "temperature", "seed")
# Settings the experiment itself decides for each run.
OWNED = ("name", "run-dir", "memory", "seed")
TOP_KEYS = ("name", "description", "smoke", "headline", "baseline", "seeds", "resamples",
            "bootstrap-seed", "confidence", "settings", "arm")
ARM_KEYS = ("name", "vary", "compare-to")
LEARNING_POLICY = "rememberer"


def run_parser() -> tuple[argparse.ArgumentParser, dict[str, Any]]:
    """The parser of `rememberer train` / `test` settings and its defaults by destination."""
    parser = argparse.ArgumentParser(prog="rememberer train")
    add_run_arguments(parser)
    return parser, capture_defaults(parser)


@dataclass(frozen=True)
class Arm:
    """One column of the results: a setting of the agent, played once per seed."""

    name: str
    family: str  # the `[[arm]]` it came from
    settings: dict[str, Any]  # by destination: [settings], then the arm's own, then `vary`
    own: dict[str, Any]  # TOML key -> value: what this arm sets beyond [settings]
    varied: dict[str, Any]  # destination -> value, from `vary`
    compare_to: tuple[str, ...] = ()  # arms to compare with (`compare-to`, then resolved)

    @property
    def policy(self) -> str:
        return self.settings.get("policy", LEARNING_POLICY)

    @property
    def command(self) -> str:
        """Rememberer trains and tests; a baseline only tests (it does not learn)."""
        return "train" if self.policy == LEARNING_POLICY else "test"


@dataclass(frozen=True)
class PlannedRun:
    arm: str
    seed: int
    command: str
    settings: dict[str, Any]  # by destination, the seed included

    @property
    def name(self) -> str:
        return f"{self.arm}-seed{self.seed}"


@dataclass
class ExperimentPlan:
    name: str
    description: str
    smoke: bool
    headline: bool  # the README's results block shows its Rememberer arms (main comparisons)
    path: Path  # the experiment file
    text: str  # its contents, kept with the results
    settings: dict[str, Any]  # [settings] as written (TOML keys)
    baseline: str | None
    seeds: list[int]
    resamples: int
    bootstrap_seed: int
    level: float
    arms: list[Arm]
    runs: list[PlannedRun] = field(default_factory=list)

    @property
    def env(self) -> str:
        return self.settings["env"]


def load_plan(path: Path) -> ExperimentPlan:
    """Read and check an experiment file (every error is one line naming the file)."""
    path = Path(path)
    text, data = load_toml(path, "experiment file")
    return plan_from(data, path=path, text=text)


def plan_from(data: dict[str, Any], *, path: Path, text: str = "") -> ExperimentPlan:
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise AgentError(f"{path}: unknown key {unknown[0]!r} (the top level takes "
                         f"{', '.join(TOP_KEYS[:-2])}, a [settings] table and [[arm]] tables)")
    from environments import registry

    parser, defaults = run_parser()
    settings = _table(data.get("settings", {}), f"{path}: [settings]")
    for key in OWNED:
        if key in settings:
            raise AgentError(f"{path}: [settings] sets {key!r}, which the experiment decides for "
                             "each run (seeds go in the top-level `seeds` list)")
    if "env" not in settings:
        raise AgentError(f"{path}: [settings] needs env = \"NAME\" (an environment: "
                         f"{', '.join(registry.names())})")
    shared = checked_settings(settings, parser, where=f"{path} [settings]")
    arms_data = data.get("arm")
    if not isinstance(arms_data, list) or not arms_data:
        raise AgentError(f"{path}: no arms: add [[arm]] tables, each with a name")
    arms: list[Arm] = []
    for index, arm_data in enumerate(arms_data, 1):
        arms += _expand_arm(_table(arm_data, f"{path}: arm {index}"), shared, parser, path)
    names = [arm.name for arm in arms]
    duplicate = next((name for name in names if names.count(name) > 1), None)
    if duplicate:
        raise AgentError(f"{path}: two arms are named {duplicate!r}; give them different names")
    _check_splits(path, shared, arms)
    baseline = data.get("baseline", "llm-only" if any(a.family == "llm-only" for a in arms) else None)
    arms = _link_comparisons(path, arms, baseline, defaults)
    seeds = data.get("seeds", [0])
    if (not isinstance(seeds, list) or not seeds or len(set(seeds)) != len(seeds)
            or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in seeds)):
        raise AgentError(f"{path}: seeds must be a list of different whole numbers >= 0, "
                         f"got {seeds!r}")
    plan = ExperimentPlan(
        name=_name(data.get("name", path.stem), path), description=_text(data, "description", path),
        smoke=_flag(data, "smoke", path), headline=_flag(data, "headline", path, default=True),
        path=path, text=text, settings=settings,
        baseline=baseline, seeds=seeds,
        resamples=_whole(data, "resamples", DEFAULT_RESAMPLES, path, low=100),
        bootstrap_seed=_whole(data, "bootstrap-seed", 0, path, low=0),
        level=_level(data, path), arms=arms)
    plan.runs = [PlannedRun(arm.name, seed, arm.command, {**arm.settings, "seed": seed})
                 for arm in arms for seed in seeds]
    return plan


def _expand_arm(data: dict[str, Any], shared: dict[str, Any],
                parser: argparse.ArgumentParser, path: Path) -> list[Arm]:
    family = _name(data.get("name"), path, what="arm name")
    where = f"{path}: arm {family!r}"
    own = {k: v for k, v in data.items() if k not in ARM_KEYS}
    vary = _table(data.get("vary", {}), f"{where}: vary")
    for key in (*own, *vary):
        if key in SHARED or key in OWNED:
            raise AgentError(f"{where} sets {key!r}: every arm plays the same test tasks with the "
                             "same LLM; put it under [settings] (seeds: the top-level `seeds`)")
    settings = {**shared, **checked_settings(own, parser, where=where)}
    compare_to = data.get("compare-to", [])
    compare_to = [compare_to] if isinstance(compare_to, str) else compare_to
    if not isinstance(compare_to, list) or not all(isinstance(t, str) for t in compare_to):
        raise AgentError(f"{where}: compare-to must be an arm name or a list of arm names")
    for key, values in vary.items():
        if not isinstance(values, list) or not values:
            raise AgentError(f"{where}: vary.{key} must be a list of values, got {values!r}")
    combos = itertools.product(*vary.values()) if vary else [()]
    arms = []
    for combo in combos:
        chosen = dict(zip(vary, combo))
        varied = checked_settings(chosen, parser, where=f"{where}: vary")
        label = "-".join(_value_label(k, v) for k, v in chosen.items())
        arms.append(Arm(name=f"{family}-{label}" if label else family, family=family,
                        settings={**settings, **varied}, own={**own, **chosen}, varied=varied,
                        compare_to=tuple(compare_to)))
    return arms


def _value_label(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return key if value else f"not-{key}"
    text = f"{key}{value}" if isinstance(value, (int, float)) else str(value)
    return re.sub(r"[^\w.+-]+", "-", text).strip("-")


def _link_comparisons(path: Path, arms: list[Arm], baseline: str | None,
                      defaults: dict[str, Any]) -> list[Arm]:
    """Each arm's comparison targets: the baseline, then its own `compare-to`, matched by what
    the target varies."""
    families = {arm.family for arm in arms}
    if baseline is not None and baseline not in families:
        raise AgentError(f"{path}: baseline {baseline!r} is not an arm (arms: "
                         f"{', '.join(sorted(families))})")
    linked = []
    for arm in arms:
        targets = [baseline] if baseline else []
        targets += [t for t in arm.compare_to if t not in targets]
        names = []
        for target in targets:
            if target == arm.family:
                continue
            if target not in families:
                raise AgentError(f"{path}: arm {arm.family!r} compares to {target!r}, which is "
                                 "not an arm")
            names.append(_matching(path, arm, [a for a in arms if a.family == target], defaults))
        linked.append(Arm(arm.name, arm.family, arm.settings, arm.own, arm.varied, tuple(names)))
    return linked


def _matching(path: Path, arm: Arm, candidates: list[Arm], defaults: dict[str, Any]) -> str:
    def setting(name: str) -> Any:
        return arm.settings.get(name, defaults.get(name))

    found = [c for c in candidates if all(setting(k) == v for k, v in c.varied.items())]
    if len(found) != 1:
        wanted = ", ".join(f"{k.replace('_', '-')} = {setting(k)!r}"
                           for k in sorted({k for c in candidates for k in c.varied}))
        raise AgentError(f"{path}: arm {arm.name!r} has no single arm of {candidates[0].family!r} "
                         f"to compare with (it needs one with {wanted})")
    return found[0].name


def _check_splits(path: Path, shared: dict[str, Any], arms: list[Arm]) -> None:
    """Split names are checked now; task ranges are checked against the data when a run starts."""
    splits = task_splits(shared["env"])
    for arm in arms:
        for name, flag in (("train_set", "train-set"), ("test_set", "test-set")):
            if name in arm.settings:
                try:
                    parse_task_set(arm.settings[name], flag, splits)
                except AgentError as exc:
                    raise AgentError(f"{path}: arm {arm.name!r}: {exc}") from None


def task_splits(env: str) -> dict[str, range]:
    """The environment's named task sets (test, S0, S1, ...)."""
    from environments import registry

    return dict(registry.spec(env).splits)


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise AgentError(f"{where} must be a table of key = value lines")
    return dict(value)


def _name(value: Any, path: Path, *, what: str = "name") -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[\w.+-]+", value):
        raise AgentError(f"{path}: {what} {value!r}: use letters, digits and . _ + - only")
    return value


def _text(data: dict[str, Any], key: str, path: Path) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise AgentError(f"{path}: {key} must be a text in quotes")
    return " ".join(value.split())


def _flag(data: dict[str, Any], key: str, path: Path, default: bool = False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise AgentError(f"{path}: {key} must be true or false")
    return value


def _whole(data: dict[str, Any], key: str, default: int, path: Path, *, low: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise AgentError(f"{path}: {key} must be a whole number >= {low}, got {value!r}")
    return value


def _level(data: dict[str, Any], path: Path) -> float:
    value = data.get("confidence", DEFAULT_LEVEL)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.5 <= value < 1:
        raise AgentError(f"{path}: confidence must be a number in [0.5, 1), got {value!r}")
    return float(value)
