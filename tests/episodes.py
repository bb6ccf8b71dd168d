"""Helpers shared by the policy tests: play one episode, get an environment's oracle."""

from __future__ import annotations


def oracle_for(name, env):
    if name == "webshop":
        from environments.webshop.oracle import OraclePolicy

        return OraclePolicy(env)
    from environments.wikihow.oracle import OraclePolicy

    return OraclePolicy()


def play(policy, profile, env, index, before_step=None):
    """One episode; `before_step(observation, info)` runs before each decision (e.g. to set what
    a fake LLM answers next). Returns (decisions, total reward, terminated)."""
    observation, info = env.reset(options=profile.reset_options(index))
    policy.reset(info)
    decisions, total = [], 0.0
    while True:
        if before_step is not None:
            before_step(observation, info)
        decision = policy.act(observation, info)
        decisions.append(decision)
        observation, reward, terminated, truncated, info = env.step(decision.action)
        total += reward
        if terminated or truncated:
            return decisions, total, terminated
