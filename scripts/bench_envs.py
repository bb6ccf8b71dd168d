"""Benchmark the environments: load time, reset/step/search latency, random-policy reward.

    python scripts/bench_envs.py                       # all sections, JSON to bench_results/envs.json
    python scripts/bench_envs.py --only webshop --episodes 300 --out /tmp/envs.json

Each environment is one *section*: a function returning `Row`s (metric, value, unit, target).
Adding an environment means writing its function and listing it in SECTIONS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@dataclass
class Row:
    metric: str
    value: float
    unit: str = ""
    target: float | None = None  # an upper bound; None: reported only

    @property
    def ok(self) -> bool | None:
        return None if self.target is None else self.value <= self.target


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def latency_rows(name: str, seconds: list[float], p50_target: float | None = None) -> list[Row]:
    ms = [s * 1000 for s in seconds]
    return [Row(f"{name} p50", percentile(ms, 50), "ms", p50_target),
            Row(f"{name} p95", percentile(ms, 95), "ms")]


# ---------------------------------------------------------------- WebShop

def bench_webshop(episodes: int) -> list[Row]:
    from environments.webshop import WebShopEnv
    from environments.webshop.catalogue import BUNDLED_DIR, load_bundled_format
    from environments.webshop.oracle import RandomPolicy, oracle_actions

    loads, load_cpu = [], []
    for _ in range(3):  # uncached: read + parse + price sampling + BM25 index
        started, cpu = time.perf_counter(), time.process_time()
        catalogue = load_bundled_format(BUNDLED_DIR)
        loads.append(time.perf_counter() - started)
        load_cpu.append(time.process_time() - cpu)
    env = WebShopEnv()
    n_goals = len(env.catalogue.goals)
    goals = range(min(episodes, n_goals))

    searches = []
    for goal in goals:
        query = catalogue.goals[goal].instruction
        started = time.perf_counter()
        catalogue.search(query)
        searches.append(time.perf_counter() - started)

    resets, steps, rewards = [], [], []
    policy = RandomPolicy(seed=0)
    for goal in goals:
        started = time.perf_counter()
        observation, info = env.reset(options={"goal": goal})
        resets.append(time.perf_counter() - started)
        while True:
            action = policy.act(observation, info)
            started = time.perf_counter()
            observation, reward, terminated, truncated, info = env.step(action)
            steps.append(time.perf_counter() - started)
            if terminated or truncated:
                rewards.append(reward)
                break

    rule_rewards = []  # WebShop's rule baseline: search the instruction, buy the first result
    for goal in goals:
        observation, info = env.reset(options={"goal": goal})
        _, _, _, _, info = env.step(f"search[{info['instruction']}]")
        products = [a for a in info["available_actions"] if a.startswith("b0")]
        reward = 0.0
        if products:
            env.step(f"click[{products[0]}]")
            reward = env.step("click[buy now]")[1]
        rule_rewards.append(reward)

    oracle_rewards = []
    for goal in goals:
        env.reset(options={"goal": goal})
        for action in oracle_actions(env):
            started = time.perf_counter()
            _, reward, terminated, _, _ = env.step(action)
            steps.append(time.perf_counter() - started)
        oracle_rewards.append(reward)

    return [
        Row("products", len(catalogue.products)),
        Row("goals", n_goals),
        Row("catalogue load + index, wall (median of 3)", statistics.median(loads), "s", 1.0),
        Row("catalogue load + index, CPU time", statistics.median(load_cpu), "s", 1.0),
        *latency_rows("search", searches, 5.0),
        *latency_rows("reset", resets),
        *latency_rows("step", steps, 2.0),
        Row(f"random policy mean reward ({len(rewards)} goals)", statistics.fmean(rewards)),
        Row("random policy success rate", sum(r == 1.0 for r in rewards) / len(rewards)),
        Row("rule (buy first result) mean reward", statistics.fmean(rule_rewards)),
        Row("rule (buy first result) success rate", sum(r == 1.0 for r in rule_rewards) / len(rule_rewards)),
        Row(f"oracle mean reward ({len(oracle_rewards)} goals)", statistics.fmean(oracle_rewards)),
    ]


# ---------------------------------------------------------------- WikiHow

def bench_wikihow(episodes: int) -> list[Row]:
    from environments.wikihow import WikiHowEnv
    from environments.wikihow.corpus import DATA_DIR, read_corpus
    from environments.wikihow.oracle import OraclePolicy, RandomPolicy

    loads = []
    for _ in range(3):  # uncached: read + parse + BM25 index over titles
        started = time.perf_counter()
        corpus = read_corpus(DATA_DIR)
        corpus.index  # builds the BM25 index
        loads.append(time.perf_counter() - started)
    constructs = []
    for _ in range(200):
        started = time.perf_counter()
        env = WikiHowEnv()
        constructs.append(time.perf_counter() - started)
    tasks = range(min(episodes, len(corpus.tasks)))

    searches = []
    for task in tasks:
        started = time.perf_counter()
        corpus.search(corpus.tasks[task].phrase)
        searches.append(time.perf_counter() - started)

    resets, steps, results = [], [], {"random": [], "oracle": []}
    for name, policy in (("random", RandomPolicy(seed=0)), ("oracle", OraclePolicy())):
        for task in tasks:
            started = time.perf_counter()
            observation, info = env.reset(options={"task": task})
            resets.append(time.perf_counter() - started)
            total, terminated, truncated = 0.0, False, False
            while not (terminated or truncated):
                action = policy.act(observation, info)
                started = time.perf_counter()
                observation, reward, terminated, truncated, info = env.step(action)
                steps.append(time.perf_counter() - started)
                total += reward
            results[name].append((total, terminated))

    def mean(name: str, k: int) -> float:
        return statistics.fmean(r[k] for r in results[name])

    return [
        Row("articles", len(corpus.articles)),
        Row("tasks", len(corpus.tasks)),
        Row("corpus load + index (median of 3)", statistics.median(loads), "s", 1.0),
        *latency_rows("env construction", constructs),
        *latency_rows("search", searches, 5.0),
        *latency_rows("reset", resets),
        *latency_rows("step", steps, 2.0),
        Row(f"random policy mean reward ({len(tasks)} tasks)", mean("random", 0)),
        Row("random policy success rate", mean("random", 1)),
        Row(f"oracle mean reward ({len(tasks)} tasks)", mean("oracle", 0)),
        Row("oracle success rate", mean("oracle", 1)),
    ]


SECTIONS: dict[str, Callable[[int], list[Row]]] = {
    "webshop": bench_webshop,
    "wikihow": bench_wikihow,
}


def print_table(results: dict[str, list[Row]]) -> None:
    print(f"{'env':<9} {'metric':<42} {'value':>10} {'unit':<4} {'target':>8}  ok")
    for section, rows in results.items():
        for row in rows:
            target = "" if row.target is None else f"<= {row.target:g}"
            ok = "" if row.ok is None else ("yes" if row.ok else "NO")
            value = f"{row.value:.4g}" if isinstance(row.value, float) else str(row.value)
            print(f"{section:<9} {row.metric:<42} {value:>10} {row.unit:<4} {target:>8}  {ok}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the environments.")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append",
                        help="run only this section (repeatable)")
    parser.add_argument("--episodes", type=int, default=500, help="episodes (goals/tasks) per policy")
    parser.add_argument("--out", type=Path, default=Path("bench_results/envs.json"))
    args = parser.parse_args(argv)
    results = {name: SECTIONS[name](args.episodes) for name in (args.only or SECTIONS)}
    print_table(results)
    print(f"(machine load average over the last minute: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(), "load_average_1min": os.getloadavg()[0]},
        "episodes": args.episodes,
        "results": {name: [dict(asdict(row), ok=row.ok) for row in rows] for name, rows in results.items()},
    }
    args.out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
