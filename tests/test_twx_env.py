"""TextWorldExpress through `environments.twx`: the real game (a JVM) on gold paths, the
adapter's Gymnasium conventions, and the valid-action patterns."""

from __future__ import annotations

import pytest

from environments.errors import EnvironmentDataError
from environments.twx import FOLDS, TASK_SETS, action_patterns, make_env, state_of
from environments.twx.gold import gold_episode
from environments.twx.runtime import start_engine

pytestmark = pytest.mark.xdist_group("twx")


@pytest.fixture(scope="module")
def env():
    environment = make_env("twx", max_steps=15)
    yield environment
    environment.close()


@pytest.fixture(scope="module")
def engine(env):
    env.reset(options={"task": 0})  # starts the JVM
    return env._engine


@pytest.mark.parametrize("name", sorted(TASK_SETS))
def test_gold_paths_reach_success(name):
    environment = make_env(name, max_steps=100)
    try:
        splits = environment.task_set.splits
        for seed in (*splits["S0"][:2], *splits["test"][:2]):
            observation, info = environment.reset(options={"task": seed})
            total, terminated = 0.0, False
            for action in environment.gold_actions():
                observation, reward, terminated, truncated, info = environment.step(action)
                assert info["valid"] and not truncated
                total += reward
                if terminated:
                    break
            assert terminated and info["success"] and not info["failure"]
            assert info["score"] == pytest.approx(1.0) and total == pytest.approx(1.0)
    finally:
        environment.close()


def test_gold_paths_of_every_variant_fit_the_step_limit():
    """Each task set's max_steps leaves room above its gold paths (all variants, both folds)."""
    for name, task_set in TASK_SETS.items():
        environment = make_env(name, max_steps=task_set.max_steps)
        try:
            count = 3 * len(task_set.variants)  # three games of each variant per fold
            seeds = sorted([*range(0, count), *range(20000, 20000 + count)],
                           key=lambda s: (task_set.variant_index(s), s))  # one game load per variant
            longest = max(len(gold_episode(environment, seed)) for seed in seeds)
        finally:
            environment.close()
        assert longest < task_set.max_steps, name


def test_the_engine_folds_are_the_ones_the_task_sets_assume():
    engine = start_engine()
    try:
        for task_set in TASK_SETS.values():
            engine.load(task_set.game, task_set.params(len(task_set.variants) - 1))
            assert list(engine.getValidSeedsTrain()) == list(FOLDS["train"])
            assert list(engine.getValidSeedsDev()) == list(FOLDS["dev"])
            assert list(engine.getValidSeedsTest()) == list(FOLDS["test"])
    finally:
        engine.close()


def test_reset_returns_the_games_view(env):
    observation, info = env.reset(options={"task": 20000})
    assert observation.startswith("You are in the ") and observation == info["look"]
    assert info["task_description"].startswith("Your task is to pick up objects")
    assert info["inventory"].startswith("Inventory:")
    assert info["available_actions"] == sorted(info["available_actions"])
    assert "look around" in info["available_actions"]
    assert info["score"] == 0.0 and info["valid"] and info["task"] == 20000 and info["steps"] == 0
    assert env.task == 20000


def test_same_seed_same_game_and_the_fold_follows_the_seed(env):
    first, _ = env.reset(options={"task": 3})
    again, _ = env.reset(options={"task": 3})
    test_game, _ = env.reset(options={"task": 20003})
    assert first == again and first != test_game


def test_reset_without_a_task_draws_a_train_fold_seed(env):
    env.reset(seed=7)
    drawn = env.task
    env.reset(seed=7)
    assert env.task == drawn and drawn in FOLDS["train"]


def test_an_invalid_action_is_a_step_that_changes_nothing(env):
    observation, info = env.reset(options={"task": 1})
    after, reward, terminated, truncated, info2 = env.step("dance on the table")
    assert not info2["valid"] and reward == 0.0 and not terminated and not truncated
    assert info2["look"] == info["look"] and info2["available_actions"] == info["available_actions"]
    assert info2["steps"] == 1 and "Unknown action" in after


def test_actions_match_case_and_space_insensitively(env):
    _, info = env.reset(options={"task": 1})
    take = next(a for a in info["available_actions"] if a.startswith("take "))
    _, reward, _, _, after = env.step("  " + take.upper().replace(" ", "   ") + ". ")
    assert after["valid"] and reward > 0 and after["inventory"] != info["inventory"]


def test_truncated_at_max_steps_then_stepping_is_an_error():
    environment = make_env("twx", max_steps=2)
    try:
        environment.reset(options={"task": 2})
        assert environment.step("inventory")[3] is False
        _, _, terminated, truncated, _ = environment.step("inventory")
        assert truncated and not terminated
        with pytest.raises(EnvironmentDataError, match="episode is over"):
            environment.step("inventory")
    finally:
        environment.close()


def test_stepping_after_success_is_an_error(env):
    steps = gold_episode(env, 4)
    assert steps and env.render() is not None
    with pytest.raises(EnvironmentDataError, match="episode is over"):
        env.step("look around")


def test_step_and_gold_before_reset_are_errors():
    environment = make_env("twx")
    with pytest.raises(EnvironmentDataError, match="reset"):
        environment.step("look around")
    with pytest.raises(EnvironmentDataError, match="reset"):
        environment.gold_actions()
    assert environment.render() is None
    environment.close()  # nothing started: closing is a no-op


def test_render_modes(capsys):
    ansi = make_env("twx", render_mode="ansi")
    human = make_env("twx", render_mode="human")
    try:
        observation, info = ansi.reset(options={"task": 5})
        text = ansi.render()
        assert text.startswith(observation.strip()) and info["inventory"].strip() in text
        capsys.readouterr()
        human.reset(options={"task": 5})
        printed = capsys.readouterr().out
        assert human.render() is None
        assert printed.strip() == text.strip() and capsys.readouterr().out.strip() == text.strip()
    finally:
        ansi.close()
        human.close()


@pytest.mark.parametrize("kwargs, message", [
    ({"render_mode": "rgb_array"}, "render_mode"),
    ({"max_steps": 0}, "max_steps"),
    ({"max_steps": True}, "max_steps"),
])
def test_bad_settings_are_one_line_errors(kwargs, message):
    with pytest.raises(EnvironmentDataError, match=message) as caught:
        make_env("twx", **kwargs)
    assert "\n" not in str(caught.value)


def test_unknown_task_set_names_the_known_ones():
    with pytest.raises(EnvironmentDataError, match="twx-coin") as caught:
        make_env("zork")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("task, message", [(5000, "train 0..999"), (-1, "a game seed"),
                                           ("3", "integer"), (True, "integer")])
def test_unknown_tasks_are_one_line_errors(env, task, message):
    with pytest.raises(EnvironmentDataError, match=message) as caught:
        env.reset(options={"task": task})
    assert "\n" not in str(caught.value)


def test_action_patterns_cover_the_games_valid_actions(env, engine):
    """Along a gold path, the patterns are exactly the engine's own valid actions, each a literal
    the game accepts."""
    steps = gold_episode(env, 20001)
    for number, step in enumerate(steps):
        patterns = action_patterns(state_of("twx", step.observation, step.info))
        env.reset(options={"task": 20001})
        for previous in steps[:number]:
            env.step(previous.action)
        raw = sorted(engine.runHistory[-1]["validActions"])  # the engine's own list, unsorted
        assert all(len(p) == 1 and isinstance(p[0], str) for p in patterns)
        assert sorted(p[0] for p in patterns) == raw
        assert step.action in {p[0] for p in patterns}
    for (action,) in action_patterns(state_of("twx", *env.reset(options={"task": 20001}))):
        env.reset(options={"task": 20001})
        assert env.step(action)[4]["valid"], action
