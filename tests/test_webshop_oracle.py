"""The oracle buys perfectly on every bundled goal; the random policy is a valid player."""

from __future__ import annotations

from environments.webshop import WebShopEnv, num_goals
from environments.webshop.oracle import OraclePolicy, RandomPolicy, oracle_actions


def test_oracle_reaches_reward_one_on_every_bundled_goal_within_15_steps():
    env = WebShopEnv(max_steps=15)
    failures = []
    for index in range(num_goals()):
        env.reset(options={"goal": index})
        terminated = truncated = False
        reward, steps = 0.0, 0
        for action in oracle_actions(env):
            _, reward, terminated, truncated, info = env.step(action)
            steps += 1
            if not info["valid"] or terminated or truncated:
                break
        if not (terminated and reward == 1.0 and steps <= 15):
            failures.append(index)
    assert failures == []


def test_oracle_policy_plays_through_act():
    env = WebShopEnv()
    policy = OraclePolicy(env)
    for index in (0, 7, 511):
        observation, info = env.reset(options={"goal": index})
        for _ in range(15):
            observation, reward, terminated, truncated, info = env.step(policy.act(observation, info))
            if terminated:
                break
        assert terminated and reward == 1.0


def test_random_policy_is_seeded_and_scores_between_zero_and_one():
    env = WebShopEnv()

    def run(seed: int) -> list[float]:
        policy, rewards = RandomPolicy(seed=seed), []
        for index in range(20):
            observation, info = env.reset(options={"goal": index})
            reward = 0.0
            while True:
                observation, reward, terminated, truncated, info = env.step(policy.act(observation, info))
                assert info["valid"]
                if terminated or truncated:
                    break
            rewards.append(reward)
        return rewards

    first = run(1)
    assert first == run(1)
    assert all(0.0 <= r <= 1.0 for r in first)
    assert sum(first) / len(first) < 0.9  # it is not a good shopper
