"""One episode: play a task to its end with a policy and log every step."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from agent.report import scoring_for
from environments.spec import EnvSpec
from memory_store.records import Transition


@dataclass
class Episode:
    """A played episode: its record (a line of episodes.jsonl) and what the updater needs."""

    record: dict
    transitions: list[Transition] = field(default_factory=list)


def play_episode(spec: EnvSpec, env: Any, policy: Any, task: int, *, episode: str,
                 split: str, epoch: int) -> Episode:
    """Play task `task` to its end (goal reached or step limit) and log every step.

    Steps where the model gave no usable answer (the policy's no-op) are logged but are not
    experiences: they never enter the memory.
    """
    scoring = scoring_for(spec.name)
    start = time.perf_counter()
    observation, info = env.reset(options=spec.reset_options(task))
    policy.reset(info, episode=episode)
    task_text = spec.task_of(info)
    steps: list[dict] = []
    transitions: list[Transition] = []
    reward, total = 0.0, 0.0
    terminated = truncated = False
    while not (terminated or truncated):
        decision = policy.act(observation, info)
        observation, reward, terminated, truncated, info = env.step(decision.action)
        reward = float(reward)
        total += reward
        steps.append({
            "action": decision.action, "reason": decision.reason, "value": decision.value,
            "reward": reward, "parse_ok": decision.parse_ok, "attempts": decision.attempts,
            "failures": decision.failures, "valid": bool(info.get("valid", True)),
            "llm_calls": decision.llm_calls, "cached_calls": decision.cached_calls,
            "prompt_tokens": decision.prompt_tokens,
            "completion_tokens": decision.completion_tokens,
            "exemplar_scores": [round(s, 4) for s in decision.exemplar_scores],
            **({"explored": True} if decision.explored else {}),
            **({"choice": True} if decision.choice else {}),
            **({"encouraged": decision.encouraged, "discouraged": decision.discouraged}
               if decision.encouraged or decision.discouraged else {}),
            **({"carried": decision.carried} if decision.carried else {}),
        })
        if decision.parse_ok:
            transitions.append(Transition(decision.state, decision.action, reward, decision.reason))
    record = {
        "episode_id": episode, "split": split, "epoch": epoch, "task": int(task),
        "task_text": task_text, "steps": steps, "n_steps": len(steps),
        "final_reward": reward, "total_reward": total,
        "terminated": bool(terminated), "truncated": bool(truncated),
        "noops": sum(not s["parse_ok"] for s in steps),
        **{key: sum(s[key] for s in steps) for key in (
            "llm_calls", "cached_calls", "prompt_tokens", "completion_tokens")},
        "seconds": round(time.perf_counter() - start, 3),
    }
    record["score"] = scoring.score(record)
    record["success"] = scoring.success(record)
    return Episode(record, transitions)
