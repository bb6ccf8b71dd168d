"""The LLM and the policy of a run, built from its settings: by the runner for its own threads,
and inside every Ray worker (agent/ray_workers.py), so both play with the same parts."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from agent.run_config import EXEMPLAR_SETS, RunConfig


def run_llm(cfg: RunConfig, api_key: str | None) -> Any:
    """The LLM of a run (the test suite's stand-in is told which environment it plays)."""
    from agent.llm import make_llm

    return make_llm(cfg.backend, model=cfg.model, temperature=cfg.temperature,
                    base_url=cfg.base_url, api_key=api_key, timeout=cfg.timeout,
                    max_retries=cfg.max_retries,
                    cache_path=Path(cfg.llm_cache) if cfg.llm_cache else None,
                    use_cache=not cfg.no_cache, api=cfg.api, seed=cfg.seed, env=cfg.env,
                    guided=cfg.guided,
                    local_options={"threads": cfg.threads} if cfg.backend == "local" else None)


def run_policy(cfg: RunConfig, spec: Any, llm: Any, store: Any, name: str | None = None) -> Any:
    """The policy `name` (default: the run's) as the run's settings describe it; `store` is what
    it retrieves from."""
    from agent.policies import make_policy

    policy = make_policy(
        name or cfg.policy, spec, llm, store=store,
        exemplar_set=cfg.initial_memory if cfg.initial_memory in EXEMPLAR_SETS else "E0",
        m=cfg.m, lam=cfg.effective_lambda, no_random=cfg.no_random,
        no_discouraged=cfg.no_discouraged, useful_exemplars=cfg.useful_exemplars,
        carry_over=cfg.carry_over, carry_choices=cfg.carry_choices, seed=cfg.seed,
        token_budget=cfg.token_budget,
        constrain=not cfg.free_text)
    if cfg.max_tokens is not None:
        policy.max_tokens = cfg.max_tokens
    return policy


def set_pass(policy: Any, split: str, cfg: RunConfig) -> None:
    """What changes with the pass: only training keeps the reasons (they go in the memory) and
    explores (`--explore`, `--explore-choices`); test and --compare passes do neither. With
    `--greedy-test`, test and --compare passes also show exemplars where something worked and no
    random advice."""
    train = split == "train"
    policy.reasons = train
    policy.explore = cfg.explore if train else 0.0
    policy.explore_choices = cfg.explore_choices if train else 0.0
    greedy = cfg.greedy_test and not train
    if hasattr(policy, "useful_exemplars"):
        policy.useful_exemplars = cfg.useful_exemplars or greedy
    if hasattr(policy, "options"):  # the advice policies
        policy.options = dataclasses.replace(policy.options, no_random=cfg.no_random or greedy)
